"""T&TA requests (issue 23 part 1): the due date, the actions and their audit, the queue's
filters and rules, and the console flow from a logged T&TA contact to a closed request."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lantern.assistance import actions, deadlines, queries
from lantern.assistance.exceptions import AssistanceError
from lantern.assistance.models import AssistanceRequest
from lantern.audit.models import AuditEvent

REQUEST = {
    "requester_name": "Dana Synthetic",
    "organization": "Example Shelter Network",
    "email": "dana@example.org",
    "phone": "(713) 555-0142",
    "organization_type": "service_provider",
    "state": "TX",
    "topic": "labor_trafficking",
    "description": "A two-hour training on labor trafficking indicators for 30 case managers.",
    "urgent": False,
}


def make(actor="public", source="public_form", **changes):
    return actions.do_create_assistance_request(
        {**REQUEST, **changes}, actor=actor, source=source
    )


# --- due date ---------------------------------------------------------------------------------


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.booleans())
def test_the_due_date_is_the_right_number_of_business_days_later(received, urgent):
    due = deadlines.due_on(received, urgent)
    assert due > received
    assert not deadlines.closed(due)  # never a weekend or a federal holiday
    between = [received + timedelta(days=n) for n in range(1, (due - received).days + 1)]
    assert sum(not deadlines.closed(d) for d in between) == (1 if urgent else 3)
    assert (due - received).days <= (6 if urgent else 9)  # no run of closed days is longer


def test_due_dates_on_known_days():
    friday, saturday = date(2026, 12, 4), date(2026, 12, 5)
    assert deadlines.due_on(friday, True) == date(2026, 12, 7)  # Monday
    assert deadlines.due_on(friday, False) == date(2026, 12, 9)  # Wednesday
    assert deadlines.due_on(saturday, True) == date(2026, 12, 7)
    # Christmas Day (Friday) and the weekend are skipped
    assert deadlines.due_on(date(2026, 12, 24), True) == date(2026, 12, 28)


# --- actions ------------------------------------------------------------------------------------


def test_a_public_request_is_stored_encrypted_and_audited_without_personal_data(db):
    request = make()
    assert request.status == "new" and request.source == "public_form"
    assert request.due_on == deadlines.due_on(timezone.localdate(request.received_at), False)
    assert request.reference.startswith("TA-") and len(request.reference) == 11
    with connection.cursor() as cursor:  # what the database file holds
        cursor.execute("SELECT requester_name, email, phone, description, organization FROM "
                       "assistance_assistancerequest")  # fmt: skip
        row = cursor.fetchone()
    for value in row:
        assert "Dana" not in value and "example.org" not in value and "555" not in value
    event = AuditEvent.objects.get(object_id=str(request.pk), action="create")
    assert event.actor_label == "public"
    text = str(event.changes)
    assert "Dana" not in text and "example.org" not in text and "labor_trafficking" in text


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"requester_name": "  "}, "requester_name"),
        ({"email": "", "phone": ""}, "email"),
        ({"email": "not an email"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"organization_type": "spy"}, "organization_type"),
        ({"state": "ZZ"}, "state"),
        ({"topic": "nope"}, "topic"),
        ({"description": ""}, "description"),
        ({"deadline": "2001-01-01"}, "deadline"),
        ({"deadline": "yesterday"}, "deadline"),
        ({"urgent": "yes"}, "urgent"),
        ({"requester_name": 7}, "requester_name"),
    ],
)
def test_bad_requests_are_refused_store_nothing_and_the_refusal_is_audited(db, changes, field):
    with pytest.raises(AssistanceError) as refused:
        make(**changes)
    assert field in refused.value.errors
    assert not AssistanceRequest.objects.exists()
    refusal = AuditEvent.objects.get(action="refused")
    assert field in refusal.changes["fields"]


def test_urgent_requests_are_due_the_next_business_day(db):
    request = make(urgent=True)
    assert request.due_on == deadlines.due_on(timezone.localdate(), True)


def test_assign_deliver_and_close_each_audited(personas):
    supervisor, advocate = personas["supervisor"], personas["advocate"]
    request = make()
    actions.do_assign_assistance_request(request, advocate, actor=supervisor)
    request.refresh_from_db()
    assert request.owner == advocate and request.status == "assigned"
    with pytest.raises(AssistanceError):  # nothing delivered yet
        actions.do_move_assistance_request(request, "delivered", actor=advocate)
    actions.do_add_assistance_deliverable(
        request, {"kind": "training", "delivered_on": timezone.localdate(), "hours": "2.5",
                  "note": "Trained 30 staff of Example Shelter Network"}, actor=advocate,
    )  # fmt: skip
    actions.do_add_assistance_deliverable(
        request, {"kind": "materials", "hours": 0.5}, actor=advocate
    )
    request.refresh_from_db()
    assert request.status == "in_progress" and request.hours == Decimal("3.00")
    actions.do_move_assistance_request(request, "delivered", actor=advocate)
    actions.do_move_assistance_request(request, "closed", actor=supervisor)
    request.refresh_from_db()
    assert request.status == "closed" and request.delivered_at and request.closed_at
    updates = AuditEvent.objects.filter(object_id=str(request.pk), action="update")
    assert updates.count() == 5
    assert not any("Example Shelter" in str(e.changes) for e in updates)


def test_moves_that_make_no_sense_are_refused(personas):
    supervisor = personas["supervisor"]
    request = make()
    for status in ("delivered", "new", "bogus", "assigned"):  # assigned needs an owner
        with pytest.raises(AssistanceError):
            actions.do_move_assistance_request(request, status, actor=supervisor)
    actions.do_move_assistance_request(request, "closed", actor=supervisor)
    actions.do_move_assistance_request(request, "in_progress", actor=supervisor)  # reopened
    request.refresh_from_db()
    assert request.status == "in_progress" and request.closed_at is None


@pytest.mark.parametrize(
    "data", [{"kind": "party"}, {"kind": "call", "hours": "-1"}, {"kind": "call", "hours": "nan"},
             {"kind": "call", "hours": "5000"}, {"kind": "call", "delivered_on": "2999-01-01"}],
)  # fmt: skip
def test_bad_deliverables_are_refused(personas, data):
    request = make()
    with pytest.raises(AssistanceError):
        actions.do_add_assistance_deliverable(request, data, actor=personas["supervisor"])
    assert not request.deliverables.exists()


def test_changing_the_urgency_moves_the_due_date(personas):
    request = make()
    actions.do_update_assistance_request(request, {"urgent": True}, actor=personas["analyst"])
    request.refresh_from_db()
    assert request.due_on == deadlines.due_on(timezone.localdate(request.received_at), True)


def test_who_may_work_on_requests(personas):
    request = make()
    for name in ("advocate", "directory", "admin"):
        with pytest.raises(PermissionDenied):
            actions.do_assign_assistance_request(request, None, actor=personas[name])
    with pytest.raises(AssistanceError):  # a directory manager cannot own a request
        actions.do_assign_assistance_request(
            request, personas["directory"], actor=personas["supervisor"]
        )
    actions.do_assign_assistance_request(request, personas["advocate"], actor=personas["analyst"])
    # the owner may now work on it; another advocate still may not see it
    assert list(queries.requests_for(personas["advocate"])) == [request]
    assert not queries.requests_for(personas["advocate2"]).exists()
    with pytest.raises(AssistanceRequest.DoesNotExist):
        queries.access_request_for_user(personas["advocate2"], request.pk)


# --- queries ------------------------------------------------------------------------------------


def test_queue_filters(personas):
    supervisor = personas["supervisor"]
    late = make(topic="data")
    AssistanceRequest.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(1))
    mine = make()
    actions.do_assign_assistance_request(mine, supervisor, actor=supervisor)
    done = make()
    actions.do_move_assistance_request(done, "closed", actor=supervisor)

    def refs(**filters):
        return {r.pk for r in queries.requests_for(supervisor, **filters)}

    assert refs(status="open") == {late.pk, mine.pk}
    assert refs() == {late.pk, mine.pk, done.pk}
    assert refs(status="closed") == {done.pk}
    assert refs(overdue=True) == {late.pk}
    assert refs(owner="me") == {mine.pk}
    assert refs(owner="none") == {late.pk, done.pk}
    assert refs(topic="data") == {late.pk}
    assert refs(reference=mine.reference.lower()) == {mine.pk}
    assert refs(reference="TA-XYZ") == set()
    counts = queries.counts(timezone.localdate(), timezone.localdate())
    assert (counts.open, counts.overdue, counts.received, counts.delivered) == (2, 1, 3, 0)


def test_reading_a_request_is_audited(personas):
    request = make()
    view = queries.present_request(personas["analyst"], request)
    assert view.requester_name == "Dana Synthetic" and view.phone == "+1 713-555-0142"
    assert AuditEvent.objects.filter(object_id=str(request.pk), action="read_pii").count() == 1


# --- console ------------------------------------------------------------------------------------


def test_console_flow_from_a_tta_contact_to_a_closed_request(personas, login, make_contact):
    contact = make_contact("advocate", call_types=["tta"], caller_type="educator")
    advocate = login("advocate")
    page = advocate.get(f"/console/contacts/{contact.pk}/")
    assert b"assistance-from-contact" in page.content
    form = advocate.get(f"/console/contacts/{contact.pk}/assistance/")
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["organization_type"] == "educator" and initial["state"] == "TX"
    assert initial["requester_name"].startswith("Test Caller")
    posted = advocate.post(f"/console/contacts/{contact.pk}/assistance/", {
        **{k: v for k, v in REQUEST.items() if k != "urgent"}, "requester_name": "Pat Teacher",
        "organization_type": "educator", "topic": "identifying_trafficking",
    })  # fmt: skip
    assert posted.status_code == 302 and posted.url == f"/console/contacts/{contact.pk}/"
    request = AssistanceRequest.objects.get()
    assert request.contact == contact and request.source == "contact"
    assert request.created_by == personas["advocate"]

    supervisor = login("supervisor")
    queue = supervisor.get("/console/assistance/")
    assert request.reference.encode() in queue.content and b"Pat Teacher" not in queue.content
    detail = f"/console/assistance/{request.pk}/"
    assert b"Pat Teacher" in supervisor.get(detail).content
    supervisor.post(f"{detail}assign/", {"owner": personas["analyst"].pk})
    analyst = login("analyst")
    today = timezone.localdate().isoformat()
    analyst.post(f"{detail}deliverables/",
                 {"kind": "call", "delivered_on": today, "hours": "1.25", "note": "Called back"})
    analyst.post(f"{detail}status/", {"status": "delivered"})
    analyst.post(f"{detail}status/", {"status": "closed"})
    request.refresh_from_db()
    assert (request.owner, request.status) == (personas["analyst"], "closed")
    assert request.hours == Decimal("1.25")
    assert b"1.25" in analyst.get(detail).content


def test_console_refusals_are_messages_not_errors(personas, login):
    request = make()
    supervisor = login("supervisor")
    detail = f"/console/assistance/{request.pk}/"
    for path, data in [("status/", {"status": "delivered"}), ("assign/", {"owner": "99999"}),
                       ("deliverables/", {"kind": "call", "hours": "x"}),
                       ("status/", {"status": "<script>"})]:  # fmt: skip
        response = supervisor.post(detail + path, data)
        assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "new" and request.owner is None
    assert login("advocate2").get(detail).status_code == 404
    assert login("directory").get("/console/assistance/").status_code == 403


def test_the_create_button_only_shows_on_tta_contacts(login, make_contact):
    contact = make_contact("advocate", call_types=["tip"])
    assert b"assistance-from-contact" not in login("advocate").get(
        f"/console/contacts/{contact.pk}/"
    ).content


def test_admins_edit_topics_in_the_administration_screens_audited(personas, login):
    from lantern.assistance.models import AssistanceTopic

    admin = login("admin")
    added = admin.post("/admin/assistance/assistancetopic/add/", {
        "key": "supply_chains", "name": "Supply chains", "names": '{"es": "Cadenas de suministro"}',
        "position": 9, "active": "on",
    })  # fmt: skip
    assert added.status_code == 302, added.content[:2000]
    topic = AssistanceTopic.objects.get(key="supply_chains")
    assert topic.label("es") == "Cadenas de suministro" and topic.label("fr") == "Supply chains"
    assert AuditEvent.objects.filter(object_id=str(topic.pk), action="create").exists()
    assert login("supervisor").get("/admin/assistance/assistancetopic/").status_code in (302, 403)
    topic_page = f"/admin/assistance/assistancetopic/{topic.pk}/delete/"
    assert admin.get(topic_page).status_code == 403
