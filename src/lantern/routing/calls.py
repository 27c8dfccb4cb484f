"""Phone calls: every answered call is a conference named for the contact.

An advocate accepting a phone offer is dialled first (their browser, or their own phone, which
asks them to press 1); only when they answer is the caller moved out of the queue into the
conference, so a phone that rings out leaves the caller waiting where they were and the offer
goes to the next advocate. Interpreters, transfers and supervisors join the same conference.

Every step is recorded here (a ``CallLeg`` per party, a ``CallEvent`` per step, the audit log for
what people do), then handed to the provider through ``routing.telephony``. What the provider
reports back (``do_note_leg`` and ``do_note_conference``) is idempotent: an event is stored once
per provider key, and a leg's state only moves forward, so repeated or late callbacks change
nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
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
from lantern.routing import interpreters, live, telephony
from lantern.routing.choices import (
    CALL_LEG_RANK,
    AdvocateDeviceChoices,
    OfferFailureChoices,
    OfferStateChoices,
    TaskStateChoices,
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
from lantern.routing.exceptions import RoutingError
from lantern.routing.kick import kick
from lantern.routing.models import AdvocateStatus, Call, CallEvent, CallLeg, Offer, Queue, Task

ROUTING = "routing"
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


class CallUnavailable(RoutingError):
    """The call cannot take this now (it is not live, no interpreter line is left...)."""


class CallForbidden(RoutingError):
    """The permission rules do not allow this person to do this on this call."""


class CallInputError(RoutingError):
    def __init__(self, errors: dict):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


DeviceError = CallInputError


# --- records ----------------------------------------------------------------------------------


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


def _event(call, kind, *, leg=None, actor=None, detail="", key="", at=None) -> bool:
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


def _caller(call: Call) -> CallLeg | None:
    """The caller's line: the latest (a call-back dials the caller again, on a new line)."""
    return call.legs.filter(role=Role.CALLER).order_by("-created_at").first()


def _advance(leg: CallLeg, state: str, at: datetime) -> bool:
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


def _dial(call: Call, role: str, *, actor, user=None, number="", **fields) -> CallLeg:
    leg = CallLeg.objects.create(call=call, role=role, user=user, number=number, **fields)
    who = user.get_username() if user else (fields.get("line") or role)
    _event(call, Kind.DIALLED, leg=leg, actor=actor, detail=f"{role}: {who}")
    telephony.after_commit("dial", leg.pk)
    return leg


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
    status = AdvocateStatus.objects.filter(user=actor).first()
    device = status.device if status else AdvocateDeviceChoices.BROWSER
    number = reveal(status.phone) if status and device == AdvocateDeviceChoices.PHONE else ""
    # answered when the advocate joins the caller; a call transferred to a queue was answered
    # when its first advocate joined
    first = call.legs.filter(role=Role.ADVOCATE, joined_at__isnull=False).order_by("joined_at")
    Task.objects.filter(pk=task.pk).update(
        answered_at=first.values_list("joined_at", flat=True).first()
    )
    return _dial(
        call, Role.ADVOCATE, actor=actor, user=actor, offer=offer, device=device, number=number
    )


def do_advocate_answered(leg_id) -> CallLeg | None:
    """The advocate's line answered (they pressed 1, or their browser took the call): move the
    caller into the conference. None when the caller is gone (the advocate is told, and hung
    up)."""
    with transaction.atomic():
        leg = CallLeg.objects.select_for_update().select_related("call__contact").get(pk=leg_id)
        call = leg.call
        if call.calling_back:
            if leg.role == Role.ADVOCATE and not call.legs.filter(
                role=Role.CALLER, state__in=[LegState.DIALLING, LegState.RINGING]
            ).exists():
                _dial(call, Role.CALLER, actor=leg.user,
                      number=contact_queries.caller_phone(call.contact))  # fmt: skip
            return leg
        caller = _caller(call)
        if call.contact.ended_at is not None or (caller and caller.state == LegState.LEFT):
            _fail_connecting(leg, OfferFailureChoices.CALLER_LEFT, timezone.now())
            return None
        if leg.role == Role.ADVOCATE and leg.offer_id and not _caller_joining(call):
            _event(call, Kind.NOTE, leg=leg, detail="caller moved into the conference")
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
        _advance(leg, LegState.FAILED, now)
        _event(leg.call, Kind.FAILED, leg=leg, detail=f"{leg.role}: {detail}")
        _after_failure(leg, failure, now)


def _fail_connecting(leg: CallLeg, failure: str, now) -> None:
    label = OfferFailureChoices(failure).label
    leg.failure = str(label)[:200]
    leg.save(update_fields=["failure"])
    _advance(leg, LegState.FAILED, now)
    _event(leg.call, Kind.FAILED, leg=leg, detail=f"{leg.role}: {label}")
    _after_failure(leg, failure, now)


def _after_failure(leg: CallLeg, failure: str, now) -> None:
    if leg.call.calling_back and leg.role in (Role.CALLER, Role.ADVOCATE):
        _call_back_failed(leg, now)
    elif leg.role == Role.ADVOCATE and leg.offer_id:
        _requeue(leg, failure, now)
    elif leg.role == Role.INTERPRETER:
        _interpreter_fallback(leg)
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
        _event(leg.call, Kind.NOTE, leg=leg, detail=detail)
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
        if not _event(
            leg.call, _kind_of(state), leg=leg, detail=f"{leg.role}: {status}", key=key, at=at
        ):
            return  # a repeated callback
        was = leg.state
        if state == LegState.LEFT and was in (LegState.DIALLING, LegState.RINGING):
            state = LegState.FAILED  # answered and hung up before joining: not taken
        if not _advance(leg, state, at):
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
        if not _event(call, kind, leg=leg, detail=detail, key=key, at=at):
            return  # a repeated callback
        if kind == Kind.STARTED and call.started_at is None:
            call.started_at = at
            call.save(update_fields=["started_at"])
        elif kind == Kind.ENDED:
            _ended(call, at)
        elif leg is not None and kind in (Kind.HELD, Kind.UNHELD):
            CallLeg.objects.filter(pk=leg.pk).update(held=kind == Kind.HELD)
        elif leg is not None and kind == Kind.JOINED:
            if _advance(leg, LegState.JOINED, at):
                _joined(call, leg, at)
        elif leg is not None and kind == Kind.LEFT:
            _advance(leg, LegState.LEFT, at)
            _left(call, leg)
        live.changed(*([leg.user_id] if leg and leg.user_id else []))


def _joined(call: Call, leg: CallLeg, at) -> None:
    if leg.role == Role.CALLER and call.calling_back:
        Call.objects.filter(pk=call.pk).update(calling_back=False)
        _event(call, Kind.CALLBACK, leg=leg, detail="the caller answered the call-back")
    elif leg.role == Role.ADVOCATE and leg.offer_id:
        # the speed of answer ends when the advocate is in the call with the caller
        Task.objects.filter(contact=call.contact, answered_at__isnull=True).update(answered_at=at)
        caller = _caller(call)
        if caller is not None and caller.held:  # a call transferred to a queue: off hold now
            telephony.after_commit("hold", caller.pk, False)
        if call.contact.interpreter_used and not call.legs.filter(role=Role.INTERPRETER).exists():
            _menu_interpreter(call)
    elif leg.role == Role.INTERPRETER:
        contacts.do_note_call_progress(
            call.contact, interpreter=True, reason=f"interpreter joined ({leg.language})"
        )
    elif (
        leg.role == Role.TRANSFER
        or (leg.role == Role.ADVOCATE and not leg.offer_id and not call.calling_back)
    ) and not leg.warm:  # a cold transfer: the advocate who transferred leaves now
        _hang_up_others(call, keep=leg)


def _menu_interpreter(call: Call) -> None:
    """The caller chose "other language" in the menu: the any-language interpreter line is
    dialled as the advocate joins."""
    line = interpreters.line_for("")
    if line is None:
        _event(call, Kind.NOTE, detail="no interpreter line is set up for other languages")
        return
    _dial(call, Role.INTERPRETER, actor=None, number=line.phone, line=line.key)


def _left(call: Call, leg: CallLeg) -> None:
    if leg.role == Role.CALLER:
        # the caller's leaving ends the conference: everyone else is hung up
        for other in call.legs.exclude(pk=leg.pk).exclude(state__in=["left", "failed"]):
            telephony.after_commit("hang_up", other.pk)


def _hang_up_others(call: Call, *, keep: CallLeg) -> None:
    for other in call.legs.filter(role=Role.ADVOCATE, state=LegState.JOINED).exclude(pk=keep.pk):
        _event(call, Kind.TRANSFER, leg=other, detail="transferred, left the call")
        telephony.after_commit("hang_up", other.pk)


def _ended(call: Call, at) -> None:
    if call.ended_at is None:
        call.ended_at = at
        call.calling_back = False
        call.save(update_fields=["ended_at", "calling_back"])
    for leg in call.legs.exclude(state__in=["left", "failed"]):
        _advance(leg, LegState.LEFT if leg.state == LegState.JOINED else LegState.FAILED, at)
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
            _advance(caller, LegState.LEFT, at)
        Call.objects.filter(pk=call.pk, ended_at__isnull=True, calling_back=False).update(
            ended_at=at
        )
        for leg in call.legs.filter(role=Role.ADVOCATE, state__in=["dialling", "ringing"]):
            _fail_connecting(leg, OfferFailureChoices.CALLER_LEFT, at)
            telephony.after_commit("hang_up", leg.pk)


# --- what advocates and supervisors do on a live call -----------------------------------------


def _live_call(contact: Contact, actor, action: str = "control_call") -> Call:
    if not rules.allows_object(actor, action, contact):
        raise CallForbidden("The permission rules do not let you control this call.")
    call = Call.objects.filter(contact=contact).first()
    called_back = contact.ended_at is not None and call is not None and call.legs.filter(
        role=Role.CALLER, created_at__gt=contact.ended_at
    ).exists()  # the call that came in has ended, and the caller was called back since
    if call is None or call.ended_at is not None or (contact.ended_at and not called_back):
        raise CallUnavailable("This call is not live.")
    if not telephony.ready():
        raise CallUnavailable("Calls are not connected through a phone service here.")
    return call


def _audit(actor, call: Call, what: str, **changes) -> None:
    audit.record(actor, Audit.UPDATE, call.contact, changes={"call": what, **changes})


def do_add_interpreter(contact: Contact, *, language: str = "", actor) -> CallLeg:
    """Dial the interpreter line for the contact's language (or ``language``) into the call;
    when none is set up for it, the ``"*"`` line."""
    with transaction.atomic():
        call = _live_call(contact, actor)
        language = (language or contact.language or "").strip()
        tried = tuple(
            call.legs.filter(role=Role.INTERPRETER, state=LegState.FAILED).values_list(
                "line", flat=True
            )
        )
        line = interpreters.line_for(language, tried=tried)
        if line is None:
            raise CallUnavailable(
                f"No interpreter line is set up for {language or 'this language'}"
                + (" that has not already failed." if tried else ".")
            )
        leg = _dial(
            call,
            Role.INTERPRETER,
            actor=actor,
            number=line.phone,
            language=language,
            line=line.key,
        )
        _audit(actor, call, "interpreter", language=language, line=line.key)
    return leg


def _interpreter_fallback(leg: CallLeg) -> None:
    """An interpreter line did not answer: the advocate is told (the timeline, the call
    screen), and the ``"*"`` line is dialled when there is one not yet tried."""
    call = leg.call
    tried = tuple(
        call.legs.filter(role=Role.INTERPRETER, state=LegState.FAILED).values_list(
            "line", flat=True
        )
    )
    line = interpreters.line_for(leg.language, tried=tried)
    if line is None or call.ended_at is not None:
        _event(call, Kind.NOTE, leg=leg, detail="no interpreter line answered")
        return
    _dial(
        call, Role.INTERPRETER, actor=None, number=line.phone, language=leg.language, line=line.key
    )


def do_transfer_call(
    contact: Contact,
    *,
    to_number: str = "",
    to_user=None,
    to_queue: Queue | None = None,
    warm: bool = True,
    actor,
) -> CallLeg | None:
    """Bring a third party in: an outside number (a local hotline, 988, law enforcement) or
    another advocate or supervisor. Warm: the advocate introduces them, then hangs up. Cold:
    the advocate leaves as soon as the third party joins. Or hand the call to a queue: the
    caller is held (music) and the next advocate of that queue is offered it."""
    if sum(map(bool, (to_number, to_user, to_queue))) != 1:
        raise CallInputError(
            {"to": "give one of a phone number (to), a person (user) or a queue (queue)"}
        )
    if to_queue is not None:
        return _transfer_to_queue(contact, to_queue, actor=actor)
    with transaction.atomic():
        call = _live_call(contact, actor)
        if to_user is not None:
            if to_user == actor:
                raise CallUnavailable("You are already on this call.")
            if not rules.allows(to_user, "take_contact"):
                raise CallInputError({"user": "this person does not take calls"})
            status = AdvocateStatus.objects.filter(user=to_user).first()
            device = status.device if status else AdvocateDeviceChoices.BROWSER
            number = reveal(status.phone) if status and device == "phone" else ""
            leg = _dial(
                call,
                Role.ADVOCATE,
                actor=actor,
                user=to_user,
                device=device,
                number=number,
                warm=warm,
            )
            target = to_user.get_username()
        else:
            try:
                number = normalize_phone(to_number)
            except ValueError as exc:
                raise CallInputError({"to": str(exc)}) from None
            leg = _dial(call, Role.TRANSFER, actor=actor, number=number, warm=warm)
            target = "an outside number"
        _event(
            call,
            Kind.TRANSFER,
            leg=leg,
            actor=actor,
            detail=f"{'warm' if warm else 'cold'} transfer to {target}",
        )
        _audit(actor, call, "transfer", warm=warm, to=target)
    return leg


def _transfer_to_queue(contact: Contact, queue: Queue, *, actor) -> None:
    """The caller stays in the conference, on hold; the advocate leaves; the contact's task
    waits in ``queue`` for the next advocate, who joins the same conference when they answer
    (its first answer still counts for the speed of answer)."""
    with transaction.atomic():
        call = _live_call(contact, actor)
        task = Task.objects.select_for_update().filter(contact=contact).first()
        if task is None:
            raise CallUnavailable("This call was never routed: it has no queue to go back to.")
        if not queue.active:
            raise CallInputError({"queue": "this queue is closed for good"})
        caller = _caller(call)
        if caller is None or caller.state != LegState.JOINED:
            raise CallUnavailable("The caller is not in the call.")
        Offer.objects.filter(task=task, state=OfferStateChoices.ACCEPTED).update(
            state=OfferStateChoices.WITHDRAWN
        )
        before = task.queue.name
        Task.objects.filter(pk=task.pk).update(
            queue=queue, state=TaskStateChoices.WAITING, assigned_to=None
        )
        contacts.do_release_contact(contact, reason=f"transferred to the {queue.name} queue")
        _event(call, Kind.TRANSFER, actor=actor, detail=f"to the {queue.name} queue")
        _audit(actor, call, "transfer", to=f"queue {queue.name}", queue=[before, queue.name])
        telephony.after_commit("hold", caller.pk, True)
        for mine in call.legs.filter(role=Role.ADVOCATE, state=LegState.JOINED):
            telephony.after_commit("hang_up", mine.pk)
        live.changed(actor.pk)
        transaction.on_commit(kick)


def _my_leg(call: Call, actor) -> CallLeg | None:
    return call.legs.filter(role=Role.ADVOCATE, user=actor, state=LegState.JOINED).first()


def do_hold_call(contact: Contact, *, held: bool, actor) -> None:
    """Put the caller on hold (they hear music) or take them off it."""
    with transaction.atomic():
        call = _live_call(contact, actor)
        caller = _caller(call)
        _audit(actor, call, "hold" if held else "unhold")
        telephony.after_commit("hold", caller.pk, held)


def do_hang_up_call(contact: Contact, *, actor, leave: bool = False) -> None:
    """End the call for everyone, or (``leave``) only the advocate's own line, after a warm
    transfer's introduction."""
    with transaction.atomic():
        call = _live_call(contact, actor)
        if leave:
            mine = _my_leg(call, actor)
            if mine is None:
                raise CallUnavailable("You are not on this call.")
            _audit(actor, call, "leave")
            telephony.after_commit("hang_up", mine.pk)
            return
        caller = _caller(call)
        _audit(actor, call, "hangup")
        telephony.after_commit("hang_up", caller.pk)


def do_monitor_call(contact: Contact, *, coach: bool = False, actor) -> CallLeg:
    """A supervisor listens silently, or coaches the advocate (the caller does not hear)."""
    with transaction.atomic():
        call = _live_call(contact, actor, "monitor_call")
        status = AdvocateStatus.objects.filter(user=actor).first()
        device = status.device if status else AdvocateDeviceChoices.BROWSER
        number = reveal(status.phone) if status and device == "phone" else ""
        leg = _dial(
            call,
            Role.SUPERVISOR,
            actor=actor,
            user=actor,
            device=device,
            number=number,
            coaching=coach,
        )
        _event(
            call,
            Kind.COACH if coach else Kind.MONITOR,
            leg=leg,
            actor=actor,
            detail=actor.get_username(),
        )
        audit.record(
            actor,
            Audit.READ_PII,
            contact,
            changes={"call": "coach" if coach else "listen"},
            reason="supervisor on a live call",
        )
    return leg


# --- call-backs ---------------------------------------------------------------------------------


def do_note_callback_answer(contact: Contact, *, safe: bool) -> None:
    """The caller answered the queue's question "may we call you back at this number?"."""
    call = call_for(contact)
    Call.objects.filter(pk=call.pk).update(callback_safe=safe)
    _event(call, Kind.NOTE, key="callback-answer",
           detail="caller: safe to call back" if safe else "caller: do not call back")  # fmt: skip
    audit.record(
        ROUTING, Audit.UPDATE, contact, changes={"callback_safe": safe}, reason="phone menu"
    )


def callback_question_due(contact: Contact) -> bool:
    """Ask the waiting caller about a call-back once, and only when there is a number to call."""
    call = call_for(contact)
    if call.callback_safe is not None or not contact_queries.caller_phone(contact):
        return False
    return _event(call, Kind.NOTE, key="callback-asked", detail="asked: may we call back?")


def may_call_back(actor, contact: Contact) -> bool:
    """Who may call a caller back: one who controls the contact's calls (its handler, a
    supervisor), or, for a missed call nobody has taken, any advocate who may take it."""
    return rules.allows_object(actor, "control_call", contact) or (
        contact.handled_by_id is None and rules.allows_object(actor, "take_contact", contact)
    )


def do_call_back(contact: Contact, *, actor) -> CallLeg:
    """Call back a missed caller who said it is safe, from the hotline's number: the advocate's
    browser or phone rings first; when they answer, the caller is dialled into the call's
    conference (``do_advocate_answered``). The contact becomes the advocate's."""
    with transaction.atomic():
        if not may_call_back(actor, contact):
            raise CallForbidden("The permission rules do not let you call this person back.")
        call = Call.objects.select_for_update().filter(contact=contact).first()
        if call is None or not call.callback_safe:
            raise CallUnavailable(
                "The caller did not say it is safe to call them back: do not call this number."
            )
        if not telephony.ready():
            raise CallUnavailable("Calls are not connected through a phone service here.")
        if not contact_queries.caller_phone(contact):
            raise CallUnavailable("The caller's number was withheld.")
        if call.calling_back or (call.ended_at is None and call.legs.filter(
                state=LegState.JOINED).exists()):  # fmt: skip
            raise CallUnavailable("This call is live, or being called back already.")
        if contact.handled_by_id not in (None, actor.pk):
            raise CallUnavailable("Someone else is handling this contact.")
        if contact.handled_by_id is None:
            contacts.do_take_contact(contact, actor=actor)
        call.calling_back = True
        call.ended_at = None
        call.save(update_fields=["calling_back", "ended_at"])
        status = AdvocateStatus.objects.filter(user=actor).first()
        device = status.device if status else AdvocateDeviceChoices.BROWSER
        number = reveal(status.phone) if status and device == "phone" else ""
        leg = _dial(call, Role.ADVOCATE, actor=actor, user=actor, device=device, number=number)
        _event(call, Kind.CALLBACK, leg=leg, actor=actor, detail=actor.get_username())
        _audit(actor, call, "callback")
    return leg


def _call_back_failed(leg: CallLeg, now) -> None:
    """The advocate's line or the caller did not answer the call-back: it stops (the advocate
    is told on the timeline, and may try again later)."""
    call = leg.call
    Call.objects.filter(pk=call.pk).update(calling_back=False, ended_at=now)
    who = "the caller" if leg.role == Role.CALLER else "your line"
    _event(call, Kind.NOTE, leg=leg, detail=f"call-back: {who} did not answer")
    for other in call.legs.exclude(pk=leg.pk).filter(
        state__in=[LegState.DIALLING, LegState.RINGING, LegState.JOINED]
    ):
        telephony.after_commit("hang_up", other.pk)


CALL_ACTIONS = (
    "interpreter", "transfer", "hold", "unhold", "hangup", "leave", "listen", "coach", "callback"
)  # fmt: skip


def do_call_action(
    contact: Contact,
    action: str,
    *,
    actor,
    language: str = "",
    to: str = "",
    user=None,
    queue: Queue | None = None,
    warm: bool = True,
) -> CallLeg | None:
    """One of ``CALL_ACTIONS`` on a live call, by name (the API's and the console's verbs)."""
    if action == "interpreter":
        return do_add_interpreter(contact, language=language, actor=actor)
    if action == "transfer":
        return do_transfer_call(
            contact, to_number=to, to_user=user, to_queue=queue, warm=warm, actor=actor
        )
    if action in ("hold", "unhold"):
        do_hold_call(contact, held=action == "hold", actor=actor)
        return None
    if action in ("hangup", "leave"):
        do_hang_up_call(contact, leave=action == "leave", actor=actor)
        return None
    if action in ("listen", "coach"):
        return do_monitor_call(contact, coach=action == "coach", actor=actor)
    if action == "callback":
        return do_call_back(contact, actor=actor)
    raise CallInputError({"action": f"one of {', '.join(CALL_ACTIONS)}"})


def records(contact: Contact) -> bool:
    """Recording is off unless the deployment asks for it, and never for a crisis call."""
    if not settings.RECORD_CALLS:
        return False
    task = Task.objects.filter(contact=contact).only("urgency").first()
    return not (contact.urgent or (task and task.urgency == TaskUrgencyChoices.CRISIS))
