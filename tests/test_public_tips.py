"""The anonymous web tip form and follow-up by receipt code (public app, issue 4)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from lantern.contacts.actions import do_send_message, do_take_contact
from lantern.contacts.models import Contact, Conversation, Message
from lantern.privacy import receipts
from lantern.privacy.fields import reveal
from lantern.public import pow

TIP = {
    "what_happened": "Synthetic tip: workers sleep at the Example Diner and never leave.",
    "urgency": "soon",
    "state": "NV",
    "city": "Las Vegas",
    "postal_code": "89101",
    "when": "it is still going on",
    "venue": "restaurants",
    "people": "about 6",
    "minors": "unknown",
    "name": "",
    "phone": "(702) 555-0199",
    "email": "",
    "consent_to_share": "no",
}


@pytest.fixture(autouse=True)
def _quick_pow(settings):
    settings.LANTERN_POW_BITS = 4  # the browser's work, kept small in tests
    cache.clear()


def send_tip(**changes) -> tuple[Client, str]:
    client = Client()
    response = client.post("/tip/", {**TIP, **changes})
    assert response.status_code == 200, response.content
    code = re.search(rb'id="receipt-code">([\d ]+)<', response.content)[1].decode()
    return client, code


def follow_up(code: str, client: Client | None = None, *, work: bool = True):
    client = client or Client()
    page = client.get("/tip/follow-up/")
    challenge = re.search(rb'name="challenge" value="([^"]+)"', page.content)[1].decode()
    data = {"code": code, "challenge": challenge, "work": pow.solve(challenge) if work else ""}
    return client, client.post("/tip/follow-up/", data)


def test_a_tip_becomes_a_waiting_contact_with_a_receipt_code(db):
    _, code = send_tip()
    digits = code.replace(" ", "")
    assert re.fullmatch(r"\d{16}", digits) and code.count(" ") == 3
    contact = Contact.objects.get()
    assert contact.channel == "webform" and contact.status == "open" and not contact.urgent
    assert (contact.state, contact.city, contact.postal_code) == ("NV", "Las Vegas", "89101")
    assert reveal(contact.caller_phone) == "+17025550199" and contact.consent_to_share is False
    summary = reveal(contact.summary)
    assert "Restaurants and food service" in summary and "Example Diner" in summary
    conversation = Conversation.objects.get()
    assert conversation.receipt_hash == receipts.code_hash(digits)
    assert digits not in conversation.receipt_hash  # only the hash is kept
    [first] = conversation.messages.all()
    assert reveal(first.body) == TIP["what_happened"]


def test_danger_now_makes_the_tip_urgent(db):
    send_tip(urgency="now")
    assert Contact.objects.get().urgent is True


@pytest.mark.parametrize(
    "changes", [{"what_happened": ""}, {"postal_code": "ABCDE"}, {"phone": "call me"},
                {"urgency": "whenever"}, {"venue": "spaceship"}, {"what_happened": "a\x00b"}],
)  # fmt: skip
def test_bad_tips_are_refused_and_store_nothing(db, changes):
    response = Client().post("/tip/", {**TIP, **changes})
    assert response.status_code == 400
    assert not Contact.objects.exists() and not Message.objects.exists()


def test_follow_up_round_trip(personas, db, django_capture_on_commit_callbacks):
    _, code = send_tip()
    client, response = follow_up(code)
    assert response.status_code == 302 and response["Location"] == "/tip/follow-up/messages/"
    page = client.get("/tip/follow-up/messages/")
    assert b"Example Diner" in page.content
    # the hotline asks a question from the console
    conversation = Conversation.objects.get()
    do_take_contact(conversation.contact, actor=personas["advocate"])
    with django_capture_on_commit_callbacks(execute=True):
        question = do_send_message(conversation, "Is anyone hurt?", actor=personas["advocate"])
    question.refresh_from_db()
    assert question.status == "sent"
    page = client.get("/tip/follow-up/messages/")
    assert b"Is anyone hurt?" in page.content and b"advocate" not in page.content
    # the tipster answers
    assert client.post("/tip/follow-up/messages/", {"body": "Not that I saw."}).status_code == 302
    assert reveal(conversation.messages.last().body) == "Not that I saw."
    # leaving ends the session
    client.post("/tip/follow-up/leave/")
    assert client.get("/tip/follow-up/messages/").status_code == 302


def test_wrong_codes_missing_work_and_replayed_challenges(db):
    _, code = send_tip()
    _, wrong = follow_up("0000 0000 0000 0000")
    assert wrong.status_code == 404 and b"does not open a report" in wrong.content
    _, no_work = follow_up(code, work=False)
    assert no_work.status_code == 400
    client = Client()
    page = client.get("/tip/follow-up/")
    challenge = re.search(rb'name="challenge" value="([^"]+)"', page.content)[1].decode()
    data = {"code": code, "challenge": challenge, "work": pow.solve(challenge)}
    assert client.post("/tip/follow-up/", data).status_code == 302
    assert Client().post("/tip/follow-up/", data).status_code == 400  # the same work, again
    assert Client().get("/tip/follow-up/messages/").status_code == 302  # no session, no report


def test_many_wrong_codes_make_everyone_wait(db, settings):
    settings.LANTERN_RECEIPT_FAILURES_PER_MINUTE = 3
    _, code = send_tip()
    for _ in range(3):
        assert follow_up("1111 1111 1111 1111")[1].status_code == 404
    assert follow_up(code)[1].status_code == 429
