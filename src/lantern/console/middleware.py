import logging
import time

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

logger = logging.getLogger("lantern.request")


class RequestLogMiddleware:
    """One line per request: method, path without query string, status, milliseconds.

    Never the query string (it may hold a phone number), the body, or the client's IP address.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = (time.perf_counter() - started) * 1000
        if not request.path.startswith("/static/"):
            logger.info(
                "%s %s %s %.1fms", request.method, request.path, response.status_code, elapsed
            )
        return response


class ConsoleLanguageMiddleware:
    """The console speaks one of its own languages (``LANTERN_CONSOLE_LANGUAGES``, English and
    Spanish by default): the signed-in user's from their profile, else the browser's first one
    the console has, else the hotline's default. Public pages are left to the site's language
    set-up (the visitor's choice, then Accept-Language)."""

    PREFIX = "/console/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(self.PREFIX):
            return self.get_response(request)
        language = console_language(request)
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response


def console_language(request) -> str:
    offered = settings.LANTERN_CONSOLE_LANGUAGES
    user = getattr(request, "user", None)
    chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
    if chosen in offered:
        return chosen
    for tag, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        base = tag.lower().split("-")[0]
        if tag.lower() in offered:
            return tag.lower()
        if base in offered:
            return base
    default = settings.LANGUAGE_CODE.lower().split("-")[0]
    return default if default in offered else offered[0]
