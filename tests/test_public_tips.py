"""The anonymous web tip form and follow-up by receipt code (public app, issue 4)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from lantern.contacts.actions import do_send_message, do_take_contact
from lantern.contacts.models import Contact, Conversation, Message
from lantern.core import pow
from lantern.privacy import receipts
from lantern.privacy.fields import reveal

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
def _quick_pow(settings, db):
    settings.LANTERN_POW_BITS = settings.LANTERN_INTAKE_POW_BITS = 4  # kept small in tests
    cache.clear()


def hidden(page, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"'.encode(), page.content)[1].decode()


def form_post(client: Client, path: str, data: dict, *, work: bool = True):
    """What the browser does: load the form, do its proof of work, send it."""
    page = client.get(path)
    challenge = hidden(page, "challenge")
    extra = {"challenge": challenge, "work": pow.solve(challenge) if work else ""}
    if b'name="once"' in page.content:
        extra["once"] = hidden(page, "once")
    return client.post(path, {**data, **extra})


def send_tip(client: Client | None = None, **changes) -> tuple[Client, str]:
    client = client or Client()
    response = form_post(client, "/tip/", {**TIP, **changes})
    assert response.status_code == 302 and response["Location"] == "/tip/sent/", response.content
    page = client.get("/tip/sent/")
    code = re.search(rb'id="receipt-code">([\d ]+)<', page.content)[1].decode()
    return client, code


def follow_up(code: str, client: Client | None = None, *, work: bool = True):
    client = client or Client()
    page = client.get("/tip/follow-up/")
    challenge = hidden(page, "challenge")
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
    response = form_post(Client(), "/tip/", {**TIP, **changes})
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


# --- issue 16: once-only tips, no traces, floods --------------------------------------------


def test_reloading_the_receipt_page_files_nothing_and_shows_the_same_code(db):
    client, code = send_tip()
    again = client.get("/tip/sent/")
    assert code.encode() in again.content
    assert Contact.objects.count() == 1


def test_the_same_form_sent_twice_files_one_tip(db):
    client = Client()
    page = client.get("/tip/")
    challenge, token = hidden(page, "challenge"), hidden(page, "once")
    first = client.post("/tip/", {**TIP, "challenge": challenge, "work": pow.solve(challenge),
                                  "once": token})  # fmt: skip
    assert first.status_code == 302
    code = re.search(rb'id="receipt-code">([\d ]+)<', client.get("/tip/sent/").content)[1]
    # Back and send again (the browser re-posts the very same form), from this browser ...
    again = client.post("/tip/", {**TIP, "challenge": challenge, "work": pow.solve(challenge),
                                  "once": token})  # fmt: skip
    assert again.status_code == 302 and again["Location"] == "/tip/sent/"
    assert code in client.get("/tip/sent/").content
    # ... or from another one: a neutral page, never a second tip or a second code
    other = Client()
    other.post("/tip/", {**TIP, "challenge": challenge, "work": "0", "once": token})
    neutral = other.get("/tip/sent/")
    assert b'id="tip-already-sent"' in neutral.content and b"receipt-code" not in neutral.content
    assert Contact.objects.count() == 1 and Conversation.objects.count() == 1


def test_a_tip_needs_its_work_and_a_real_once_token(db):
    client = Client()
    assert form_post(client, "/tip/", TIP, work=False).status_code == 400
    page = client.get("/tip/")
    challenge = hidden(page, "challenge")
    forged = client.post("/tip/", {**TIP, "challenge": challenge, "work": pow.solve(challenge),
                                   "once": "made-up"})  # fmt: skip
    assert forged.status_code == 400
    assert not Contact.objects.exists()


def test_public_pages_keep_nothing_after_the_browser_closes(db):
    client = Client()
    for path in ("/tip/", "/chat/", "/tip/follow-up/", "/statistics/"):
        response = client.get(path)
        assert "no-store" in response["Cache-Control"], path
    cookie = client.cookies["csrftoken"]
    assert not cookie["expires"] and not cookie["max-age"]  # ends with the browser
    _, code = send_tip()
    client, response = follow_up(code)
    assert response.status_code == 302
    session = client.cookies["sessionid"]
    assert not session["expires"] and not session["max-age"]
    left = client.post("/tip/follow-up/leave/")
    assert "cookies" in left["Clear-Site-Data"]


def test_many_wrong_codes_raise_the_work_but_the_right_code_still_opens(db, settings):
    settings.LANTERN_RECEIPT_FAILURES_PER_MINUTE = 3
    _, code = send_tip()
    base = pow.difficulty(pow.RECEIPT)
    for _ in range(13):
        assert follow_up("1111 1111 1111 1111")[1].status_code == 404
    raised = pow.difficulty(pow.RECEIPT)
    assert raised == base + 3  # 13 a minute against 3: two doublings and more
    page = Client().get("/tip/follow-up/")
    assert f'data-pow="{raised}"'.encode() in page.content
    client, response = follow_up(code)  # the work is harder, never a refusal
    assert response.status_code == 302
    assert b"Example Diner" in client.get("/tip/follow-up/messages/").content


def test_the_board_shows_an_attack_under_way(db, settings, login):
    settings.LANTERN_RECEIPT_FAILURES_PER_MINUTE = 2
    board = login("supervisor")
    assert b'id="pow-alert"' not in board.get("/console/routing/board/live/").content
    for _ in range(4):
        follow_up("2222 2222 2222 2222")
    alert = board.get("/console/routing/board/live/").content.decode()
    assert 'id="pow-alert"' in alert and "receipt codes" in alert


def test_a_flood_of_tips_raises_the_work_and_one_browser_is_capped(db, settings):
    settings.LANTERN_INTAKE_PER_MINUTE = 2
    settings.LANTERN_SESSION_INTAKE_LIMIT = 3
    base = pow.difficulty(pow.INTAKE)
    client = Client()
    for _ in range(3):
        send_tip(client)
    assert pow.difficulty(pow.INTAKE) == base + 1
    capped = form_post(client, "/tip/", TIP)
    assert capped.status_code == 429 and b"already" in capped.content
    chat = form_post(client, "/chat/", {})
    assert chat.status_code == 429
    assert Contact.objects.count() == 3
    send_tip()  # another browser still gets through, at the higher cost


def test_opening_a_chat_needs_work_and_a_second_press_opens_no_second_chat(db):
    client = Client()
    assert form_post(client, "/chat/", {"safe": "no"}, work=False).status_code == 400
    assert not Conversation.objects.exists()
    opened = form_post(client, "/chat/", {"safe": "no"})
    assert opened.status_code == 302 and opened["Location"] == "/chat/room/"
    assert form_post(client, "/chat/", {"safe": "no"}).status_code == 302
    assert Conversation.objects.filter(channel="chat").count() == 1
