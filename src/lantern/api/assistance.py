"""``/api/v1/assistance``: T&TA requests: list (with the console queue's filters), read,
create (from a partner's own intake, or for a contact), update (assign, status, facts) and
record deliverables, as the rules allow (``manage_assistance``; creating needs
``create_assistance_request``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from ninja import Field, Router
from ninja.errors import HttpError

from lantern.api.common import paginate, require
from lantern.api.schemas import ErrorOut, Strict
from lantern.assistance import actions, queries
from lantern.assistance.choices import AssistanceRequestSourceChoices
from lantern.assistance.exceptions import AssistanceError
from lantern.assistance.models import AssistanceRequest
from lantern.contacts import queries as contact_queries
from lantern.contacts.models import Contact

router = Router(tags=["assistance"])


class DeliverableOut(Strict):
    kind: str
    delivered_on: date
    hours: Decimal
    note: str
    recorded_by: str | None


class AssistanceOut(Strict):
    id: UUID
    reference: str = Field(..., description="What the requester quotes, e.g. TA-1A2B3C4D")
    source: str
    contact: UUID | None
    requester_name: str
    organization: str
    email: str
    phone: str
    organization_type: str
    state: str
    topic: str
    description: str
    language: str
    deadline: date | None
    urgent: bool
    status: str
    owner: str | None
    received_at: datetime
    due_on: date
    overdue: bool
    delivered_at: datetime | None
    closed_at: datetime | None
    hours: Decimal
    deliverables: list[DeliverableOut]
    created_at: datetime
    updated_at: datetime


class AssistancePage(Strict):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[AssistanceOut]


class AssistanceIn(Strict):
    requester_name: str
    organization: str | None = None
    email: str | None = None
    phone: str | None = Field(None, description="Any common format; stored as E.164")
    organization_type: str = Field(..., description="service_provider, law_enforcement, "
                                   "educator, researcher_student, government_policy, "
                                   "faith_community, other")  # fmt: skip
    state: str | None = Field(None, description="U.S. state or territory code")
    topic: str = Field(..., description="A topic key, e.g. labor_trafficking")
    description: str
    deadline: date | None = None
    urgent: bool = False
    language: str | None = Field(None, description="BCP 47 tag; defaults to en")
    contact: UUID | None = Field(None, description="The logged contact it came from")


class AssistancePatch(Strict):
    status: str | None = Field(None, description="assigned, in_progress, delivered, closed")
    owner: str | None = Field(None, description='A username, or "" for nobody')
    topic: str | None = None
    organization_type: str | None = None
    state: str | None = None
    deadline: date | None = None
    urgent: bool | None = None


class DeliverableIn(Strict):
    # optional in the schema so that a request one may not see answers 404 before any 422
    kind: str | None = Field(None, description="call, training, materials, other (required)")
    delivered_on: date | None = Field(None, description="Defaults to today")
    hours: Decimal = Decimal("0")
    note: str | None = None


def _out(view: queries.RequestView) -> dict:
    r = view.request
    return {
        "id": r.id, "reference": r.reference, "source": r.source, "contact": r.contact_id,
        "requester_name": view.requester_name, "organization": view.organization,
        "email": view.email, "phone": view.phone, "organization_type": r.organization_type,
        "state": r.state, "topic": r.topic.key, "description": view.description,
        "language": r.language, "deadline": r.deadline, "urgent": r.urgent, "status": r.status,
        "owner": r.owner.get_username() if r.owner else None, "received_at": r.received_at,
        "due_on": r.due_on, "overdue": r.overdue, "delivered_at": r.delivered_at,
        "closed_at": r.closed_at, "hours": sum((d.hours for d in view.deliverables), Decimal(0)),
        "deliverables": [
            {"kind": d.kind, "delivered_on": d.delivered_on, "hours": d.hours,
             "note": d.note_text, "recorded_by": d.recorded_by.get_username()
             if d.recorded_by else None}
            for d in view.deliverables
        ],
        "created_at": r.created_at, "updated_at": r.updated_at,
    }  # fmt: skip


def _access(user, request_id) -> AssistanceRequest:
    try:
        return queries.access_request_for_user(user, request_id)
    except (AssistanceRequest.DoesNotExist, ValidationError, ValueError):
        raise HttpError(404, "not found") from None


def _one(user, request_id) -> dict:
    return _out(queries.present_request(user, _access(user, request_id)))


@router.get(
    "/assistance", response={200: AssistancePage, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
)
def list_assistance(
    request, status: str = "", owner: str = "", topic: str = "", overdue: bool = False,
    reference: str = "", page: int = 1, page_size: int = 50,
):  # fmt: skip
    """Requests you may work on, soonest due first. ``status`` is one status or ``open``;
    ``owner`` a user id, ``me`` or ``none``."""
    user = request.auth
    require(user, queries.ACTION)
    qs = queries.requests_for(user, status=status, owner=owner, topic=topic, overdue=overdue,
                              reference=reference)  # fmt: skip
    meta, rows = paginate(qs, page, page_size)
    return {**meta, "results": [_out(queries.present_request(user, r)) for r in rows]}


@router.get("/assistance/{request_id}", response={200: AssistanceOut, 401: ErrorOut, 404: ErrorOut})
def get_assistance(request, request_id: str):
    return _one(request.auth, request_id)


@router.post(
    "/assistance", response={201: AssistanceOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
)
def create_assistance(request, payload: AssistanceIn):
    """File a request (for a logged contact when ``contact`` is given)."""
    user = request.auth
    require(user, "create_assistance_request")
    data = payload.model_dump(exclude_unset=True)
    contact = None
    if data.get("contact"):
        try:
            contact = contact_queries.access_contact_for_user(user, data["contact"])
        except (Contact.DoesNotExist, ValidationError):  # missing and not allowed: the same
            raise AssistanceError({"contact": "no such contact"}) from None
    source = (
        AssistanceRequestSourceChoices.CONTACT if contact else AssistanceRequestSourceChoices.API
    )
    item = actions.do_create_assistance_request(data, actor=user, source=source, contact=contact)
    if not queries.may_manage(user) or not _visible(user, item):
        return 201, _out(queries.RequestView(item, "", "", "", "", "", []))
    return 201, _one(user, item.pk)


def _visible(user, item) -> bool:
    return queries.requests_for(user).filter(pk=item.pk).exists()


@router.patch(
    "/assistance/{request_id}",
    response={200: AssistanceOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def update_assistance(request, request_id: str, payload: AssistancePatch):
    """Change what is given: the owner (assigning), the facts, then the status."""
    user = request.auth
    item = _access(user, request_id)
    data = payload.model_dump(exclude_unset=True)
    if "owner" in data:
        owner = None
        if data["owner"]:
            owner = next((u for u in queries.owners() if u.get_username() == data["owner"]), None)
            if owner is None:
                raise AssistanceError({"owner": "no such user who may work on T&TA requests"})
        actions.do_assign_assistance_request(item, owner, actor=user)
    facts = {k: v for k, v in data.items() if k not in ("owner", "status")}
    if facts:
        actions.do_update_assistance_request(item, facts, actor=user)
    if data.get("status"):
        actions.do_move_assistance_request(item, data["status"], actor=user)
    if not _visible(user, item):  # given away by its owner: they no longer see it
        raise HttpError(404, "not found")
    return _one(user, item.pk)


@router.post(
    "/assistance/{request_id}/deliverables",
    response={201: AssistanceOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def add_assistance_deliverable(request, request_id: str, payload: DeliverableIn):
    """Record a deliverable (a call, a training, materials sent, other work) and its hours."""
    item = _access(request.auth, request_id)
    actions.do_add_assistance_deliverable(item, payload.model_dump(), actor=request.auth)
    return 201, _one(request.auth, item.pk)
