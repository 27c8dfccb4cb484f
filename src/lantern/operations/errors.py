"""Error answers a client can act on: JSON for the API, 503 (retry) when the database is busy
or unreachable, for every page and webhook.

Django calls these for exceptions no view handled (``handler500``, set in ``lantern.urls``) and
for unknown addresses (``handler404``). A busy database (``WriteLockTimeout`` on SQLite, or any
``OperationalError``: PostgreSQL restarting, a lost connection) is not a bug in the request: the
answer is 503 with ``Retry-After``, which Twilio retries when its webhook URLs carry the
connection overrides in docs/operations.md, and which an API client can retry as is.
"""

from __future__ import annotations

import logging
import sys

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.views import defaults

log = logging.getLogger("lantern.errors")
RETRY_AFTER = "5"
JSON_PREFIXES = ("/api/", "/hsds/")


def _wants_json(request) -> bool:
    return request.path.startswith(JSON_PREFIXES)


def _busy(request, exc) -> HttpResponse:
    log.warning("503 %s %s: database unavailable (%s)", request.method, request.path,
                type(exc).__name__)  # fmt: skip
    if _wants_json(request):
        response = JsonResponse({"detail": "the database is busy; try again shortly"}, status=503)
    else:
        response = HttpResponse(
            "Service unavailable: try again shortly.\n", status=503, content_type="text/plain"
        )
    response["Retry-After"] = RETRY_AFTER
    return response


def server_error(request, *args, **kwargs):
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError):
        return _busy(request, exc)
    if _wants_json(request):
        return JsonResponse({"detail": "internal error"}, status=500)
    return defaults.server_error(request)


def page_not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": "not found"}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": "bad request"}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": "forbidden"}, status=403)
    return defaults.permission_denied(request, exception)
