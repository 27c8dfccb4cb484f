"""A supervisor dismisses a burst of fake contacts as spam in one step, and can restore it
(issue 16, item 5): audited, out of the inbox and the queues, counted apart in statistics."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from lantern.audit.models import AuditEvent
from lantern.contacts import actions as contacts
from lantern.contacts import queries as contact_queries
from lantern.contacts.models import Contact, SpamBatch
from lantern.privacy import receipts
from lantern.routing.engine import tick
from lantern.routing.models import Task
from lantern.stats import queries as stats_queries
from lantern.stats.tables import TABLES


def _burst(n: int) -> list[Contact]:
    made = [
        contacts.do_receive_tip(
            {"what_happened": f"Synthetic flood tip {i}", "urgency": "now"},
            receipt_hash=receipts.code_hash(f"{i:016d}"),
        )
        for i in range(n)
    ]
    tick()
    return made


def _channel_total(day: date) -> int:
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    rows = TABLES["contacts_by_channel"].query(start, start + timedelta(days=1), {})
    return sum(n for _, _, n in rows)


def test_a_burst_is_dismissed_in_bulk_and_restored(login, personas):
    burst = _burst(4)
    real = contacts.do_receive_tip(
        {"what_happened": "Synthetic real tip", "urgency": "soon"},
        receipt_hash=receipts.code_hash("9" * 16),
    )
    tick()
    supervisor = login("supervisor")
    page = supervisor.get("/console/routing/spam/").content.decode()
    assert all(f'data-contact="{c.pk}"' in page for c in [*burst, real])
    today = timezone.localdate()
    assert _channel_total(today) == 5

    response = supervisor.post("/console/routing/spam/dismiss/", {
        "contact": [str(c.pk) for c in burst] + ["not-a-uuid"], "reason": "fake urgent tips",
    })  # fmt: skip
    assert response.status_code == 302
    batch = SpamBatch.objects.get()
    assert batch.size == 4 and batch.dismissed_by == personas["supervisor"]
    assert set(Contact.objects.filter(spam_batch=batch)) == set(burst)
    inbox = contact_queries.inbox(personas["supervisor"])
    assert inbox == [real]
    assert set(Task.objects.filter(state="dismissed").values_list("contact_id", flat=True)) == {
        c.pk for c in burst
    }
    assert Task.objects.get(contact=real).state == "waiting"
    # statistics: left out of the tables, counted apart on the operations dashboard
    assert _channel_total(today) == 1
    ops = stats_queries.operations(today, today)
    assert ops.total == 1 and ops.spam == 4
    assert b'id="spam-count"' in supervisor.get("/console/stats/operations/").content
    # audited: the batch, and each contact
    assert AuditEvent.objects.filter(object_id=str(batch.pk), action="create").exists()
    assert AuditEvent.objects.filter(
        action="update", object_type="contacts.contact", changes__spam_batch=str(batch.pk)
    ).count() == 4

    restored = supervisor.post(f"/console/routing/spam/{batch.pk}/restore/")
    assert restored.status_code == 302
    batch.refresh_from_db()
    assert batch.restored_at and batch.restored_by == personas["supervisor"]
    assert len(contact_queries.inbox(personas["supervisor"])) == 5
    assert not Task.objects.filter(state="dismissed").exists()
    assert _channel_total(today) == 5
    again = supervisor.post(f"/console/routing/spam/{batch.pk}/restore/", follow=True)
    assert b"restored already" in again.content


def test_only_those_allowed_dismiss_spam_and_nothing_chosen_dismisses_nothing(login):
    burst = _burst(2)
    advocate = login("advocate")
    assert advocate.get("/console/routing/spam/").status_code == 403
    refused = advocate.post("/console/routing/spam/dismiss/", {"contact": [str(burst[0].pk)]})
    assert refused.status_code == 403
    empty = login("supervisor").post("/console/routing/spam/dismiss/", {"contact": ["x"]},
                                     follow=True)  # fmt: skip
    assert b"choose the contacts" in empty.content
    assert not SpamBatch.objects.exists()
