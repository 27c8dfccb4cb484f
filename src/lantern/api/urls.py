"""The JSON API, ``/api/v1/``. OpenAPI at ``/api/v1/openapi.json``, docs at ``/api/v1/docs``."""

from __future__ import annotations

import math
from datetime import date

from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from lantern.accounts import rules
from lantern.accounts.queries import user_for_token
from lantern.api.schemas import (
    AuditPage,
    ContactIn,
    ContactOut,
    ContactPage,
    ContactPatch,
    ErrorOut,
)
from lantern.audit import queries as audit_queries
from lantern.contacts import actions as contact_actions
from lantern.contacts import queries as contact_queries
from lantern.contacts.models import Contact
from lantern.core.errors import InvalidInput

MAX_PAGE_SIZE = 200


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        return user_for_token(token)


api = NinjaAPI(
    title="Lantern API",
    version="1",
    description="Lantern's JSON API. Authenticate with `Authorization: Bearer <token>` "
    "(`lantern token USERNAME` prints one).",
    auth=BearerToken(),
    urls_namespace="api",
)


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
    return api.create_response(request, {"detail": "missing or invalid bearer token"}, status=401)


@api.exception_handler(Contact.DoesNotExist)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "not found"}, status=404)


def _require(user, action):
    if not rules.allows(user, action):
        raise PermissionDenied(f"the permission rules do not allow {action}")


def _paginate(qs, page: int, page_size: int):
    if page < 1:
        raise InvalidInput({"page": "must be 1 or more"})
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


def contact_out(view: contact_queries.ContactView) -> dict:
    c = view.contact
    return {
        "id": c.id,
        "channel": c.channel,
        "call_types": c.call_type_values,
        "received_at": c.received_at,
        "ended_at": c.ended_at,
        "language": c.language,
        "interpreter_used": c.interpreter_used,
        "caller_type": c.caller_type,
        "urgent": c.urgent,
        "substantive": c.substantive,
        "heard_about": c.heard_about,
        "summary": view.summary,
        "handled_by": c.handled_by.username if c.handled_by else None,
        "location": {
            "state": c.state,
            "county": c.county,
            "city": c.city,
            "postal_code": c.postal_code,
        },
        "caller": vars(view.caller),
        "form_version": c.form_version.version,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    }


def _one(user, contact, reason) -> dict:
    contact = (
        contact_queries.contacts_for_user(user).select_related("form_version").get(pk=contact.pk)
    )
    return contact_out(contact_queries.present_contacts(user, [contact], reason=reason)[0])


@api.post("/contacts", response={201: ContactOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut})
def create_contact(request, payload: ContactIn):
    """Record a contact. Returns it as the caller of the API may see it."""
    contact = contact_actions.do_create_contact(
        payload.model_dump(exclude_unset=True), actor=request.auth
    )
    return 201, _one(request.auth, contact, "api create")


@api.get("/contacts", response={200: ContactPage, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut})
def list_contacts(
    request,
    channel: str = "",
    call_type: str = "",
    urgent: bool | None = None,
    substantive: bool | None = None,
    state: str = "",
    received_from: str = "",
    received_to: str = "",
    page: int = 1,
    page_size: int = 50,
):
    """Contacts the rules let you open, newest first. Dates are ``YYYY-MM-DD`` (inclusive)."""
    user = request.auth
    _require(user, "view_contact")
    flt = contact_queries.ContactFilter(
        channel=channel,
        call_type=call_type,
        urgent=urgent,
        substantive=substantive,
        state=state,
        received_from=_date(received_from, "received_from"),
        received_to=_date(received_to, "received_to"),
    )
    qs = flt.apply(contact_queries.contacts_for_user(user).select_related("form_version"))
    meta, rows = _paginate(qs, page, page_size)
    views = contact_queries.present_contacts(user, list(rows), reason="api list")
    return {**meta, "results": [contact_out(v) for v in views]}


def _date(value: str, name: str):
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput({name: "not a date (YYYY-MM-DD)"}) from None


@api.get("/contacts/{contact_id}", response={200: ContactOut, 401: ErrorOut, 404: ErrorOut})
def get_contact(request, contact_id: str):
    contact = contact_queries.access_contact_for_user(request.auth, contact_id)
    return _one(request.auth, contact, "api read")


@api.patch(
    "/contacts/{contact_id}",
    response={200: ContactOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def update_contact(request, contact_id: str, payload: ContactPatch):
    contact = contact_queries.access_contact_for_user(request.auth, contact_id)
    contact = contact_actions.do_update_contact(
        contact, payload.model_dump(exclude_unset=True), actor=request.auth
    )
    return _one(request.auth, contact, "api update")


@api.get("/audit", response={200: AuditPage, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut})
def list_audit(
    request,
    object_type: str = "",
    object_id: str = "",
    action: str = "",
    page: int = 1,
    page_size: int = 50,
):
    """The audit log, newest first. ``object_type=contact`` is short for ``contacts.contact``."""
    _require(request.auth, "view_audit")
    if object_type and "." not in object_type:
        object_type = {"contact": "contacts.contact", "user": "accounts.user"}.get(
            object_type, object_type
        )
    qs = audit_queries.events(object_type=object_type, object_id=object_id, action=action)
    meta, rows = _paginate(qs, page, page_size)
    return {
        **meta,
        "results": [
            {
                "id": e.id,
                "at": e.at,
                "actor": e.actor_label,
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "changes": e.changes,
                "reason": e.reason,
                "hash": e.hash,
            }
            for e in rows
        ],
    }
