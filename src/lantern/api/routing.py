"""``/api/v1/me/presence``, ``/api/v1/me/offers``, ``/api/v1/offers/{id}/accept|decline`` and
``/api/v1/contacts/{id}/call/{action}``: working calls from any client (issue 17).

Every change goes through routing's actions (``routing.actions``, ``routing.calls``,
``routing.call_control``), which check the permission rules and write the audit log; these
handlers only read the request and shape the answer. A refusal is JSON with the right 4xx: 404
for an offer or contact that is not yours to see, 409 for one that cannot be worked now (taken,
expired, a call that is not live), 422 for input that cannot work.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Router, Schema

from lantern.api.common import require
from lantern.api.schemas import ErrorOut
from lantern.contacts import queries as contact_queries
from lantern.core.errors import InvalidInput
from lantern.routing import actions, call_control, calls, queries
from lantern.routing.exceptions import (
    CallForbidden,
    CallInputError,
    CallUnavailable,
    OfferUnavailable,
    RoutingError,
)
from lantern.routing.models import Offer

router = Router(tags=["routing"])
REFUSALS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PresenceIn(Schema):
    status: Literal["available", "busy", "offline"]
    device: Literal["browser", "phone"] | None = None
    phone: str | None = None


class PresenceOut(Schema):
    status: str
    device: str
    phone: str | None  # masked: the last two digits
    since: datetime


class OfferOut(Schema):
    id: UUID
    contact: UUID
    channel: str
    urgency: str
    language: str
    queue: str
    state: str
    failure: str | None
    offered_at: datetime
    expires_at: datetime


class OfferAnswerOut(Schema):
    offer: UUID
    state: str
    contact: UUID | None = None


class CallIn(Schema):
    language: str | None = None  # interpreter
    to: str | None = None  # transfer to a number
    user: str | None = None  # transfer to a person
    queue: str | None = None  # transfer to a queue (its name)
    warm: bool = True


class CallOut(Schema):
    contact: UUID
    action: str
    leg: UUID | None = None


def _presence(user) -> dict:
    status = calls.device_of(user)
    return {
        "status": status["presence"],
        "device": status["device"],
        "phone": status["phone_masked"],
        "since": status["since"],
    }


@router.get("/me/presence", response={200: PresenceOut, **REFUSALS})
def get_presence(request):
    """Your presence, and how you take calls."""
    require(request.auth, "take_contact")
    return _presence(request.auth)


@router.put("/me/presence", response={200: PresenceOut, **REFUSALS})
def put_presence(request, payload: PresenceIn):
    """Become available, busy or offline; say whether calls ring your browser or your phone
    (``phone``: your own number, kept encrypted, never shown to callers)."""
    require(request.auth, "take_contact")
    user = request.auth
    try:
        if payload.device is not None or payload.phone is not None:
            calls.do_set_device(user, device=payload.device, phone=payload.phone, actor=user)
        actions.do_set_presence(user, payload.status, actor=user)
    except CallInputError as exc:
        raise InvalidInput(exc.errors) from None
    except RoutingError as exc:
        raise PermissionDenied(str(exc)) from None
    return _presence(user)


def _offer_out(offer: Offer) -> dict:
    task = offer.task
    return {
        "id": offer.pk,
        "contact": task.contact_id,
        "channel": task.channel,
        "urgency": task.urgency,
        "language": task.language,
        "queue": task.queue.name,
        "state": offer.state,
        "failure": offer.get_failure_display() if offer.failure else None,
        "offered_at": offer.offered_at,
        "expires_at": offer.expires_at,
    }


@router.get("/me/offers", response={200: list[OfferOut], **REFUSALS})
def my_offers(request):
    """The contact offered to you now, and offers of the last hour whose call could not be
    connected (``failure`` says why; the contact went to the next advocate)."""
    require(request.auth, "take_contact")
    since = timezone.now() - timedelta(hours=1)
    return [_offer_out(o) for o in queries.offers_for(request.auth, since=since)]


def _mine(request, offer_id) -> Offer:
    offer = Offer.objects.select_related("task").filter(pk=offer_id, advocate=request.auth).first()
    if offer is None:  # someone else's offer looks missing
        raise _NotFound
    return offer


class _NotFound(Exception):
    pass


@router.post("/offers/{offer_id}/accept", response={200: OfferAnswerOut, **REFUSALS})
def accept_offer(request, offer_id: UUID):
    """Take the offered contact. A phone call rings your browser or phone; answer it to be
    connected (``GET /me/offers`` says if it could not be)."""
    require(request.auth, "take_contact")
    try:
        offer = _mine(request, offer_id)
        task = actions.do_accept_offer(offer, actor=request.auth)
    except _NotFound:
        return 404, {"detail": "not found"}
    except OfferUnavailable as exc:
        return 409, {"detail": str(exc)}
    return {"offer": offer.pk, "state": "accepted", "contact": task.contact_id}


@router.post("/offers/{offer_id}/decline", response={200: OfferAnswerOut, **REFUSALS})
def decline_offer(request, offer_id: UUID):
    """Pass on the offered contact: it goes to the next advocate."""
    require(request.auth, "take_contact")
    try:
        offer = _mine(request, offer_id)
        actions.do_decline_offer(offer, actor=request.auth)
    except _NotFound:
        return 404, {"detail": "not found"}
    except OfferUnavailable as exc:
        return 409, {"detail": str(exc)}
    return {"offer": offer.pk, "state": "declined"}


CallAction = Literal[
    "interpreter", "transfer", "hold", "unhold", "hangup", "leave", "listen", "coach", "callback"
]


@router.post("/contacts/{contact_id}/call/{action}", response={200: CallOut, **REFUSALS})
def call_action(request, contact_id: UUID, action: CallAction, payload: CallIn | None = None):
    """Work a live call: ``interpreter`` (``{"language": "vi"}``, else the contact's language),
    ``transfer`` (``{"to": "+1…"}``, ``{"user": "name"}`` or ``{"queue": "crisis"}``,
    ``"warm": true|false``; to a queue, the caller is held until its next advocate answers),
    ``hold``, ``unhold``, ``hangup`` (ends the call), ``leave`` (you leave after a warm transfer);
    supervisors ``listen`` or ``coach``; ``callback`` calls an ended call's caller back from the
    hotline's number (only when they said it is safe: your line rings first)."""
    user = request.auth
    payload = payload or CallIn()
    contact = contact_queries.contacts_for_user(user).get(pk=contact_id)
    to_user = to_queue = None
    if action == "transfer" and payload.user:
        to_user = queries.staff_by_username(payload.user)
        if to_user is None:
            raise InvalidInput({"user": "no such person takes calls here"})
    if action == "transfer" and payload.queue:
        to_queue = queries.queue_by_name(payload.queue)
        if to_queue is None:
            raise InvalidInput({"queue": "no open queue of that name"})
    try:
        leg = call_control.do_call_action(
            contact,
            action,
            actor=user,
            language=payload.language or "",
            to=payload.to or "",
            user=to_user,
            queue=to_queue,
            warm=payload.warm,
        )
    except CallInputError as exc:
        raise InvalidInput(exc.errors) from None
    except CallForbidden as exc:
        return 403, {"detail": str(exc)}
    except CallUnavailable as exc:
        return 409, {"detail": str(exc)}
    return {"contact": contact.pk, "action": action, "leg": leg.pk if leg else None}
