"""Twilio's wire format: webhook signatures, TwiML answers, and the REST API for sending.

The only module that knows Twilio (DESIGN.md: ``intake`` holds the wire formats). Configuration:
``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN`` and ``LANTERN_PUBLIC_URL`` (the external base URL
Twilio calls, so signatures check behind a proxy); ``TWILIO_API_URL`` points the REST client at
another server speaking Twilio's API (the tests' local fake).
"""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

log = logging.getLogger("lantern.intake")
TWILIO_API = "https://api.twilio.com"
TWIML = "application/xml"


def public_url(request) -> str:
    """The URL Twilio called, as Twilio saw it (what it signed)."""
    base = settings.PUBLIC_URL or request.build_absolute_uri("/").rstrip("/")
    return base + request.get_full_path()


def signature_is_valid(request) -> bool:
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    return RequestValidator(token).validate(public_url(request), request.POST, signature)


def webhook(view):
    """A Twilio webhook: POST only, signed with our auth token, for our account; else 4xx and
    nothing is stored. The view answers TwiML."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not signature_is_valid(request):
            log.warning("twilio webhook refused: missing or invalid signature")
            return HttpResponseForbidden("invalid X-Twilio-Signature")
        account = request.POST.get("AccountSid", "")
        if settings.TWILIO_ACCOUNT_SID and account != settings.TWILIO_ACCOUNT_SID:
            log.warning("twilio webhook refused: another account")
            return HttpResponseForbidden("unknown AccountSid")
        return view(request, *args, **kwargs)

    return wrapped


def twiml(response) -> HttpResponse:
    return HttpResponse(str(response), content_type=TWIML)


class _HttpClient(TwilioHttpClient):
    """Twilio's own HTTP client, sent to ``TWILIO_API_URL`` instead of api.twilio.com when set."""

    def request(self, method, url, *args, **kwargs):
        base = settings.TWILIO_API_URL
        if base and url.startswith(TWILIO_API):
            url = base.rstrip("/") + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


def client() -> Client:
    return Client(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        http_client=_HttpClient(timeout=10),
    )


class SendFailed(Exception):
    """Twilio refused the message or could not be reached; the text says why, without the body
    or the number. ``permanent``: Twilio refused it for good (a 4xx other than 429)."""

    def __init__(self, text: str, *, permanent: bool = False):
        super().__init__(text)
        self.permanent = permanent


def send_sms(*, to: str, from_: str, body: str, status_callback: str = "") -> tuple[str, str]:
    """Send one SMS through the REST API; returns Twilio's ``(sid, status)``."""
    kwargs = {"to": to, "from_": from_, "body": body}
    if status_callback:
        kwargs["status_callback"] = status_callback
    try:
        message = client().messages.create(**kwargs)
    except TwilioRestException as exc:
        raise SendFailed(
            f"Twilio refused the message (error {exc.code}, HTTP {exc.status})",
            permanent=400 <= (exc.status or 0) < 500 and exc.status != 429,
        ) from exc
    except (TwilioException, OSError) as exc:
        raise SendFailed(f"could not reach Twilio ({type(exc).__name__})") from exc
    return message.sid, message.status


def find_sent(*, to: str, from_: str, body: str, since, known) -> tuple[str, str] | None:
    """A message Twilio has from ``from_`` to ``to`` with this body, sent since ``since``, whose
    sid ``known(sid)`` does not claim for another of our messages: an earlier attempt of this
    one that went out. ``(sid, status)`` or None."""
    try:
        sent = client().messages.list(to=to, from_=from_, date_sent_after=since, limit=50)
    except TwilioRestException as exc:
        raise SendFailed(f"Twilio's message log refused (error {exc.code})") from exc
    except (TwilioException, OSError) as exc:
        raise SendFailed(f"could not reach Twilio ({type(exc).__name__})") from exc
    for message in sent:
        if message.body == body and known(message.sid) is None:
            return message.sid, message.status
    return None
