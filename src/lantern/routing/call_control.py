"""What advocates and supervisors do on a live call (interpreter, transfer to a person, a
number or a queue, hold, hang up, listen, coach) and call-backs to missed callers who said it is
safe. Each step is recorded (``call_records``) and audited, then handed to the provider through
``routing.telephony`` once the transaction commits."""

from __future__ import annotations

from django.db import transaction

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.contacts import actions as contacts
from lantern.contacts import queries as contact_queries
from lantern.contacts.models import Contact
from lantern.core.phone import normalize_phone
from lantern.routing import interpreters, live, telephony
from lantern.routing.call_records import (
    ROUTING,
    audit_call,
    call_for,
    caller_leg,
    dial_leg,
    line_of,
    live_call,
    record_event,
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
from lantern.routing.choices import (
    OfferStateChoices,
    TaskStateChoices,
)
from lantern.routing.exceptions import CallForbidden, CallInputError, CallUnavailable
from lantern.routing.kick import kick
from lantern.routing.models import Call, CallLeg, Offer, Queue, Task


def dial_menu_interpreter(call: Call) -> None:
    """The caller chose "other language" in the menu: the any-language interpreter line is
    dialled as the advocate joins."""
    line = interpreters.line_for("")
    if line is None:
        record_event(call, Kind.NOTE, detail="no interpreter line is set up for other languages")
        return
    dial_leg(call, Role.INTERPRETER, actor=None, number=line.phone, line=line.key)


def do_add_interpreter(contact: Contact, *, language: str = "", actor) -> CallLeg:
    """Dial the interpreter line for the contact's language (or ``language``) into the call;
    when none is set up for it, the ``"*"`` line."""
    with transaction.atomic():
        call = live_call(contact, actor)
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
        leg = dial_leg(
            call,
            Role.INTERPRETER,
            actor=actor,
            number=line.phone,
            language=language,
            line=line.key,
        )
        audit_call(actor, call, "interpreter", language=language, line=line.key)
    return leg


def interpreter_fallback(leg: CallLeg) -> None:
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
        record_event(call, Kind.NOTE, leg=leg, detail="no interpreter line answered")
        return
    dial_leg(
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
        call = live_call(contact, actor)
        if to_user is not None:
            if to_user == actor:
                raise CallUnavailable("You are already on this call.")
            if not rules.allows(to_user, "take_contact"):
                raise CallInputError({"user": "this person does not take calls"})
            line = line_of(to_user)
            leg = dial_leg(
                call,
                Role.ADVOCATE,
                actor=actor,
                user=to_user,
                **line,
                warm=warm,
            )
            target = to_user.get_username()
        else:
            try:
                number = normalize_phone(to_number)
            except ValueError as exc:
                raise CallInputError({"to": str(exc)}) from None
            leg = dial_leg(call, Role.TRANSFER, actor=actor, number=number, warm=warm)
            target = "an outside number"
        record_event(
            call,
            Kind.TRANSFER,
            leg=leg,
            actor=actor,
            detail=f"{'warm' if warm else 'cold'} transfer to {target}",
        )
        audit_call(actor, call, "transfer", warm=warm, to=target)
    return leg


def _transfer_to_queue(contact: Contact, queue: Queue, *, actor) -> None:
    """The caller stays in the conference, on hold; the advocate leaves; the contact's task
    waits in ``queue`` for the next advocate, who joins the same conference when they answer
    (its first answer still counts for the speed of answer)."""
    with transaction.atomic():
        call = live_call(contact, actor)
        task = Task.objects.select_for_update().filter(contact=contact).first()
        if task is None:
            raise CallUnavailable("This call was never routed: it has no queue to go back to.")
        if not queue.active:
            raise CallInputError({"queue": "this queue is closed for good"})
        caller = caller_leg(call)
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
        record_event(call, Kind.TRANSFER, actor=actor, detail=f"to the {queue.name} queue")
        audit_call(actor, call, "transfer", to=f"queue {queue.name}", queue=[before, queue.name])
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
        call = live_call(contact, actor)
        caller = caller_leg(call)
        audit_call(actor, call, "hold" if held else "unhold")
        telephony.after_commit("hold", caller.pk, held)


def do_hang_up_call(contact: Contact, *, actor, leave: bool = False) -> None:
    """End the call for everyone, or (``leave``) only the advocate's own line, after a warm
    transfer's introduction."""
    with transaction.atomic():
        call = live_call(contact, actor)
        if leave:
            mine = _my_leg(call, actor)
            if mine is None:
                raise CallUnavailable("You are not on this call.")
            audit_call(actor, call, "leave")
            telephony.after_commit("hang_up", mine.pk)
            return
        caller = caller_leg(call)
        audit_call(actor, call, "hangup")
        telephony.after_commit("hang_up", caller.pk)


def do_monitor_call(contact: Contact, *, coach: bool = False, actor) -> CallLeg:
    """A supervisor listens silently, or coaches the advocate (the caller does not hear)."""
    with transaction.atomic():
        call = live_call(contact, actor, "monitor_call")
        line = line_of(actor)
        leg = dial_leg(
            call,
            Role.SUPERVISOR,
            actor=actor,
            user=actor,
            **line,
            coaching=coach,
        )
        record_event(
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
    record_event(call, Kind.NOTE, key="callback-answer",
           detail="caller: safe to call back" if safe else "caller: do not call back")  # fmt: skip
    audit.record(
        ROUTING, Audit.UPDATE, contact, changes={"callback_safe": safe}, reason="phone menu"
    )


def callback_question_due(contact: Contact) -> bool:
    """Ask the waiting caller about a call-back once, and only when there is a number to call."""
    call = call_for(contact)
    if call.callback_safe is not None or not contact_queries.caller_phone(contact):
        return False
    return record_event(call, Kind.NOTE, key="callback-asked", detail="asked: may we call back?")


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
        line = line_of(actor)
        leg = dial_leg(call, Role.ADVOCATE, actor=actor, user=actor, **line)
        record_event(call, Kind.CALLBACK, leg=leg, actor=actor, detail=actor.get_username())
        audit_call(actor, call, "callback")
    return leg


def call_back_failed(leg: CallLeg, now) -> None:
    """The advocate's line or the caller did not answer the call-back: it stops (the advocate
    is told on the timeline, and may try again later)."""
    call = leg.call
    Call.objects.filter(pk=call.pk).update(calling_back=False, ended_at=now)
    who = "the caller" if leg.role == Role.CALLER else "your line"
    record_event(call, Kind.NOTE, leg=leg, detail=f"call-back: {who} did not answer")
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
