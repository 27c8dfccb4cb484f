"""Phone calls through Twilio: the menu a caller hears, waiting for an advocate, voicemail.

Greeting -> language (the keys in core/data/languages.yaml: 1 English, 2 Spanish; nothing:
an interpreter joins) -> "in danger now, press 1" (the contact becomes urgent) -> routing
triages the call and picks its queue; the call waits in the Twilio queue of the same name,
unless it is non-urgent and that queue is closed: then the after-hours message and voicemail.
While the caller waits, once they have waited long, the queue asks once whether the hotline
may call them back at this number if the call drops (``voice.callback_question_after_seconds``):
only a caller who pressed 1 can be called back from the inbox's missed calls.
The contact is stored when the call arrives, before the first word of TwiML (decision 0003);
each step's choice is recorded on it.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from twilio.twiml.voice_response import VoiceResponse

from lantern.contacts import actions as contacts
from lantern.contacts import queries as contact_queries
from lantern.core import coerce
from lantern.core.phone import normalize_phone
from lantern.intake import messages
from lantern.routing import actions as routing
from lantern.routing import call_control
from lantern.routing import calls as routing_calls
from lantern.routing import queries as routing_queries

ENDED = {"completed", "busy", "failed", "no-answer", "canceled"}


class BadWebhook(ValueError):
    pass


def _url(name: str) -> str:
    return reverse(f"intake:twilio_voice_{name}")


def _call(params):
    sid = (params.get("CallSid") or "").strip()
    if not sid:
        raise BadWebhook("CallSid is missing")
    caller = (params.get("From") or "").strip()
    try:
        caller = normalize_phone(caller) if caller else ""
    except ValueError:
        caller = ""  # "anonymous", "restricted": a withheld number stays withheld
    contact, _created = contacts.do_receive_call(provider_id=sid, caller=caller)
    return contact


def _say(response, name: str, language: str | None = "en", **values):
    """A prompt in the caller's language where Twilio has a voice for it, else in English."""
    lang, attributes = messages.say(language)
    response.say(messages.text("voice", name, lang.code, **values), **attributes)


def _language_menu(gather):
    """Each language of the menu offered in itself (in English where Twilio has no voice for
    it), then the interpreter."""
    for key, lang in messages.menu().items():
        spoken, attributes = messages.say(lang.code)
        name = lang.name if spoken == lang else lang.english
        gather.say(
            messages.text("voice", "language_choice", spoken.code, language=name, key=key),
            **attributes,
        )
    _say(gather, "other_language")


def incoming(params) -> VoiceResponse:
    contact = _call(params)
    hotline = (params.get("To") or "").strip()
    routing_calls.call_for(contact, hotline_number=hotline if hotline.startswith("+") else "")
    response = VoiceResponse()
    _say(response, "greeting")
    gather = response.gather(num_digits=1, action=_url("language"), method="POST", timeout=6)
    _language_menu(gather)
    response.redirect(_url("language"), method="POST")  # no key pressed
    return response


def language(params) -> VoiceResponse:
    contact = _call(params)
    option = messages.menu().get((params.get("Digits") or "").strip())
    if option:
        contacts.do_note_call_progress(contact, language=option.code, reason="phone menu")
        chosen = option.code
    else:
        contacts.do_note_call_progress(
            contact, interpreter=True, reason="phone menu: other language"
        )
        chosen = "en"
    response = VoiceResponse()
    gather = response.gather(num_digits=1, action=_url("urgency"), method="POST", timeout=5)
    _say(gather, "danger_menu", chosen)
    response.redirect(_url("urgency"), method="POST")
    return response


def urgency(params) -> VoiceResponse:
    contact = _call(params)
    config = messages.voice()
    response = VoiceResponse()
    if (params.get("Digits") or "").strip() == "1":
        contacts.do_note_call_progress(contact, urgent=True, reason="phone menu: in danger now")
    task = routing.do_route_contact(contact)
    if routing_queries.answering_now(task, timezone.now()):
        _say(response, "connecting", contact.language)
        response.enqueue(task.queue.name, wait_url=_url("wait"), wait_url_method="POST")
        return response
    _say(response, "after_hours", contact.language)
    response.record(
        action=_url("voicemail"),
        method="POST",
        max_length=int(config.get("max_voicemail_seconds", 300)),
        play_beep=True,
    )
    _say(response, "goodbye", contact.language)
    return response


def wait(params) -> VoiceResponse:
    """The queue's ``waitUrl``: Twilio runs this while the caller waits, and asks again when it
    ends. Hold music (``voice.hold_music``) or silence, a word now and then that they are still
    in line, and once, after they have waited long, the call-back question."""
    contact = _call(params)
    config = messages.voice()
    try:
        waited = coerce.integer(params.get("QueueTime"), minimum=0) or 0
    except ValueError:
        waited = 0
    response = VoiceResponse()
    ask_after = int(config.get("callback_question_after_seconds", 90))
    if waited >= ask_after and call_control.callback_question_due(contact):
        gather = response.gather(num_digits=1, action=_url("callback"), method="POST", timeout=8)
        _say(gather, "callback_question", contact.language)
        return response
    if waited >= 30:
        _say(response, "still_waiting", contact.language)
    if config.get("hold_music"):
        response.play(config["hold_music"])
    else:
        response.pause(length=20)
    return response


def callback(params) -> VoiceResponse:
    """The caller's answer to the call-back question (1: safe to call back, 2: not safe); they
    stay in the queue."""
    contact = _call(params)
    digit = (params.get("Digits") or "").strip()
    response = VoiceResponse()
    if digit in ("1", "2"):
        call_control.do_note_callback_answer(contact, safe=digit == "1")
        _say(response, "callback_yes" if digit == "1" else "callback_no", contact.language)
    return response


def voicemail(params) -> VoiceResponse:
    """The recording of an after-hours message: a message in the call's conversation."""
    contact = _call(params)
    sid = (params.get("RecordingSid") or "").strip()
    url = (params.get("RecordingUrl") or "").strip()
    response = VoiceResponse()
    if sid and url:
        seconds = (params.get("RecordingDuration") or "?").strip()
        contacts.do_receive_message(
            channel="phone",
            hotline_address=(params.get("To") or "").strip()[:200],
            participant=contact_queries.caller_phone(contact),
            body=f"Voicemail ({seconds} s): {url}",
            provider_id=sid,
            contact=contact,
        )
    _say(response, "goodbye", contact.language)
    response.hangup()
    return response


def status(params) -> None:
    call_status = (params.get("CallStatus") or "").strip().lower()
    if call_status in ENDED:
        contact = _call(params)
        contacts.do_note_call_progress(
            contact, ended_at=timezone.now(), reason=f"call {call_status}"
        )
        routing_calls.do_caller_left(contact)
