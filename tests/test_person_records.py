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


def shred(client, ids, **form):
    data = {"phone": PHONE, "email": "", "shred_reason": "Her letter of 3 March asks us to",
            "confirm": "on", "contact": [str(i) for i in ids], **form}  # fmt: skip
    return client.post("/console/person-records/shred/", data)


def test_a_supervisor_shreds_the_contacts_on_request_and_they_are_no_longer_found(login, records):
    from lantern.contacts.models import Contact, Conversation, Message

    supervisor = login("supervisor")
    called, texted = records["called"], records["texted"]
    Conversation.objects.filter(contact=texted).update(state="closed")
    answer = shred(supervisor, [called.pk, texted.pk])
    assert answer.status_code == 302
    assert "2 contacts shredded" in supervisor.get(answer.url).content.decode()
    for contact in (called, texted):
        contact.refresh_from_db()
        assert contact.shredded_at and contact.caller_name is None
        assert contact.caller_phone_index == ""
    assert not Message.objects.filter(conversation__contact=texted, body__isnull=False).exists()
    assert Conversation.objects.get(contact=texted).participant_index == ""
    assert Contact.objects.filter(pk=records["other"].pk, shredded_at__isnull=True).exists()
    again = supervisor.post("/console/person-records/", {"phone": PHONE, "reason": "check"})
    assert not found(again)  # the person is no longer recognised
    events = AuditEvent.objects.filter(action="delete", object_id__in=[str(called.pk),
                                                                       str(texted.pk)])  # fmt: skip
    assert events.count() == 2 and "0199" not in str([e.changes for e in events])


def test_held_and_open_contacts_are_left_and_reported(login, personas, records):
    case_actions.do_place_hold(actor=personas["supervisor"], contact=records["called"],
                               reason="Synthetic court order",
                               review_on=timezone.localdate() + timedelta(days=30))  # fmt: skip
    supervisor = login("supervisor")
    answer = shred(supervisor, [records["called"].pk, records["texted"].pk])  # the text is open
    page = supervisor.get(answer.url).content.decode()
    assert "0 contacts shredded" in page and "kept by a legal hold" in page
    assert "open conversation" in page
    for contact in (records["called"], records["texted"]):
        contact.refresh_from_db()
        assert contact.shredded_at is None


@pytest.mark.parametrize(
    "override, message",
    [({"confirm": ""}, "Confirm that nothing obliges"),
     ({"shred_reason": " "}, "say why"),
     ({"phone": "+1 202 555 0123"}, "does not concern this person")],
)  # fmt: skip
def test_a_shred_that_cannot_run_says_why_and_changes_nothing(login, records, override, message):
    supervisor = login("supervisor")
    answer = shred(supervisor, [records["called"].pk], **override)
    assert message in supervisor.get(answer.url).content.decode()
    records["called"].refresh_from_db()
    assert records["called"].shredded_at is None


def test_another_contact_cannot_be_slipped_in(login, records):
    supervisor = login("supervisor")
    shred(supervisor, [records["called"].pk, records["other"].pk])
    records["other"].refresh_from_db()
    assert records["other"].shredded_at is None


@pytest.mark.parametrize("persona", ["advocate", "analyst"])
def test_only_supervisors_may_shred(login, records, persona):
    assert shred(login(persona), [records["called"].pk]).status_code == 403
    records["called"].refresh_from_db()
    assert records["called"].shredded_at is None
