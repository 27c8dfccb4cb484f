"""A person asks what the hotline holds about them (issue 22): a supervisor finds every contact
reached from their phone number or email, however it was written, through the blind indexes;
the search is audited without the number; nobody else may run it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lantern.audit.models import AuditEvent
from lantern.cases import actions as case_actions
from lantern.contacts import actions as contacts

PHONE = "+1 202 555 0199"


@pytest.fixture
def records(personas, make_contact):
    called = make_contact(caller={"name": "Synthetic Person Ilse", "phone": PHONE})
    wrote = make_contact(caller={"name": "Synthetic Person Ilse", "email": "Ilse@Example.org"})
    other = make_contact(caller={"name": "Synthetic Someone Else", "phone": "+1 202 555 0123"})
    text, _created = contacts.do_receive_message(
        channel="sms", hotline_address="+15555550100", participant="+12025550199",
        body="Synthetic text from the same phone", provider_id="SM" + "9" * 32,
    )  # fmt: skip
    return {"called": called, "wrote": wrote, "other": other, "texted": text.conversation.contact}


def found(response) -> set[str]:
    import re

    return set(re.findall(r'data-contact="([0-9a-f-]+)"', response.content.decode()))


def test_a_supervisor_finds_every_contact_from_a_phone_written_any_way(login, records):
    supervisor = login("supervisor")
    form = {"phone": "(202) 555-0199", "reason": "Her letter of 3 March"}
    answer = supervisor.post("/console/person-records/", form)
    assert answer.status_code == 200
    assert found(answer) == {str(records["called"].pk), str(records["texted"].pk)}
    event = AuditEvent.objects.filter(object_type="privacy.person_request").get()
    assert event.action == "lookup" and event.changes == {"found": 2, "by": ["phone"]}
    assert event.reason == "Her letter of 3 March" and "0199" not in str(event.changes)


def test_an_email_matches_whatever_its_case(login, records):
    answer = login("supervisor").post(
        "/console/person-records/", {"email": "ilse@example.ORG", "reason": "Request by email"}
    )
    assert found(answer) == {str(records["wrote"].pk)}


def test_a_held_contact_says_so(login, personas, records):
    case_actions.do_place_hold(actor=personas["supervisor"], contact=records["called"],
                               reason="Synthetic court order",
                               review_on=timezone.localdate() + timedelta(days=30))  # fmt: skip
    page = (
        login("supervisor")
        .post("/console/person-records/", {"phone": PHONE, "reason": "Request"})
        .content.decode()
    )
    row = page.split(f'data-contact="{records["called"].pk}"')[1].split("</tr>")[0]
    assert "held" in row


@pytest.mark.parametrize(
    "form, message",
    [({"reason": "x"}, "Give a phone number or an email address"),
     ({"phone": "not a number", "reason": "x"}, "not a phone number we can read"),
     ({"phone": PHONE}, "This field is required")],
)  # fmt: skip
def test_a_search_that_cannot_run_says_why_and_records_nothing(login, records, form, message):
    answer = login("supervisor").post("/console/person-records/", form)
    assert answer.status_code == 200 and message in answer.content.decode()
    assert not found(answer)
    assert not AuditEvent.objects.filter(object_type="privacy.person_request").exists()


@pytest.mark.parametrize("persona", ["advocate", "analyst"])
def test_only_supervisors_may_search(login, records, persona):
    answer = login(persona).post("/console/person-records/", {"phone": PHONE, "reason": "x"})
    assert answer.status_code == 403
    assert not AuditEvent.objects.filter(object_type="privacy.person_request").exists()
