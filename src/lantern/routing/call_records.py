"""Phone calls' records: a contact's call (its conference), one leg per party, one event per
step, and the checks every command on a live call makes. ``calls`` (connecting and what the
provider reports) and ``call_control`` (what advocates and supervisors do) build on these."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.contacts.models import Contact
from lantern.privacy.fields import reveal
from lantern.routing import telephony
from lantern.routing.choices import (
    CALL_LEG_RANK,
    AdvocateDeviceChoices,
    TaskUrgencyChoices,
)
from lantern.routing.choices import (
    CallEventKindChoices as Kind,
)
from lantern.routing.choices import (
    CallLegStateChoices as LegState,
)
from lantern.routing.choices import (
    CallRoleChoices as Role,
)
from lantern.routing.exceptions import CallForbidden, CallUnavailable
from lantern.routing.models import AdvocateStatus, Call, CallEvent, CallLeg, Task

ROUTING = "routing"


def call_for(contact: Contact, *, hotline_number: str = "") -> Call:
    """The contact's call record (made once), with the caller's own leg."""
    call = Call.objects.filter(contact=contact).first()
    if call is not None:
        return call
    try:
        with transaction.atomic():
            call = Call.objects.create(contact=contact, hotline_number=hotline_number[:32])
            CallLeg.objects.create(
                call=call, role=Role.CALLER, provider_id=contact.provider_id or ""
            )
    except IntegrityError:
        call = Call.objects.get(contact=contact)
    return call


def record_event(call, kind, *, leg=None, actor=None, detail="", key="", at=None) -> bool:
    """Record one step of the call; False when its provider key was recorded already."""
    try:
        with transaction.atomic():
            CallEvent.objects.create(
                call=call,
                leg=leg,
                kind=kind,
                actor=actor,
                detail=detail[:200],
                key=key[:120],
                at=at or timezone.now(),
            )
    except IntegrityError:
        return False
    return True


def caller_leg(call: Call) -> CallLeg | None:
    """The caller's line: the latest (a call-back dials the caller again, on a new line)."""
    return call.legs.filter(role=Role.CALLER).order_by("-created_at").first()


def advance_leg(leg: CallLeg, state: str, at: datetime) -> bool:
    """Move a leg forward (never back): a late 'ringing' after 'joined' changes nothing."""
    if CALL_LEG_RANK[state] <= CALL_LEG_RANK[leg.state]:
        return False
    leg.state = state
    if state == LegState.JOINED and leg.joined_at is None:
        leg.joined_at = at
    if state in (LegState.LEFT, LegState.FAILED) and leg.left_at is None:
        leg.left_at = at
    leg.save(update_fields=["state", "joined_at", "left_at"])
    return True


def dial_leg(call: Call, role: str, *, actor, user=None, number="", **fields) -> CallLeg:
    leg = CallLeg.objects.create(call=call, role=role, user=user, number=number, **fields)
    who = user.get_username() if user else (fields.get("line") or role)
    record_event(call, Kind.DIALLED, leg=leg, actor=actor, detail=f"{role}: {who}")
    telephony.after_commit("dial", leg.pk)
    return leg


def live_call(contact: Contact, actor, action: str = "control_call") -> Call:
    if not rules.allows_object(actor, action, contact):
        raise CallForbidden("The permission rules do not let you control this call.")
    call = Call.objects.filter(contact=contact).first()
    called_back = (
        contact.ended_at is not None
        and call is not None
        and call.legs.filter(role=Role.CALLER, created_at__gt=contact.ended_at).exists()
    )  # the call that came in has ended, and the caller was called back since
    if call is None or call.ended_at is not None or (contact.ended_at and not called_back):
        raise CallUnavailable("This call is not live.")
    if not telephony.ready():
        raise CallUnavailable("Calls are not connected through a phone service here.")
    return call


def audit_call(actor, call: Call, what: str, **changes) -> None:
    audit.record(actor, Audit.UPDATE, call.contact, changes={"call": what, **changes})


def records(contact: Contact) -> bool:
    """Recording is off unless the deployment asks for it, and never for a crisis call."""
    if not settings.RECORD_CALLS:
        return False
    task = Task.objects.filter(contact=contact).only("urgency").first()
    return not (contact.urgent or (task and task.urgency == TaskUrgencyChoices.CRISIS))


def line_of(user) -> dict:
    """How a person of the hotline is reached for a call: ``device`` (browser or phone) and, for
    a phone, its ``number`` (decrypted only here, to dial it)."""
    status = AdvocateStatus.objects.filter(user=user).first()
    device = status.device if status else AdvocateDeviceChoices.BROWSER
    number = reveal(status.phone) if status and device == AdvocateDeviceChoices.PHONE else ""
    return {"device": device, "number": number or ""}
