"""Calls as Twilio conferences: the adapter behind ``routing.telephony`` and the webhooks of the
lines it dials.

Every answered call is a ``<Conference>`` named for the contact (``lantern-<contact id>``). An
advocate is dialled through the REST API, in the browser (``client:advocate-<id>``, the Voice
JavaScript SDK) or on their own phone, which first asks them to press 1 so their voicemail never
takes a caller; only then is the caller moved out of the queue (``calls(sid).update`` with the
conference's TwiML). Interpreter lines and outside numbers join through the Participants API,
with the digits to send. Conference and call status callbacks come back signed, and go to
``routing.calls``, which records them once each.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant
from twilio.twiml.voice_response import VoiceResponse

from lantern.intake import twilio
from lantern.privacy.fields import reveal
from lantern.routing import call_records, calls, interpreters
from lantern.routing.choices import AdvocateDeviceChoices, CallRoleChoices
from lantern.routing.models import CallLeg

log = logging.getLogger("lantern.intake")
RING_SECONDS = 20
TOKEN_SECONDS = 3600
LEG_EVENTS = ["initiated", "ringing", "answered", "completed"]
CONFERENCE_EVENTS = "start end join leave hold"
# lines that are not the hotline's people: an interpreter, an outside number, a caller called back
OUTSIDE = (CallRoleChoices.INTERPRETER, CallRoleChoices.TRANSFER, CallRoleChoices.CALLER)


def _abs(name: str, **kwargs) -> str:
    return settings.PUBLIC_URL + reverse(f"intake:{name}", kwargs=kwargs)


def identity(user) -> str:
    """The browser softphone's client name: a number, never a name."""
    return f"advocate-{user.pk}"


def _why(exc: Exception) -> str:
    if isinstance(exc, TwilioRestException):
        return f"Twilio refused (error {exc.code}, HTTP {exc.status})"
    return f"could not reach Twilio ({type(exc).__name__})"


def leg_exists(leg_id) -> bool:
    return CallLeg.objects.filter(pk=leg_id).exists()


def _leg(leg_id) -> CallLeg:
    return CallLeg.objects.select_related("call__contact", "user").get(pk=leg_id)


def conference_twiml(leg: CallLeg, response: VoiceResponse | None = None) -> VoiceResponse:
    """The TwiML that puts ``leg`` into its call's conference."""
    call = leg.call
    response = response or VoiceResponse()
    dial = response.dial()
    options = {
        "beep": False,
        "start_conference_on_enter": True,
        "end_conference_on_exit": leg.role == CallRoleChoices.CALLER,
        "status_callback": _abs("twilio_voice_conference", contact_id=call.contact_id),
        "status_callback_event": CONFERENCE_EVENTS,
        "status_callback_method": "POST",
        "record": "record-from-start" if call_records.records(call.contact) else "do-not-record",
    }
    if leg.role == CallRoleChoices.SUPERVISOR:
        advocate = call.legs.filter(role=CallRoleChoices.ADVOCATE, state="joined").last()
        if leg.coaching and advocate is not None:
            options["coach"] = advocate.provider_id
        else:
            options["muted"] = True
    dial.conference(call.conference_name, **options)
    return response


class TwilioCalls:
    """``routing.telephony``'s adapter for Twilio."""

    def ready(self) -> bool:
        return bool(
            settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN and settings.PUBLIC_URL
        )

    def access_token(self, user) -> str:
        """A short-lived token for the browser softphone: it may receive calls for
        ``advocate-<id>`` (the voice grant's outgoing app answers that it takes calls only)."""
        if not (settings.TWILIO_API_KEY and settings.TWILIO_API_SECRET):
            return ""
        token = AccessToken(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_API_KEY,
            settings.TWILIO_API_SECRET,
            identity=identity(user),
            ttl=TOKEN_SECONDS,
        )
        token.add_grant(
            VoiceGrant(
                outgoing_application_sid=settings.TWILIO_TWIML_APP_SID or None,
                incoming_allow=True,
            )
        )
        return token.to_jwt()

    def dial(self, leg_id) -> None:
        leg = _leg(leg_id)
        call = leg.call
        status_url = _abs("twilio_voice_leg_status", leg_id=leg.pk)
        try:
            if leg.role in OUTSIDE:
                sid = self._outside(leg, status_url)
            else:  # a person of the hotline: their browser, or their phone (press 1)
                to = (
                    f"client:{identity(leg.user)}"
                    if leg.device != AdvocateDeviceChoices.PHONE
                    else reveal(leg.number)
                )
                created = twilio.client().calls.create(
                    to=to,
                    from_=call.hotline_number,
                    url=_abs("twilio_voice_leg_answer", leg_id=leg.pk),
                    status_callback=status_url,
                    status_callback_event=LEG_EVENTS,
                    timeout=RING_SECONDS,
                )
                sid = created.sid
        except (TwilioException, OSError) as exc:
            log.warning("twilio: dialling a %s leg failed: %s", leg.role, _why(exc))
            calls.do_fail_leg(leg.pk, _why(exc))
            return
        calls.do_note_dialled(leg.pk, sid)

    def _outside(self, leg: CallLeg, status_url: str) -> str:
        """An interpreter line, an outside number or a caller called back: a call whose TwiML
        joins the conference, with the line's digits sent once it answers (the Calls API's
        ``send_digits``)."""
        kwargs = {
            "from_": leg.call.hotline_number,
            "to": reveal(leg.number),
            "twiml": str(conference_twiml(leg)),
            "status_callback": status_url,
            "status_callback_event": LEG_EVENTS,
            "timeout": RING_SECONDS,
        }
        line = interpreters.lines().get(leg.line) if leg.line else None
        if line and line.digits:
            kwargs["send_digits"] = line.digits
        return twilio.client().calls.create(**kwargs).sid

    def _conference_sid(self, call) -> str:
        found = twilio.client().conferences.list(
            friendly_name=call.conference_name, status="in-progress", limit=1
        )
        if not found:
            raise TwilioRestException(404, "conference", "the conference is not running", 20404)
        return found[0].sid

    def join_caller(self, leg_id) -> None:
        """Move the waiting caller into the conference the advocate ``leg_id`` just joined."""
        advocate = _leg(leg_id)
        caller = advocate.call.legs.filter(role=CallRoleChoices.CALLER).first()
        try:
            twilio.client().calls(caller.provider_id).update(twiml=str(conference_twiml(caller)))
        except (TwilioException, OSError) as exc:
            log.warning("twilio: moving a caller into a conference failed: %s", _why(exc))
            calls.do_fail_leg(advocate.pk, _why(exc))
            self.hang_up(advocate.pk)

    def hold(self, leg_id, held: bool) -> None:
        leg = _leg(leg_id)
        try:
            conference_sid = leg.call.conference_sid or self._conference_sid(leg.call)
            twilio.client().conferences(conference_sid).participants(leg.provider_id).update(
                hold=held
            )
        except (TwilioException, OSError) as exc:
            calls.do_note_failure(leg.pk, f"hold: {_why(exc)}")

    def hang_up(self, leg_id) -> None:
        leg = _leg(leg_id)
        if not leg.provider_id:
            return
        try:
            twilio.client().calls(leg.provider_id).update(status="completed")
        except (TwilioException, OSError) as exc:
            calls.do_note_failure(leg.pk, f"hang up: {_why(exc)}")


# --- the webhooks of the lines Lantern dials --------------------------------------------------


def leg_answer(leg_id, params) -> VoiceResponse:
    """A hotline person's line answered. On a phone: "press 1 to take a hotline call" (a
    voicemail presses nothing, and the call is offered to someone else)."""
    leg = _leg(leg_id)
    response = VoiceResponse()
    if leg.device == AdvocateDeviceChoices.PHONE:
        gather = response.gather(
            num_digits=1,
            action=reverse("intake:twilio_voice_leg_confirm", kwargs={"leg_id": leg.pk}),
            method="POST",
            timeout=8,
        )
        gather.say(_("Lantern hotline call. Press 1 to take it."))
        response.say(_("No key pressed. Goodbye."))
        response.hangup()
        return response
    return leg_confirm(leg_id, {"Digits": "1"})


def leg_confirm(leg_id, params) -> VoiceResponse:
    response = VoiceResponse()
    if (params.get("Digits") or "").strip() != "1":
        response.hangup()  # not taken: the call's "completed" status re-offers it
        return response
    leg = calls.do_advocate_answered(leg_id)
    if leg is None:
        response.say(_("The caller hung up before you were connected."))
        response.hangup()
        return response
    return conference_twiml(leg, response)


def client_outgoing(params) -> VoiceResponse:
    """The TwiML app's voice URL: the softphone takes calls, it does not place them."""
    response = VoiceResponse()
    response.say(_("This line takes hotline calls only."))
    response.hangup()
    return response


def leg_status(leg_id, params) -> None:
    sid = (params.get("CallSid") or "").strip()
    status = (params.get("CallStatus") or "").strip().lower()
    calls.do_note_leg(leg_id, status, key=f"{sid}:{status}")


def conference_status(contact_id, params) -> None:
    event = (params.get("StatusCallbackEvent") or "").strip()
    conference_sid = (params.get("ConferenceSid") or "").strip()
    sid = (params.get("CallSid") or "").strip()
    sequence = (params.get("SequenceNumber") or "").strip()
    calls.do_note_conference(
        contact_id,
        event,
        call_sid=sid,
        conference_sid=conference_sid,
        key=f"{conference_sid}:{sequence}:{event}:{sid}",
    )
