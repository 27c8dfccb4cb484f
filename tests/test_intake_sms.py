"""SMS through Twilio's wire format: signed webhooks, TwiML answers, retries, STOP/START, and
replies sent through a local server speaking Twilio's REST API."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from twilio.request_validator import RequestValidator

from lantern.contacts.actions import do_send_message, do_take_contact
from lantern.contacts.models import Contact, Conversation, Message
from lantern.privacy.fields import reveal
from tests.fakes.twilio_api import FakeTwilio

ACCOUNT = "AC" + "1" * 32
TOKEN = "synthetic-test-auth-token"
PUBLIC = "https://hotline.example.org"
HOTLINE = "+15555550100"
CALLER = "+15555550123"


@pytest.fixture
def twilio(settings):
    settings.TWILIO_ACCOUNT_SID = ACCOUNT
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_URL = PUBLIC
    with FakeTwilio() as fake:
        settings.TWILIO_API_URL = fake.url
        yield fake


def signed_post(path, params, *, token=TOKEN, signature=None):
    if signature is None:
        signature = RequestValidator(token).compute_signature(PUBLIC + path, params)
    return Client().post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


def sms(body="hello", sid="SM" + "a" * 32, sender=CALLER, **extra):
    params = {"AccountSid": ACCOUNT, "MessageSid": sid, "SmsSid": sid, "From": sender,
              "To": HOTLINE, "Body": body, "NumMedia": "0", **extra}  # fmt: skip
    return signed_post("/intake/twilio/sms", params)


def replies(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own TwiML, in a test)
    assert root.tag == "Response"
    return [m.text for m in root.findall("Message")]


def test_a_text_is_stored_and_answered_once(twilio, db):
    first = sms("I need help", "SM1", FromCity="EXAMPLETOWN", SomethingNew="ignored")
    [answer] = replies(first)
    assert "confidential" in answer and "911" in answer
    message = Message.objects.get(provider_id="SM1")
    assert reveal(message.body) == "I need help"
    assert message.conversation.contact.status == "open"
    # Twilio retries: the same answer, nothing stored twice
    assert replies(sms("I need help", "SM1")) == [answer]
    assert Message.objects.filter(direction="inbound").count() == 1
    assert Message.objects.filter(direction="outbound").count() == 1  # the automatic reply
    # the next text joins the conversation, without another automatic reply
    assert replies(sms("are you there?", "SM2")) == []
    assert Conversation.objects.get().messages.count() == 3


@pytest.mark.parametrize(
    "change",
    [
        {"signature": "bm90IGEgc2lnbmF0dXJl"},
        {"signature": ""},
        {"token": "another-token"},
        {"params": {"AccountSid": "AC" + "2" * 32}},
    ],
)
def test_forged_webhooks_are_refused_and_store_nothing(twilio, db, change):
    params = {"AccountSid": ACCOUNT, "MessageSid": "SM1", "From": CALLER, "To": HOTLINE,
              "Body": "hi", **change.get("params", {})}  # fmt: skip
    response = signed_post("/intake/twilio/sms", params, token=change.get("token", TOKEN),
                           signature=change.get("signature"))  # fmt: skip
    assert response.status_code == 403
    assert not Message.objects.exists() and not Contact.objects.exists()


def test_bad_requests_are_4xx_and_store_nothing(twilio, db):
    assert Client().get("/intake/twilio/sms").status_code == 405
    no_sid = signed_post("/intake/twilio/sms", {"AccountSid": ACCOUNT, "From": CALLER, "Body": "x"})
    no_sender = signed_post("/intake/twilio/sms", {"AccountSid": ACCOUNT, "MessageSid": "SM1"})
    assert no_sid.status_code == 400 and no_sender.status_code == 400
    assert not Message.objects.exists()


def test_without_an_auth_token_every_webhook_is_refused(twilio, settings, db):
    settings.TWILIO_AUTH_TOKEN = ""
    assert sms().status_code == 403


def _reply(advocate, text="We are here to help."):
    conversation = Conversation.objects.get()
    if conversation.contact.handled_by_id is None:
        do_take_contact(conversation.contact, actor=advocate)
    return do_send_message(conversation, text, actor=advocate)


def test_an_advocate_reply_goes_out_through_twilio_and_its_status_comes_back(
    twilio, personas, django_capture_on_commit_callbacks
):
    sms("hello", "SM1")
    with django_capture_on_commit_callbacks(execute=True):
        reply = _reply(personas["advocate"])
    [request] = twilio.requests
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert request["auth"] == ACCOUNT
    assert request["form"]["To"] == CALLER and request["form"]["From"] == HOTLINE
    assert request["form"]["Body"] == "We are here to help."
    assert request["form"]["StatusCallback"] == PUBLIC + "/intake/twilio/sms/status"
    reply.refresh_from_db()
    assert reply.status == "sent" and reply.provider_id.startswith("SM")
    status = {"AccountSid": ACCOUNT, "MessageSid": reply.provider_id, "MessageStatus": "delivered"}
    assert signed_post("/intake/twilio/sms/status", status).status_code == 204
    late = {**status, "MessageStatus": "sent"}
    assert signed_post("/intake/twilio/sms/status", late).status_code == 204
    reply.refresh_from_db()
    assert reply.status == "delivered"  # a late "sent" does not undo "delivered"


def test_a_refused_reply_is_marked_failed_without_an_error_page(
    twilio, personas, django_capture_on_commit_callbacks
):
    sms("hello", "SM1")
    twilio.fail_next = (400, 21211)
    with django_capture_on_commit_callbacks(execute=True):
        reply = _reply(personas["advocate"])
    reply.refresh_from_db()
    assert reply.status == "failed" and "21211" in reply.error
    assert "555" not in reply.error and "help" not in reply.error  # no number, no body


def test_stop_and_start_are_honoured(twilio, personas, django_capture_on_commit_callbacks):
    sms("hello", "SM1")
    [stopped] = replies(sms("STOP", "SM2"))
    assert "START" in stopped
    with django_capture_on_commit_callbacks(execute=True):
        blocked = _reply(personas["advocate"])
    blocked.refresh_from_db()
    assert blocked.status == "failed" and "STOP" in blocked.error and twilio.requests == []
    [started] = replies(sms(" start ", "SM3"))
    assert "on again" in started
    with django_capture_on_commit_callbacks(execute=True):
        allowed = _reply(personas["advocate"])
    allowed.refresh_from_db()
    assert allowed.status == "sent" and len(twilio.requests) == 1


def test_the_language_of_the_first_text_picks_the_reply_and_is_kept_as_a_hint(twilio, db):
    [answer] = replies(sms("Necesito ayuda, mi jefe tiene mi pasaporte", "SM1"))
    assert "confidenciales" in answer
    assert Contact.objects.get().language_hint == "es"
    assert Contact.objects.get().language == "en"  # what the channel said: nothing
    replies(sms("ok", "SM2", sender="+15555550124"))
    short = Contact.objects.exclude(language_hint="es").get()
    assert short.language_hint == ""  # two letters say nothing
    replies(sms("I need to talk to someone about my job", "SM3", sender="+15555550124"))
    short.refresh_from_db()
    assert short.language_hint == "en"  # a later text fills it in


def test_only_a_persons_first_three_texts_are_guessed(twilio, db):
    for i, text in enumerate(["ok", "yes", "no"]):
        replies(sms(text, f"SMg{i}", sender="+15555550125"))
    replies(sms("Necesito ayuda, mi jefe tiene mi pasaporte", "SMg3", sender="+15555550125"))
    assert Contact.objects.get().language_hint == ""  # the fourth text is not guessed
    replies(sms("ok", "SMh0", sender="+15555550126"))
    replies(sms("Necesito ayuda, mi jefe tiene mi pasaporte", "SMh1", sender="+15555550126"))
    assert Contact.objects.get(language_hint="es")  # the second is
