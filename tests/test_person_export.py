"""A person asks for a copy of what the hotline holds about them (issue 22 part 5): one supervisor
prepares it from the contacts they chose, a second reads and approves it, and it is released
once, as a ZIP of a PDF, JSON and the attachments; never before approval, never twice, never if
the records changed since the approver read them; held contacts are withheld; the audit trail
keeps the steps without the content."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lantern.accounts.actions import do_create_user
from lantern.audit.models import AuditEvent
from lantern.cases import actions as case_actions
from lantern.cases.models import PersonExport
from lantern.contacts import actions as contacts
from tests.conftest import PASSWORD

PHONE = "+1 202 555 0188"
PICTURE = b"\x89PNG\r\n\x1a\nsynthetic picture bytes"


@pytest.fixture
def records(personas, make_contact):
    called = make_contact(caller={"name": "Synthetic Person Ximena", "phone": PHONE},
                          summary="Synthetic summary: asked about a visa")  # fmt: skip
    text, _created = contacts.do_receive_message(
        channel="sms", hotline_address="+15555550100", participant="+12025550188",
        body="Synthetic text: ¿me pueden ayudar?", provider_id="SM" + "8" * 32,
        attachments=(("photo of a contract.png", "image/png", PICTURE),),
    )  # fmt: skip
    other = make_contact(caller={"name": "Synthetic Someone Else", "phone": "+1 202 555 0124"})
    return {"called": called, "texted": text.conversation.contact, "other": other}


@pytest.fixture
def second(personas):
    do_create_user("supervisor2", "supervisor", PASSWORD, validate=False)
    client = Client()
    assert client.login(username="supervisor2", password=PASSWORD)
    return client


def prepare(client, ids, **form):
    data = {"phone": PHONE, "email": "", "shred_reason": "Her letter of 9 March asks for a copy",
            "language": "es", "contact": [str(i) for i in ids], **form}  # fmt: skip
    return client.post("/console/person-records/exports/new/", data)


def decide(client, export, decision="approve", note=""):
    return client.post(f"/console/person-records/exports/{export.pk}/decide/",
                       {"decision": decision, "note": note})  # fmt: skip


def release(client, export):
    return client.post(f"/console/person-records/exports/{export.pk}/download/")


def messages_of(client, response) -> str:
    return client.get(response.url).content.decode()


def test_prepared_approved_by_another_and_released_once(login, records, second):
    first = login("supervisor")
    answer = prepare(first, [records["called"].pk, records["texted"].pk])
    export = PersonExport.objects.get()
    assert answer.status_code == 302 and answer.url == export.get_absolute_url()
    assert export.state == "pending" and len(export.contact_ids) == 2

    # the approver reads it as the person will receive it
    page = second.get(export.get_absolute_url()).content.decode()
    assert "Synthetic Person Ximena" in page and "¿me pueden ayudar?" in page
    assert "photo of a contract.png" in page and "Synthetic Someone Else" not in page
    assert release(first, export).status_code == 302  # not before approval
    export.refresh_from_db()
    assert export.state == "pending"

    assert decide(second, export).status_code == 302
    export.refresh_from_db()
    assert export.state == "approved" and len(export.digest) == 64

    bundle = release(first, export)
    assert bundle.status_code == 200 and bundle["Content-Type"] == "application/zip"
    assert bundle["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as z:
        names = z.namelist()
        document = json.loads(z.read("records.json"))
        pdf = z.read("records.pdf")
        picture = z.read(next(n for n in names if n.startswith("attachments/")))
    assert pdf.startswith(b"%PDF") and picture == PICTURE
    assert document["digest"] == export.digest and document["withheld"] == 0
    by_ref = {c["reference"]: c for c in document["contacts"]}
    called = by_ref[records["called"].short_id]
    assert called["your_name"] == "Synthetic Person Ximena"
    assert called["summary"] == "Synthetic summary: asked about a visa"
    texted = by_ref[records["texted"].short_id]
    assert texted["messages"][0]["from"] == "you"
    assert texted["messages"][0]["attachments"][0]["size"] == len(PICTURE)
    assert "handled_by" not in json.dumps(document) and "supervisor" not in json.dumps(document)

    again = release(first, export)  # once only
    assert again.status_code == 302 and "released to the person" in messages_of(first, again)
    export.refresh_from_db()
    assert export.state == "released" and export.released_at


def test_the_supervisor_who_prepared_it_cannot_approve_it(login, records):
    first = login("supervisor")
    prepare(first, [records["called"].pk])
    export = PersonExport.objects.get()
    answer = decide(first, export)
    assert "cannot approve it" in messages_of(first, answer)
    page = first.get(export.get_absolute_url()).content.decode()
    assert 'id="export-decide"' not in page and 'id="export-waiting"' in page
    export.refresh_from_db()
    assert export.state == "pending"


def test_a_change_after_approval_stops_the_release(login, records, second):
    first = login("supervisor")
    prepare(first, [records["texted"].pk])
    export = PersonExport.objects.get()
    decide(second, export)
    contacts.do_receive_message(
        channel="sms", hotline_address="+15555550100", participant="+12025550188",
        body="Synthetic second text, after the approval", provider_id="SM" + "7" * 32,
    )  # fmt: skip
    page = first.get(export.get_absolute_url()).content.decode()
    assert 'id="export-changed"' in page and 'id="export-release"' not in page
    answer = release(first, export)
    assert answer.status_code == 302 and "changed since the approval" in messages_of(first, answer)
    export.refresh_from_db()
    assert export.state == "approved" and export.released_at is None


def test_an_approval_expires(login, records, second):
    first = login("supervisor")
    prepare(first, [records["called"].pk])
    export = PersonExport.objects.get()
    decide(second, export)
    PersonExport.objects.filter(pk=export.pk).update(decided_at=timezone.now() - timedelta(days=15))
    assert "expired" in messages_of(first, release(first, export))


def test_a_declined_copy_needs_a_reason_and_is_never_released(login, records, second):
    first = login("supervisor")
    prepare(first, [records["called"].pk])
    export = PersonExport.objects.get()
    assert "say why" in messages_of(second, decide(second, export, "decline"))
    decide(second, export, "decline", note="Mentions another caller")
    export.refresh_from_db()
    assert export.state == "declined" and export.digest == ""
    assert "declined" in messages_of(first, release(first, export))
    page = first.get(export.get_absolute_url()).content.decode()
    assert "Synthetic Person Ximena" not in page  # nothing to read once declined


def test_a_held_contact_is_withheld_and_a_copy_of_nothing_cannot_be_approved(
    login, personas, records, second
):
    first = login("supervisor")
    prepare(first, [records["called"].pk, records["texted"].pk])
    export = PersonExport.objects.get()
    for contact in (records["called"], records["texted"]):
        case_actions.do_place_hold(actor=personas["supervisor"], contact=contact,
                                   reason="Synthetic investigation",
                                   review_on=timezone.localdate() + timedelta(days=30))  # fmt: skip
    page = second.get(export.get_absolute_url()).content.decode()
    assert "2 chosen contacts are withheld" in page and "Synthetic Person Ximena" not in page
    assert "nothing to release" in messages_of(second, decide(second, export))
    export.refresh_from_db()
    assert export.state == "pending"


@pytest.mark.parametrize(
    "override, message",
    [({"shred_reason": " "}, "say why"),
     ({"language": "xx"}, "public languages"),
     ({"phone": "+1 202 555 0124"}, "does not concern this person")],
)  # fmt: skip
def test_a_copy_that_cannot_be_prepared_says_why(login, records, override, message):
    first = login("supervisor")
    assert message in messages_of(first, prepare(first, [records["called"].pk], **override))
    assert not PersonExport.objects.exists()


def test_another_persons_contact_cannot_be_slipped_in(login, records):
    first = login("supervisor")
    prepare(first, [records["called"].pk, records["other"].pk])
    assert not PersonExport.objects.exists()


@pytest.mark.parametrize("persona", ["advocate", "analyst", "directory"])
def test_only_supervisors_prepare_read_decide_or_release(login, records, second, persona):
    prepare(login("supervisor"), [records["called"].pk])
    export = PersonExport.objects.get()
    client = login(persona)
    assert prepare(client, [records["called"].pk]).status_code == 403
    assert client.get(export.get_absolute_url()).status_code == 403
    assert client.get("/console/person-records/exports/").status_code == 403
    assert decide(client, export).status_code == 403
    decide(second, export)
    assert release(client, export).status_code == 403
    export.refresh_from_db()
    assert export.state == "approved"


def test_only_the_two_supervisors_involved_may_release(login, records, second):
    prepare(login("supervisor"), [records["called"].pk])
    export = PersonExport.objects.get()
    decide(second, export)
    do_create_user("supervisor3", "supervisor", PASSWORD, validate=False)
    third = Client()
    third.login(username="supervisor3", password=PASSWORD)
    assert "only the supervisors" in messages_of(third, release(third, export))
    assert release(second, export).status_code == 200


def test_the_audit_trail_keeps_the_steps_not_the_content(login, records, second):
    first = login("supervisor")
    prepare(first, [records["called"].pk, records["texted"].pk])
    export = PersonExport.objects.get()
    second.get(export.get_absolute_url())
    decide(second, export)
    release(first, export)
    events = AuditEvent.objects.filter(object_id=str(export.pk)).order_by("id")
    assert [e.action for e in events] == ["create", "read_pii", "update", "export"]
    assert events[0].reason == "Her letter of 9 March asks for a copy"
    text = json.dumps([e.changes for e in events])
    assert not re.search(r"Ximena|0188|ayudar|contract", text)


def test_the_home_screen_counts_copies_waiting(login, records, second):
    prepare(login("supervisor"), [records["called"].pk])
    page = second.get("/console/").content.decode()
    assert "1 copy for a person waits for approval" in page
    assert "waits for approval" not in login("advocate").get("/console/").content.decode()


def test_a_missing_copy_is_404(login):
    missing = "/console/person-records/exports/01900000-0000-7000-8000-000000000000/"
    assert login("supervisor").get(missing).status_code == 404


def test_the_copy_is_in_the_persons_language_whoever_reads_it(records):
    from django.utils import translation

    from lantern.cases import person_bundle

    ids = [str(records["called"].pk)]
    with translation.override("en"):
        read_in_english = person_bundle.build(ids, language="es")
        english = person_bundle.build(ids, language="en")
    with translation.override("es"):
        read_in_spanish = person_bundle.build(ids, language="es")
    assert person_bundle.digest(read_in_english) == person_bundle.digest(read_in_spanish)
    assert read_in_english["contacts"][0]["channel"] == "Teléfono"
    assert english["contacts"][0]["channel"] == "Phone"
    pdf = person_bundle.render_pdf(read_in_english, reference="X", language="es")
    assert pdf.startswith(b"%PDF")
