"""Phone calls: every answered call is a conference named for the contact.

An advocate accepting a phone offer is dialled first (their browser, or their own phone, which
asks them to press 1); only when they answer is the caller moved out of the queue into the
conference, so a phone that rings out leaves the caller waiting where they were and the offer
goes to the next advocate. Interpreters, transfers and supervisors join the same conference.

Every step is recorded here (a ``CallLeg`` per party, a ``CallEvent`` per step, the audit log for
what people do), then handed to the provider through ``routing.telephony``. What the provider
reports back (``do_note_leg`` and ``do_note_conference``) is idempotent: an event is stored once
per provider key, and a leg's state only moves forward, so repeated or late callbacks change
nothing. What people do on a live call, and call-backs, are ``call_control``; the records every
step writes are ``call_records``.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.contacts import actions as contacts
from lantern.contacts import queries as contact_queries
from lantern.contacts.models import Contact
from lantern.core.phone import normalize_phone
from lantern.privacy.fields import reveal
from lantern.routing import live, telephony
from lantern.routing.call_control import (
    call_back_failed,
    dial_menu_interpreter,
    interpreter_fallback,
)
from lantern.routing.call_records import (
    ROUTING,
    advance_leg,
    call_for,
    caller_leg,
    dial_leg,
    line_of,
    record_event,
)
from lantern.routing.choices import (
    AdvocateDeviceChoices,
    OfferFailureChoices,
    OfferStateChoices,
    TaskStateChoices,
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
from lantern.routing.exceptions import CallForbidden, CallInputError
from lantern.routing.kick import kick
from lantern.routing.models import AdvocateStatus, Call, CallLeg, Offer, Task

# Twilio's (and most providers') call statuses, and what each means for a leg
_LEG_STATUS = {
    "queued": None,
    "initiated": None,
    "ringing": LegState.RINGING,
    "in-progress": None,  # answered: the leg is in only when the conference says it joined
    "answered": None,
    "completed": LegState.LEFT,
    "busy": LegState.FAILED,
    "no-answer": LegState.FAILED,
    "failed": LegState.FAILED,
    "canceled": LegState.FAILED,
}


# --- how an advocate takes calls ---------------------------------------------------------------


def device_of(user) -> dict:
    """How ``user`` takes calls, their number masked (the last two digits)."""
    status = AdvocateStatus.objects.filter(user=user).first()
    if status is None:
        return {"presence": "offline", "device": "browser", "phone_masked": None,
                "since": timezone.now()}  # fmt: skip
    phone = reveal(status.phone) or ""
    return {
        "presence": status.presence,
        "device": status.device,
        "phone_masked": f"…{phone[-2:]}" if phone else None,
        "since": status.presence_since,
    }


def do_set_device(user, *, device: str | None, phone: str | None, actor) -> AdvocateStatus:
    """Calls ring the browser, or the advocate's own phone (kept encrypted). The number is
    audited as changed, never written to the log."""
    if actor != user and not rules.allows(actor, "manage_routing"):
        raise CallForbidden("You may only change how you take calls yourself.")
    errors = {}
    if device is not None and device not in AdvocateDeviceChoices.values:
        errors["device"] = "browser or phone"
    number = None
    if phone:
        try:
            number = normalize_phone(phone)
        except ValueError as exc:
            errors["phone"] = str(exc)
    if errors:
        raise CallInputError(errors)
    with transaction.atomic():
        status, _ = AdvocateStatus.objects.select_for_update().get_or_create(user=user)
        changes = {}
        if number is not None:
            status.phone = number
            changes["phone"] = "changed"
        if device is not None and device != status.device:
            changes["device"] = [status.device, device]
            status.device = device
        if status.device == AdvocateDeviceChoices.PHONE and not reveal(status.phone):
            raise CallInputError({"phone": "give your phone number to take calls on it"})
        if changes:
            status.save(update_fields=["device", "phone"])
            audit.record(actor, Audit.UPDATE, status, changes=changes)
    return status


# --- connecting an advocate -------------------------------------------------------------------


def connects_by_phone(task: Task) -> bool:
    """An accepted phone offer is connected through the provider (when one is configured)."""
    return task.channel == "phone" and telephony.ready()


def start_connecting(task: Task, offer: Offer, *, actor) -> CallLeg:
    """Inside the accept's transaction: dial the advocate's browser or phone. The caller waits
    in the queue until the advocate answers (``do_advocate_answered``)."""
    call = call_for(task.contact)
    line = line_of(actor)
    # answered when the advocate joins the caller; a call transferred to a queue was answered
    # when its first advocate joined
    first = call.legs.filter(role=Role.ADVOCATE, joined_at__isnull=False).order_by("joined_at")
    Task.objects.filter(pk=task.pk).update(
        answered_at=first.values_list("joined_at", flat=True).first()
    )
    return dial_leg(call, Role.ADVOCATE, actor=actor, user=actor, offer=offer, **line)


def do_advocate_answered(leg_id) -> CallLeg | None:
    """The advocate's line answered (they pressed 1, or their browser took the call): move the
    caller into the conference. None when the caller is gone (the advocate is told, and hung
    up)."""
    with transaction.atomic():
        leg = CallLeg.objects.select_for_update().select_related("call__contact").get(pk=leg_id)
        call = leg.call
        if call.calling_back:
            if (
                leg.role == Role.ADVOCATE
                and not call.legs.filter(
                    role=Role.CALLER, state__in=[LegState.DIALLING, LegState.RINGING]
                ).exists()
            ):
                dial_leg(call, Role.CALLER, actor=leg.user,
                      number=contact_queries.caller_phone(call.contact))  # fmt: skip
            return leg
        caller = caller_leg(call)
        if call.contact.ended_at is not None or (caller and caller.state == LegState.LEFT):
            _fail_connecting(leg, OfferFailureChoices.CALLER_LEFT, timezone.now())
            return None
        if leg.role == Role.ADVOCATE and leg.offer_id and not _caller_joining(call):
            record_event(call, Kind.NOTE, leg=leg, detail="caller moved into the conference")
            telephony.after_commit("join_caller", leg.pk)
    return leg


def _caller_joining(call: Call) -> bool:
    return call.events.filter(kind=Kind.NOTE, detail="caller moved into the conference").exists()


def do_fail_leg(leg_id, detail: str, *, failure: str = OfferFailureChoices.PROVIDER) -> None:
    """The provider could not do what was asked for this leg (``detail`` says why, without a
    number or a name)."""
    now = timezone.now()
    with transaction.atomic():
        leg = CallLeg.objects.select_for_update().select_related("call").get(pk=leg_id)
        if leg.state in (LegState.LEFT, LegState.FAILED):
            return
        leg.failure = detail[:200]
        leg.save(update_fields=["failure"])
        advance_leg(leg, LegState.FAILED, now)
        record_event(leg.call, Kind.FAILED, leg=leg, detail=f"{leg.role}: {detail}")
        _after_failure(leg, failure, now)


def _fail_connecting(leg: CallLeg, failure: str, now) -> None:
    label = OfferFailureChoices(failure).label
    leg.failure = str(label)[:200]
    leg.save(update_fields=["failure"])
    advance_leg(leg, LegState.FAILED, now)
    record_event(leg.call, Kind.FAILED, leg=leg, detail=f"{leg.role}: {label}")
    _after_failure(leg, failure, now)


def _after_failure(leg: CallLeg, failure: str, now) -> None:
    if leg.call.calling_back and leg.role in (Role.CALLER, Role.ADVOCATE):
        call_back_failed(leg, now)
    elif leg.role == Role.ADVOCATE and leg.offer_id:
        _requeue(leg, failure, now)
    elif leg.role == Role.INTERPRETER:
        interpreter_fallback(leg)
    live.changed(*([leg.user_id] if leg.user_id else []))


def _requeue(leg: CallLeg, failure: str, now) -> None:
    """An accepted call that could not be connected goes back to its queue for the next
    advocate (or, when the caller left, is counted abandoned). Nothing is lost: the caller was
    still waiting in the queue."""
    offer = Offer.objects.filter(pk=leg.offer_id, state=OfferStateChoices.ACCEPTED).first()
    if offer is None:
        return
    Offer.objects.filter(pk=offer.pk).update(state=OfferStateChoices.FAILED, failure=failure)
    contact = leg.call.contact
    if failure == OfferFailureChoices.CALLER_LEFT:
        Task.objects.filter(pk=offer.task_id, state=TaskStateChoices.ASSIGNED).update(
            state=TaskStateChoices.ABANDONED, ended_at=now, answered_at=None
        )
    else:
        Task.objects.filter(pk=offer.task_id, state=TaskStateChoices.ASSIGNED).update(
            state=TaskStateChoices.WAITING, assigned_to=None, answered_at=None
        )
        if failure in (OfferFailureChoices.NO_ANSWER, OfferFailureChoices.REFUSED):
            AdvocateStatus.objects.filter(user_id=offer.advocate_id).update(
                missed_offers=F("missed_offers") + 1
            )
    contacts.do_release_contact(contact, reason=str(OfferFailureChoices(failure).label))
    audit.record(
        ROUTING,
        Audit.UPDATE,
        offer,
        changes={"state": ["accepted", "failed"], "failure": failure},
        reason=str(OfferFailureChoices(failure).label),
    )
    live.changed(offer.advocate_id)
    transaction.on_commit(kick)  # to the next advocate, now


# --- what the provider reports ----------------------------------------------------------------


def do_note_dialled(leg_id, provider_id: str) -> None:
    """The provider placed the leg's call: its id ties the callbacks to the leg."""
    CallLeg.objects.filter(pk=leg_id, provider_id="").update(provider_id=provider_id[:64])


def do_note_failure(leg_id, detail: str) -> None:
    """A command for a leg failed (hold, hang up): on the timeline, for the advocate to see."""
    leg = CallLeg.objects.select_related("call").filter(pk=leg_id).first()
    if leg is not None:
        record_event(leg.call, Kind.NOTE, leg=leg, detail=detail)
        live.changed(*([leg.user_id] if leg.user_id else []))


def do_note_leg(leg_id, status: str, *, key: str, at: datetime | None = None) -> None:
    """A call status for one leg we dialled (``ringing``, ``completed``, ``no-answer``...)."""
    at = at or timezone.now()
    state = _LEG_STATUS.get(status)
    with transaction.atomic():
        leg = (
            CallLeg.objects.select_for_update()
            .select_related("call__contact")
            .filter(pk=leg_id)
            .first()
        )
        if leg is None or state is None:
            return
        if not record_event(
            leg.call, _kind_of(state), leg=leg, detail=f"{leg.role}: {status}", key=key, at=at
        ):
            return  # a repeated callback
        was = leg.state
        if state == LegState.LEFT and was in (LegState.DIALLING, LegState.RINGING):
            state = LegState.FAILED  # answered and hung up before joining: not taken
        if not advance_leg(leg, state, at):
            return
        if state == LegState.FAILED:
            failure = (
                OfferFailureChoices.NO_ANSWER
                if status in ("no-answer", "canceled")
                else OfferFailureChoices.REFUSED
                if status in ("busy", "completed")
                else OfferFailureChoices.PROVIDER
            )
            leg.failure = str(OfferFailureChoices(failure).label)
            leg.save(update_fields=["failure"])
            _after_failure(leg, failure, at)
        live.changed(*([leg.user_id] if leg.user_id else []))


def _kind_of(state: str) -> str:
    return {
        LegState.RINGING: Kind.RINGING,
        LegState.LEFT: Kind.LEFT,
        LegState.FAILED: Kind.FAILED,
    }[state]


def do_note_conference(
    contact_id,
    event: str,
    *,
    call_sid: str = "",
    conference_sid: str = "",
    key: str,
    at: datetime | None = None,
) -> None:
    """A conference status callback: started, ended, a participant joined, left, was held."""
    at = at or timezone.now()
    with transaction.atomic():
        call = (
            Call.objects.select_for_update()
            .select_related("contact")
            .filter(contact_id=contact_id)
            .first()
        )
        if call is None:
            return
        if conference_sid and not call.conference_sid:
            call.conference_sid = conference_sid
            call.save(update_fields=["conference_sid"])
        leg = call.legs.filter(provider_id=call_sid).first() if call_sid else None
        kind = {
            "conference-start": Kind.STARTED,
            "conference-end": Kind.ENDED,
            "participant-join": Kind.JOINED,
            "participant-leave": Kind.LEFT,
            "participant-hold": Kind.HELD,
            "participant-unhold": Kind.UNHELD,
        }.get(event)
        if kind is None:
            return
        detail = leg.role if leg else ""
        if leg and leg.user_id:
            detail = f"{leg.role}: {leg.user.get_username()}"
        elif leg and leg.line:
            detail = f"{leg.role}: {leg.line}"
        if not record_event(call, kind, leg=leg, detail=detail, key=key, at=at):
            return  # a repeated callback
        if kind == Kind.STARTED and call.started_at is None:
            call.started_at = at
            call.save(update_fields=["started_at"])
        elif kind == Kind.ENDED:
            _ended(call, at)
        elif leg is not None and kind in (Kind.HELD, Kind.UNHELD):
            CallLeg.objects.filter(pk=leg.pk).update(held=kind == Kind.HELD)
        elif leg is not None and kind == Kind.JOINED:
            if advance_leg(leg, LegState.JOINED, at):
                _joined(call, leg, at)
        elif leg is not None and kind == Kind.LEFT:
            advance_leg(leg, LegState.LEFT, at)
            _left(call, leg)
        live.changed(*([leg.user_id] if leg and leg.user_id else []))


def _joined(call: Call, leg: CallLeg, at) -> None:
    if leg.role == Role.CALLER and call.calling_back:
        Call.objects.filter(pk=call.pk).update(calling_back=False)
        record_event(call, Kind.CALLBACK, leg=leg, detail="the caller answered the call-back")
    elif leg.role == Role.ADVOCATE and leg.offer_id:
        # the speed of answer ends when the advocate is in the call with the caller
        Task.objects.filter(contact=call.contact, answered_at__isnull=True).update(answered_at=at)
        caller = caller_leg(call)
        if caller is not None and caller.held:  # a call transferred to a queue: off hold now
            telephony.after_commit("hold", caller.pk, False)
        if call.contact.interpreter_used and not call.legs.filter(role=Role.INTERPRETER).exists():
            dial_menu_interpreter(call)
    elif leg.role == Role.INTERPRETER:
        contacts.do_note_call_progress(
            call.contact, interpreter=True, reason=f"interpreter joined ({leg.language})"
        )
    elif (
        leg.role == Role.TRANSFER
        or (leg.role == Role.ADVOCATE and not leg.offer_id and not call.calling_back)
    ) and not leg.warm:  # a cold transfer: the advocate who transferred leaves now
        hang_up_others(call, keep=leg)


def _left(call: Call, leg: CallLeg) -> None:
    if leg.role == Role.CALLER:
        # the caller's leaving ends the conference: everyone else is hung up
        for other in call.legs.exclude(pk=leg.pk).exclude(state__in=["left", "failed"]):
            telephony.after_commit("hang_up", other.pk)


def hang_up_others(call: Call, *, keep: CallLeg) -> None:
    for other in call.legs.filter(role=Role.ADVOCATE, state=LegState.JOINED).exclude(pk=keep.pk):
        record_event(call, Kind.TRANSFER, leg=other, detail="transferred, left the call")
        telephony.after_commit("hang_up", other.pk)


def _ended(call: Call, at) -> None:
    if call.ended_at is None:
        call.ended_at = at
        call.calling_back = False
        call.save(update_fields=["ended_at", "calling_back"])
    for leg in call.legs.exclude(state__in=["left", "failed"]):
        advance_leg(leg, LegState.LEFT if leg.state == LegState.JOINED else LegState.FAILED, at)
    contacts.do_note_call_progress(call.contact, ended_at=at, reason="conference ended")


def do_caller_left(contact: Contact, *, at: datetime | None = None) -> None:
    """The caller's own call ended (hung up in the queue, in the menu or while connecting).
    An advocate still being connected is told and hung up; the task counts as abandoned."""
    at = at or timezone.now()
    call = Call.objects.filter(contact=contact).first()
    if call is None:
        return
    with transaction.atomic():
        caller = call.legs.filter(role=Role.CALLER).first()  # the first: the call that came in
        if caller is not None:
            advance_leg(caller, LegState.LEFT, at)
        Call.objects.filter(pk=call.pk, ended_at__isnull=True, calling_back=False).update(
            ended_at=at
        )
        for leg in call.legs.filter(role=Role.ADVOCATE, state__in=["dialling", "ringing"]):
            _fail_connecting(leg, OfferFailureChoices.CALLER_LEFT, at)
            telephony.after_commit("hang_up", leg.pk)
