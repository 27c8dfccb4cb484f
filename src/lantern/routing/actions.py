"""Routing's changes: triage a new contact into a queue, accept or decline an offer, take a
contact from the inbox, re-triage, presence and surge mode.

What the dispatcher does on its own (offers made, expired, escalations) is in ``routing.engine``;
these actions wake it with ``routing.kick`` after they commit. The audit log gets what people do
(accept, take, re-triage, presence, surge) and each new task with its triage.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.contacts import actions as contacts
from lantern.contacts.exceptions import ContactValidationError
from lantern.contacts.models import Contact
from lantern.core import rows
from lantern.privacy.fields import reveal
from lantern.routing import calls, eligibility, live, notices, placing, queries
from lantern.routing.choices import (
    OPEN_TASK_STATES,
    AdvocatePresenceChoices,
    OfferStateChoices,
    TaskStateChoices,
    TaskUrgencyChoices,
)
from lantern.routing.exceptions import OfferUnavailable, RoutingError
from lantern.routing.kick import kick
from lantern.routing.models import AdvocateStatus, Offer, Queue, Task
from lantern.routing.triage import Decision, triage

log = logging.getLogger(__name__)
ROUTING = "routing"  # the audit actor for what routing decides on its own
# Channels that get the after-hours notice (a call hears it in the phone menu).
AFTER_HOURS_CHANNELS = ("sms", "chat", "email")


# --- a new contact ----------------------------------------------------------------------------


def do_enqueue_contact(
    contact: Contact, *, now: datetime | None = None, decision: Decision | None = None
) -> Task | None:
    """Triage ``contact`` (unless ``decision`` is given) and put it in its queue.
    Idempotent: None if it already has a task."""
    now = now or timezone.now()
    decision = decision or triage(queries.signals_for(contact))
    flow = queries.current_workflow()
    facts = {
        "urgency": decision.urgency,
        "language": decision.language,
        "channel": contact.channel,
        "category": decision.category,
        "flags": decision.flags,
    }
    route = flow.route(facts)
    queues = queries.queues_by_name()
    task = Task(
        contact=contact,
        channel=contact.channel,
        urgency=decision.urgency,
        language=decision.language,
        category=decision.category,
        flags=decision.flags,
        reasons=decision.reasons,
        route=route.name,
        step=0,
        created_at=contact.received_at if contact.received_at < now else now,
        triaged_at=now,
    )
    placing.place(task, route.targets[0], queues, now)
    task.due_at = placing.due_at(task.queue, task.created_at, task.channel)
    try:
        with transaction.atomic():
            rows.insert(task)  # a plain INSERT: this runs for every contact (decision 0005)
            audit.record(
                ROUTING,
                Audit.CREATE,
                task,
                changes={
                    "contact": str(contact.pk),
                    "urgency": task.urgency,
                    "queue": task.queue.name,
                    "route": task.route,
                    "reasons": [r["detail"] for r in task.reasons],
                },
            )
            live.changed()
            if (
                task.urgency == TaskUrgencyChoices.NON_URGENT
                and task.channel in AFTER_HOURS_CHANNELS
                and not queries.answering_now(task, now)
            ):
                notices.send_after_commit("after_hours", task.pk)
    except IntegrityError:  # another dispatcher routed it first
        return None
    return task


def do_route_contact(contact: Contact, *, now: datetime | None = None) -> Task:
    """The contact's task, routing it now if the dispatcher has not yet (the phone menu needs
    the queue before it can answer the caller)."""
    task = Task.objects.select_related("queue").filter(contact=contact).first()
    if task is None:
        task = do_enqueue_contact(contact, now=now) or Task.objects.select_related("queue").get(
            contact=contact
        )
    return task


RETRIAGE_DETAIL = "changed by hand"


def do_retriage(task: Task, *, urgency: str, category: str = "", reason: str, actor) -> Task:
    """An advocate corrects triage. A waiting contact is routed again for the new urgency."""
    if not rules.allows_object(actor, "retriage_contact", task.contact):
        raise RoutingError("You may not change this contact's triage.")
    if urgency not in TaskUrgencyChoices.values:
        raise RoutingError(f"{urgency!r} is not an urgency.")
    if not reason.strip():
        raise RoutingError("Say why the triage changes: it is kept with the contact.")
    now = timezone.now()
    with transaction.atomic():
        task = Task.objects.select_for_update().select_related("queue").get(pk=task.pk)
        before = {"urgency": task.urgency, "category": task.category, "queue": task.queue.name}
        task.urgency = urgency
        task.category = category or task.category
        # the reasons are read by the routing bar and the board: the person's own words go to
        # the encrypted notes instead, since they may name or describe someone
        task.reasons = [
            *task.reasons,
            {"source": "advocate", "by": actor.get_username(), "detail": RETRIAGE_DETAIL},
        ]
        earlier = reveal(task.retriage_notes) or ""
        task.retriage_notes = f"{earlier}\n{actor.get_username()}: {reason.strip()}".strip()
        if task.state in OPEN_TASK_STATES:
            route = queries.current_workflow().route(placing.facts(task))
            task.route, task.step = route.name, 0
            placing.place(task, route.targets[0], queries.queues_by_name(), now)
        else:
            task.priority = placing.priority(task.urgency, task.queue)
        task.save()
        after = {"urgency": task.urgency, "category": task.category, "queue": task.queue.name}
        audit.record(
            actor,
            Audit.UPDATE,
            task,
            changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
            reason=RETRIAGE_DETAIL,
        )
        live.changed()
    return task


# --- advocates ----------------------------------------------------------------------------------


def do_set_presence(user, presence: str, *, actor) -> AdvocateStatus:
    """An advocate (or a supervisor for them) becomes available, busy, away or offline.

    Going away or offline withdraws a pending offer, so nobody waits on an empty chair.
    """
    if presence not in AdvocatePresenceChoices.values:
        raise RoutingError(f"{presence!r} is not a presence.")
    if actor != user and not rules.allows(actor, "manage_routing"):
        raise RoutingError("You may only change your own presence.")
    if not rules.allows(user, "take_contact"):
        raise RoutingError(f"{user} does not answer contacts.")
    now = timezone.now()
    with transaction.atomic():
        status, _ = AdvocateStatus.objects.select_for_update().get_or_create(user=user)
        if status.presence == presence:
            return status
        before = status.presence
        status.presence, status.presence_since = presence, now
        if presence == AdvocatePresenceChoices.AVAILABLE:
            status.missed_offers = 0
            if not queries.loads([user.pk]).get(user.pk):
                status.idle_since = now
        status.save()
        if presence != AdvocatePresenceChoices.AVAILABLE:
            placing.withdraw_offers(Offer.objects.filter(advocate=user), now)
        else:
            transaction.on_commit(kick)  # offer them what waits, now
        audit.record(actor, Audit.UPDATE, status, changes={"presence": [before, presence]})
        live.changed(user.pk)
    return status


def do_accept_offer(offer: Offer, *, actor, now: datetime | None = None) -> Task:
    """The advocate takes the offered contact. Exactly one accept can win: a second one, an
    expired or withdrawn offer, or a contact someone took from the inbox get ``OfferUnavailable``.
    """
    if offer.advocate_id != actor.pk:
        raise OfferUnavailable("This contact was offered to someone else.")
    now = now or timezone.now()
    try:
        with transaction.atomic():
            won = Offer.objects.filter(pk=offer.pk, state=OfferStateChoices.PENDING).update(
                state=OfferStateChoices.ACCEPTED, answered_at=now
            )
            if not won:
                state = Offer.objects.filter(pk=offer.pk).values_list("state", flat=True).first()
                raise OfferUnavailable(_gone(state))
            task = _assign(offer.task_id, actor, now, from_states=[TaskStateChoices.OFFERED])
            AdvocateStatus.objects.filter(user=actor).update(missed_offers=0)
            if calls.connects_by_phone(task):
                # dial the advocate: the caller waits in the queue until they answer
                calls.start_connecting(task, offer, actor=actor)
    except ContactValidationError:
        raise OfferUnavailable("Another advocate has already taken this contact.") from None
    return task


def _gone(state) -> str:
    return {
        OfferStateChoices.ACCEPTED: "You have already accepted this contact.",
        OfferStateChoices.EXPIRED: "This offer expired and went to another advocate.",
        OfferStateChoices.WITHDRAWN: "This contact was taken or the person left.",
        OfferStateChoices.DECLINED: "You declined this contact.",
    }.get(state, "This offer is no longer open.")


def _assign(task_id, actor, now, *, from_states) -> Task:
    """Inside a transaction: the task becomes the advocate's, and the contact too."""
    moved = Task.objects.filter(pk=task_id, state__in=from_states).update(
        state=TaskStateChoices.ASSIGNED, assigned_to=actor, answered_at=now
    )
    if not moved:
        raise OfferUnavailable(
            "Another advocate has already taken this contact, or the person left."
        )
    task = Task.objects.select_related("contact", "queue").get(pk=task_id)
    contacts.do_take_contact(task.contact, actor=actor)
    live.changed(actor.pk)
    return task


def do_take_task(contact: Contact, *, actor) -> Contact:
    """An advocate answers a waiting contact from the inbox, without an offer: the contact is
    theirs, its task is assigned to them, and an offer of it to somebody else is withdrawn."""
    now = timezone.now()
    with transaction.atomic():
        task = Task.objects.filter(contact=contact).first()
        if task is None or task.state not in OPEN_TASK_STATES:
            return contacts.do_take_contact(contact, actor=actor)
        barred = eligibility.reason_barred(actor.pk, task.queue_id, now)
        if barred:  # the same check as offers: a course the queue requires, missing or expired
            raise ContactValidationError({"handled_by": barred})
        placing.withdraw_offers(Offer.objects.filter(task=task), now)
        try:
            task = _assign(task.pk, actor, now, from_states=OPEN_TASK_STATES)
        except OfferUnavailable as exc:
            raise ContactValidationError({"handled_by": str(exc)}) from None
    return task.contact


def do_decline_offer(offer: Offer, *, actor, now: datetime | None = None) -> None:
    """The advocate passes; the contact goes back to its queue for someone else."""
    if offer.advocate_id != actor.pk:
        raise OfferUnavailable("This contact was offered to someone else.")
    now = now or timezone.now()
    with transaction.atomic():
        if not Offer.objects.filter(pk=offer.pk, state=OfferStateChoices.PENDING).update(
            state=OfferStateChoices.DECLINED, answered_at=now
        ):
            raise OfferUnavailable(_gone(offer.state))
        Task.objects.filter(pk=offer.task_id, state=TaskStateChoices.OFFERED).update(
            state=TaskStateChoices.WAITING
        )
        live.changed(actor.pk)
        transaction.on_commit(kick)  # to the next advocate, now


# --- surge --------------------------------------------------------------------------------------


def do_divert_queue(queue: Queue, to: Queue | None, *, actor) -> Queue:
    """Surge mode: new and waiting contacts of ``queue`` go to ``to`` (None ends the diversion)."""
    if not rules.allows(actor, "manage_routing"):
        raise RoutingError("Only a supervisor can divert a queue.")
    if to is not None and to.pk == queue.pk:
        raise RoutingError("A queue cannot be diverted to itself.")
    if to is not None and to.diverted_to_id == queue.pk:
        raise RoutingError(f"{to} is diverted to {queue}: end that diversion first.")
    with transaction.atomic():
        before = queue.diverted_to.name if queue.diverted_to_id else None
        queue.diverted_to = to
        queue.save(update_fields=["diverted_to"])
        moved = 0
        if to is not None:
            for task in Task.objects.filter(queue=queue, state=TaskStateChoices.WAITING):
                task.queue, task.priority = to, placing.priority(task.urgency, to)
                task.skills = sorted(set(to.skills))
                task.save(update_fields=["queue", "priority", "skills"])
                moved += 1
        audit.record(
            actor,
            Audit.UPDATE,
            queue,
            changes={"diverted_to": [before, to.name if to else None], "moved": moved},
        )
        live.changed()
    return queue
