"""Phone calls through Twilio's wire format: the menu, urgency, queues, after hours, voicemail."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from twilio.request_validator import RequestValidator

from lantern.contacts.models import Contact, Message
from lantern.privacy.fields import reveal
from lantern.routing.models import BusinessCalendar, CalendarClosure, Task

ACCOUNT = "AC" + "4" * 32
TOKEN = "synthetic-voice-test-token"
PUBLIC = "https://hotline.example.org"
CALL = {"AccountSid": ACCOUNT, "CallSid": "CA" + "c" * 32, "From": "+15555550123",
        "To": "+15555550100", "CallStatus": "ringing", "Direction": "inbound"}  # fmt: skip


@pytest.fixture
def twilio(settings):
    settings.TWILIO_ACCOUNT_SID = ACCOUNT
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_URL = PUBLIC


@pytest.fixture
def hours(db):
    """Sets the non-urgent queue's calendar open all day on these days, with no holidays:
    [] is never open, every day is always open."""

    def set_days(days):
        calendar = BusinessCalendar.objects.get(name="business-hours")
        calendar.holidays = ""
        # a calendar must open some time: "never open" is every day but one far-off weekday
        calendar.hours = {day: ["00:00-24:00"] for day in days} or {"sun": ["00:00-00:01"]}
        calendar.save()
        if not days:
            for offset in range(7):
                CalendarClosure.objects.get_or_create(
                    calendar=calendar, date=timezone.localdate() + timedelta(days=offset),
                    defaults={"name": "closed for the test"},
                )

    return set_days


def post(step, **params):
    path = "/intake/twilio/voice" + (f"/{step}" if step else "")
    params = {**CALL, **params}
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + path, params)
    return Client().post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


def twiml(response):
    assert response.status_code == 200, response.content
    return ET.fromstring(response.content)  # noqa: S314 (our own TwiML, in a test)


def test_an_incoming_call_is_stored_then_greeted(twilio, db):
    root = twiml(post(""))
    contact = Contact.objects.get(provider_id=CALL["CallSid"])
    assert contact.channel == "phone" and contact.status == "open"
    assert reveal(contact.caller_phone) == CALL["From"]
    assert "confidential" in root.find("Say").text
    gather = root.find("Gather")
    assert (
        gather.get("action") == "/intake/twilio/voice/language" and gather.get("numDigits") == "1"
    )
    # each language offered in itself, with its own voice
    assert any("Para Español" in say.text for say in gather.findall("Say"))
    assert root.find("Redirect").text == "/intake/twilio/voice/language"
    twiml(post(""))  # Twilio retries: still one contact
    assert Contact.objects.count() == 1


def test_spanish_and_in_danger_goes_to_the_urgent_queue(twilio, db, hours):
    hours([])  # even when non-urgent calls are not answered
    post("")
    root = twiml(post("language", Digits="2"))
    assert root.find("Gather/Say").get("language") == "es-US"
    root = twiml(post("urgency", Digits="1"))
    contact = Contact.objects.get()
    assert contact.language == "es" and contact.urgent is True
    assert root.find("Enqueue").text == "crisis"
    task = Task.objects.get(contact=contact)
    assert task.urgency == "crisis" and task.language == "es"
    assert task.reasons[0]["source"] == "channel"
    assert root.find("Say").get("language") == "es-US"


def test_other_language_asks_for_an_interpreter(twilio, db, hours):
    hours(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    post("")
    twiml(post("language"))  # no key pressed
    root = twiml(post("urgency"))
    contact = Contact.objects.get()
    assert contact.interpreter_used is True and contact.urgent is False
    assert root.find("Enqueue").text == "general"


def test_after_hours_a_non_urgent_caller_can_leave_a_voicemail(twilio, db, hours):
    hours([])
    post("")
    post("language", Digits="1")
    root = twiml(post("urgency", Digits="9"))
    assert root.find("Enqueue") is None
    assert "leave a message" in root.find("Say").text
    record = root.find("Record")
    assert record.get("action") == "/intake/twilio/voice/voicemail"
    url = "https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/RE1"
    recording = {"RecordingSid": "RE" + "d" * 32, "RecordingDuration": "14", "RecordingUrl": url}
    assert twiml(post("voicemail", **recording)).find("Hangup") is not None
    twiml(post("voicemail", **recording))  # retried
    [message] = Message.objects.all()
    assert reveal(message.body).startswith("Voicemail (14 s): https://api.twilio.com/")
    assert message.conversation.contact == Contact.objects.get()
    task = Task.objects.get()  # waits for a call back, three business days at most
    assert task.queue.name == "general" and task.state == "waiting"
    assert task.due_at - task.created_at >= timedelta(days=3)


def test_the_status_callback_ends_the_call(twilio, db):
    post("")
    signature_ok = post("status", CallStatus="completed", CallDuration="42")
    assert signature_ok.status_code == 204
    assert Contact.objects.get().ended_at is not None


def test_forged_or_incomplete_voice_webhooks(twilio, db):
    path = "/intake/twilio/voice"
    assert Client().post(path, CALL, HTTP_X_TWILIO_SIGNATURE="Zm9yZ2Vk").status_code == 403
    params = {k: v for k, v in CALL.items() if k != "CallSid"}
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + path, params)
    assert Client().post(path, params, HTTP_X_TWILIO_SIGNATURE=signature).status_code == 400
    assert not Contact.objects.exists()
