"""``/api/v1/contacts``: record, list, read and correct contacts, as the rules allow."""

from __future__ import annotations

from ninja import Router

from lantern.api.common import paginate, parse_date, require
from lantern.api.schemas import ContactIn, ContactOut, ContactPage, ContactPatch, ErrorOut
from lantern.contacts import actions as contact_actions
from lantern.contacts import queries as contact_queries

router = Router()


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
        "at_risk": c.at_risk,
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


@router.post("/contacts", response={201: ContactOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut})
def create_contact(request, payload: ContactIn):
    """Record a contact. Returns it as the caller of the API may see it."""
    contact = contact_actions.do_create_contact(
        payload.model_dump(exclude_unset=True), actor=request.auth
    )
    return 201, _one(request.auth, contact, "api create")


@router.get("/contacts", response={200: ContactPage, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut})
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
    require(user, "view_contact")
    flt = contact_queries.ContactFilter(
        channel=channel,
        call_type=call_type,
        urgent=urgent,
        substantive=substantive,
        state=state,
        received_from=parse_date(received_from, "received_from"),
        received_to=parse_date(received_to, "received_to"),
    )
    qs = flt.apply(contact_queries.contacts_for_user(user).select_related("form_version"))
    meta, rows = paginate(qs, page, page_size)
    views = contact_queries.present_contacts(user, list(rows), reason="api list")
    return {**meta, "results": [contact_out(v) for v in views]}


@router.get("/contacts/{contact_id}", response={200: ContactOut, 401: ErrorOut, 404: ErrorOut})
def get_contact(request, contact_id: str):
    contact = contact_queries.access_contact_for_user(request.auth, contact_id)
    return _one(request.auth, contact, "api read")


@router.patch(
    "/contacts/{contact_id}",
    response={200: ContactOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def update_contact(request, contact_id: str, payload: ContactPatch):
    contact = contact_queries.access_contact_for_user(request.auth, contact_id)
    contact = contact_actions.do_update_contact(
        contact, payload.model_dump(exclude_unset=True), actor=request.auth
    )
    return _one(request.auth, contact, "api update")
