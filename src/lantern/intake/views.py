"""Webhooks under /intake/. Thin: check the request, hand it to the channel module, answer."""

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotFound

from lantern.intake import conference, sms, twilio, voice
from lantern.routing.kick import kick


@twilio.webhook
def twilio_sms(request):
    try:
        answer = sms.receive(request.POST)
    except sms.BadWebhook as exc:
        return HttpResponseBadRequest(str(exc))
    kick()  # triage and routing run beside the answer, not before it
    return twilio.twiml(answer)


@twilio.webhook
def twilio_sms_status(request):
    sms.status_callback(request.POST)
    return HttpResponse(status=204)


def _voice(step):
    @twilio.webhook
    def view(request):
        try:
            return twilio.twiml(step(request.POST))
        except voice.BadWebhook as exc:
            return HttpResponseBadRequest(str(exc))

    view.__name__ = f"twilio_voice_{step.__name__}"
    return view


twilio_voice = _voice(voice.incoming)
twilio_voice_language = _voice(voice.language)
twilio_voice_urgency = _voice(voice.urgency)
twilio_voice_voicemail = _voice(voice.voicemail)
twilio_voice_wait = _voice(voice.wait)
twilio_voice_callback = _voice(voice.callback)


@twilio.webhook
def twilio_voice_client(request):
    return twilio.twiml(conference.client_outgoing(request.POST))


@twilio.webhook
def twilio_voice_status(request):
    try:
        voice.status(request.POST)
    except voice.BadWebhook as exc:
        return HttpResponseBadRequest(str(exc))
    return HttpResponse(status=204)


def _leg_twiml(step):
    @twilio.webhook
    def view(request, leg_id):
        if not conference.leg_exists(leg_id):
            return HttpResponseNotFound("no such call leg")
        return twilio.twiml(step(leg_id, request.POST))

    view.__name__ = f"twilio_voice_{step.__name__}"
    return view


twilio_voice_leg_answer = _leg_twiml(conference.leg_answer)
twilio_voice_leg_confirm = _leg_twiml(conference.leg_confirm)


@twilio.webhook
def twilio_voice_leg_status(request, leg_id):
    conference.leg_status(leg_id, request.POST)
    return HttpResponse(status=204)


@twilio.webhook
def twilio_voice_conference(request, contact_id):
    conference.conference_status(contact_id, request.POST)
    return HttpResponse(status=204)
