"""Webhooks under /intake/. Thin: check the request, hand it to the channel module, answer."""

from django.http import HttpResponse, HttpResponseBadRequest

from lantern.intake import sms, twilio


@twilio.webhook
def twilio_sms(request):
    try:
        return twilio.twiml(sms.receive(request.POST))
    except sms.BadWebhook as exc:
        return HttpResponseBadRequest(str(exc))


@twilio.webhook
def twilio_sms_status(request):
    sms.status_callback(request.POST)
    return HttpResponse(status=204)
