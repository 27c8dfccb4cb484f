"""The retention page for administrators (issue 22 part 3): the schedule, what is due now, the
month keys, and a button that applies the schedule at once, audited under the administrator."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from lantern.audit.models import AuditEvent
from lantern.contacts.models import Contact

URL = "/console/retention/"


def test_an_administrator_sees_what_is_due_and_applies_the_schedule(db, login, make_contact):
    old = make_contact(caller={"name": "Synthetic Past", "phone": "+1 713 555 0181"})
    make_contact(caller={"name": "Synthetic Recent", "phone": "+1 713 555 0182"})
    long_ago = timezone.now() - timedelta(days=3000)
    Contact.objects.filter(pk=old.pk).update(updated_at=long_ago, received_at=long_ago)
    admin = login("admin")
    page = admin.get(URL).content.decode()
    assert "Callers&#x27; names, numbers, emails and summaries" in page
    row = page.split("Callers&#x27; names")[1].split("</tr>")[0]
    assert "730 days after closed" in row and "<td>1</td>" in row
    assert "Synthetic" not in page  # counts only
    assert 'id="retention-link"' in admin.get("/console/").content.decode()

    unconfirmed = admin.post(URL, follow=True).content.decode()
    assert "Tick the box to confirm" in unconfirmed
    assert Contact.objects.get(pk=old.pk).shredded_at is None  # nothing without the tick
    response = admin.post(URL, {"confirm": "yes"}, follow=True)
    assert "1 records shredded or deleted" in response.content.decode()
    assert Contact.objects.get(pk=old.pk).shredded_at is not None
    assert Contact.objects.exclude(pk=old.pk).get().shredded_at is None
    event = AuditEvent.objects.get(object_type="privacy.retention", object_id="contact_personal")
    assert event.actor_id == admin.session["_auth_user_id"] or str(event.actor_id) == str(
        admin.session["_auth_user_id"]
    )


def test_only_administrators_may_see_or_apply_it(db, login, make_contact):
    old = make_contact(caller={"name": "Synthetic Kept", "phone": "+1 713 555 0183"})
    long_ago = timezone.now() - timedelta(days=3000)
    Contact.objects.filter(pk=old.pk).update(updated_at=long_ago, received_at=long_ago)
    for persona in ("advocate", "supervisor", "analyst", "directory"):
        client = login(persona)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"confirm": "yes"}).status_code == 403
        assert "Retention:" not in client.get("/console/").content.decode()
    assert Contact.objects.get(pk=old.pk).shredded_at is None
    assert login("admin").put(URL).status_code == 405
    assert login("admin").head(URL).status_code == 200
