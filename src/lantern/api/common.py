"""What every resource of the JSON API shares: bearer-token auth, errors, permission checks, pages.

Resource modules (``api/contacts.py``, ``api/audit.py``, ...) each define a ninja ``Router``;
``api/urls.py`` only builds the ``NinjaAPI`` and mounts them.
"""

from __future__ import annotations

import math

from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer

from lantern.accounts import rules
from lantern.accounts.queries import user_for_token
from lantern.contacts.models import Contact
from lantern.core import coerce
from lantern.core.errors import InvalidInput

MAX_PAGE_SIZE = 200


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        return user_for_token(token)


class TextParser(Parser):
    """Query parameters with a NUL (``%00``) are a 422 naming the parameter, not a database
    error. (JSON bodies are checked by the schemas: ``schemas.Strict``.)"""

    def parse_querydict(self, data, list_fields, request):
        errors = {}
        for key, values in data.lists():
            for value in values:
                try:
                    coerce.check_text(value)
                except coerce.Invalid as exc:
                    errors[key] = str(exc)
        if errors:
            raise InvalidInput(errors)
        return super().parse_querydict(data, list_fields, request)


def install_error_handlers(api: NinjaAPI) -> None:
    """Every refusal is JSON ``{"detail": ..., "errors": {...}}`` with the right 4xx status."""

    @api.exception_handler(NinjaValidationError)
    def _invalid_shape(request, exc):
        errors = {}
        for error in exc.errors:
            loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "payload", "query")]
            errors[".".join(loc) or "body"] = error.get("msg", "invalid")
        return api.create_response(
            request, {"detail": "invalid input: " + ", ".join(errors), "errors": errors}, status=422
        )

    @api.exception_handler(InvalidInput)
    def _invalid_input(request, exc):
        return api.create_response(
            request,
            {"detail": "invalid input: " + ", ".join(exc.errors), "errors": exc.errors},
            status=422,
        )

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return api.create_response(
            request, {"detail": "missing or invalid bearer token"}, status=401
        )

    @api.exception_handler(Contact.DoesNotExist)
    def _not_found(request, exc):
        return api.create_response(request, {"detail": "not found"}, status=404)


require = rules.require


def paginate(qs, page: int, page_size: int):
    """``(meta, rows)`` for one page of ``qs``; a page or size out of range is a 422."""
    if page < 1:
        raise InvalidInput({"page": "must be 1 or more"})
    if page > coerce.MAX_INT:
        raise InvalidInput({"page": f"must be {coerce.MAX_INT} or less"})
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidInput({"page_size": f"must be between 1 and {MAX_PAGE_SIZE}"})
    count = qs.count()
    start = (page - 1) * page_size
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": math.ceil(count / page_size),
    }, qs[start : start + page_size]


def parse_date(value: str, name: str):
    """A ``YYYY-MM-DD`` query parameter (between 1900 and 2199), ``None`` when empty."""
    return coerce.strict(name, coerce.date, value)
