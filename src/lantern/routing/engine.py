"""The dispatcher's engine: ``tick(now)``, one pass of routing, and its steps.

``routing.dispatcher`` runs ``tick`` every half second and whenever something arrives
(``routing.kick``); every step is idempotent, and each change is a small transaction of its own,
so a crash between two steps loses nothing: the next tick carries on. Tests and the benchmark
pass ``now`` to run the same code on a simulated clock.

What routing does on its own (offers made, expired, escalations) is recorded in the task and offer
rows; the engine uses the actions (a new contact is enqueued by ``do_enqueue_contact``), never
the other way round.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.contacts.models import Contact
from lantern.routing import actions, eligibility, live, placing, queries
from lantern.routing.actions import ROUTING
from lantern.routing.choices import (
    OPEN_TASK_STATES,
    URGENCY_RANK,
    AdvocatePresenceChoices,
    BreachKindChoices,
    OfferStateChoices,
    TaskStateChoices,
    TaskUrgencyChoices,
)
from lantern.routing.kick import kick
from lantern.routing.models import AdvocateStatus, Breach, Offer, Task
from lantern.routing.triage import triage

MISSED_OFFERS_BEFORE_AWAY = 2


@dataclass
class TickReport:
    routed: int = 0
    abandoned: int = 0
    completed: int = 0
    expired: int = 0
    escalated: int = 0
    warned: int = 0
    breached: int = 0
    offered: int = 0
    decisions: int = 0  # routing decisions made: placements, moves and offers
    offers: list = field(default_factory=list)


def tick(now: datetime | None = None, *, timers: bool = True) -> TickReport:
    """One pass of routing. Safe to run from several processes at once (see the dispatcher).

    An idle pass is one statement (``queries.pending_work``); each step runs only when it has
    something to do, and the steps about open tasks read them once. ``timers=False`` leaves out
    the steps that only watch the clock over every open task (abandoned, escalation steps,
    targets): the dispatcher runs those once per interval, not on every arrival, because with a
    backlog of thousands of waiting texts they cost more than the arrivals (bench/intake.py).
    """
    now = now or timezone.now()
    report = TickReport()
    work = queries.pending_work(now)
    if work.new:
        _route_new(now, report)
    if work.open:
        _retriage_waiting(now, report)
    if work.open and timers:
        open_tasks = list(
            Task.objects.filter(state__in=OPEN_TASK_STATES).order_by().values(*_OPEN_FIELDS)
        )
        _abandon_left(now, report)
        _escalate_steps(now, report, open_tasks)
        _watch_targets(now, report, open_tasks)
    if work.logged:
        _complete_logged(now, report)
    if work.expired:
        _expire_offers(now, report)
    if work.new or work.open or work.expired:
        _offer(now, report)
    return report


_OPEN_FIELDS = (
    "pk", "queue_id", "created_at", "due_at", "step_timeout_at", "escalated_at", "breached_at",
)  # fmt: skip


def _route_new(now, report) -> None:
    """Triage what arrived, then queue it most urgent first: in a burst, the crisis among five
    hundred texts is queued (and offered) before the other four hundred and ninety-nine."""
    ids = list(queries.unrouted_contacts(now, limit=1000).values_list("pk", flat=True))
    if not ids:
        return
    contacts = list(Contact.objects.filter(pk__in=ids))
    words = queries.first_words(contacts)
    triaged = [(triage(queries.signals_for(c, words.get(c.pk, ""))), c) for c in contacts]
    triaged.sort(key=lambda pair: (-URGENCY_RANK[pair[0].urgency], pair[1].received_at))
    level = None
    for decision, contact in triaged:
        if level is not None and decision.urgency != level:
            _offer(now, report)  # crises go out before urgent work is queued, and so on
        level = decision.urgency
        if actions.do_enqueue_contact(contact, now=now, decision=decision) is not None:
            report.routed += 1
            report.decisions += 1


def _retriage_waiting(now, report) -> None:
    """A waiting chat or text that has said more since triage: triage what it said since,
    raising only.

    A chat is routed when the visitor sends the pre-chat form, before a word is written; "he is
    outside with a gun" written while waiting must move it to the front. Most new messages
    change nothing: those tasks are stamped in one statement, not a transaction each.
    """
    unchanged = []
    for words in queries.words_since_triage():
        decision = triage(words.signals)
        if URGENCY_RANK[decision.urgency] > URGENCY_RANK[words.urgency]:
            _raise_urgency(words, decision, now, report)
        elif words.last_message_at > now:  # stamped ahead of this clock: up to that message
            Task.objects.filter(pk=words.task_id).update(triaged_at=words.last_message_at)
        else:
            unchanged.append(words.task_id)
    if unchanged:
        Task.objects.filter(pk__in=unchanged).update(triaged_at=now)


def _raise_urgency(words, decision, now, report) -> None:
    with transaction.atomic():
        task = Task.objects.select_for_update().filter(pk=words.task_id).first()
        if task is None or task.state not in OPEN_TASK_STATES:
            return
        task.triaged_at = max(now, words.last_message_at)
        if URGENCY_RANK[decision.urgency] <= URGENCY_RANK[task.urgency]:
            task.save(update_fields=["triaged_at"])
            return
        before = task.urgency
        new = [r for r in decision.reasons if r not in task.reasons]
        task.urgency = decision.urgency
        task.reasons = [*task.reasons, *new]
        task.flags = sorted(set(task.flags) | set(decision.flags))
        task.category = task.category or decision.category
        route = queries.current_workflow().route(placing.facts(task))
        task.route, task.step = route.name, 0
        placing.place(task, route.targets[0], queries.queues_by_name(), now)
        task.due_at = min(task.due_at, placing.due_at(task.queue, now, task.channel))
        task.save()
        audit.record(
            ROUTING,
            Audit.UPDATE,
            task,
            changes={"urgency": [before, task.urgency], "queue": task.queue.name},
            reason="; ".join(r["detail"] for r in new),
        )
        report.decisions += 1
        live.changed()


def _abandon_left(now, report) -> None:
    for task_id in queries.ended_while_waiting().values_list("pk", flat=True):
        with transaction.atomic():
            if Task.objects.filter(pk=task_id, state__in=OPEN_TASK_STATES).update(
                state=TaskStateChoices.ABANDONED, ended_at=now
            ):
                placing.withdraw_offers(Offer.objects.filter(task_id=task_id), now)
                report.abandoned += 1
                live.changed()


def _complete_logged(now, report) -> None:
    for task_id, advocate_id in queries.finished_assigned().values_list("pk", "assigned_to"):
        with transaction.atomic():
            if Task.objects.filter(pk=task_id, state=TaskStateChoices.ASSIGNED).update(
                state=TaskStateChoices.COMPLETED, ended_at=now
            ):
                if not queries.loads([advocate_id]).get(advocate_id):
                    AdvocateStatus.objects.filter(user_id=advocate_id).update(idle_since=now)
                report.completed += 1
                live.changed(advocate_id)
                transaction.on_commit(kick)  # room for the next contact


def _expire_offers(now, report) -> None:
    expired = list(
        Offer.objects.filter(state=OfferStateChoices.PENDING, expires_at__lte=now).values_list(
            "pk", "task", "advocate"
        )
    )
    for offer_id, task_id, advocate_id in expired:
        with transaction.atomic():
            if not Offer.objects.filter(pk=offer_id, state=OfferStateChoices.PENDING).update(
                state=OfferStateChoices.EXPIRED, answered_at=now
            ):
                continue  # answered in the meantime
            Task.objects.filter(pk=task_id, state=TaskStateChoices.OFFERED).update(
                state=TaskStateChoices.WAITING
            )
            status = AdvocateStatus.objects.filter(user_id=advocate_id).first()
            if status is not None:
                status.missed_offers += 1
                if status.missed_offers >= MISSED_OFFERS_BEFORE_AWAY:
                    # Nobody is at the desk: stop offering to it until the advocate is back.
                    status.presence, status.presence_since = AdvocatePresenceChoices.AWAY, now
                    audit.record(
                        ROUTING,
                        Audit.UPDATE,
                        status,
                        changes={"presence": ["available", "away"]},
                        reason=f"{status.missed_offers} offers in a row not answered",
                    )
                status.save()
            report.expired += 1
            live.changed(advocate_id)


def _escalate_steps(now, report, open_tasks) -> None:
    due = [t["pk"] for t in open_tasks if t["step_timeout_at"] and t["step_timeout_at"] <= now]
    if not due:
        return
    flow = queries.current_workflow()
    queues = queries.queues_by_name()
    for task in Task.objects.filter(pk__in=due, state__in=OPEN_TASK_STATES):
        following = flow.next_target(task.route, task.step)
        with transaction.atomic():
            if following is None:
                task.step_timeout_at = None
            else:
                task.route, task.step, target = following
                placing.place(task, target, queues, now)
            if Task.objects.filter(pk=task.pk, state__in=OPEN_TASK_STATES).update(
                route=task.route,
                step=task.step,
                queue=task.queue,
                skills=task.skills,
                priority=task.priority,
                step_timeout_at=task.step_timeout_at,
            ):
                report.escalated += 1
                report.decisions += 1
                live.changed()


def _watch_targets(now, report, open_tasks) -> None:
    """Warn supervisors of contacts about to miss their target, and record the misses."""
    flow = None
    for task in open_tasks:
        created, due = task["created_at"], task["due_at"]
        if task["escalated_at"] is None:
            flow = flow or queries.current_workflow()
            warn_at = created + (due - created) * flow.escalate_at
            if now >= warn_at:
                Task.objects.filter(pk=task["pk"]).update(escalated_at=now)
                report.warned += 1
                live.changed()
        if task["breached_at"] is None and now >= due:
            queue = queries.queue_by_id(task["queue_id"])
            kind = (
                BreachKindChoices.DUE
                if queries.calendar_of(queue) is not None
                else BreachKindChoices.ANSWER
            )
            try:
                with transaction.atomic():
                    Breach.objects.create(
                        task_id=task["pk"], queue=queue, kind=kind, target_at=due, recorded_at=now
                    )
                    Task.objects.filter(pk=task["pk"]).update(breached_at=now)
            except IntegrityError:
                continue
            report.breached += 1
            live.changed()


def _qualifies(advocate_id, skills: dict, task: Task, barred: dict) -> bool:
    """May this advocate be offered this task: the skills its step needs, and nothing that bars
    them from its queue (``routing.eligibility``: a course the queue requires, missing or
    expired). A task nobody qualifies for waits in its queue; the board says why."""
    return set(task.skills) <= skills[advocate_id] and (advocate_id, task.queue_id) not in barred


def _has_room(status: AdvocateStatus, load: Counter, channel: str) -> bool:
    """Room for one more contact of ``channel``. A call takes the advocate's whole attention."""
    if load.get("phone"):
        return False
    if channel == "phone" and sum(load.values()):
        return False
    return load.get(channel, 0) < status.capacity.get(channel, 0)


def _offer(now, report) -> None:
    """Offer waiting contacts, most urgent first, each to the longest-idle skilled advocate.

    Non-urgent contacts in a queue outside its hours wait for the opening (the night is for
    urgent work); a crisis nobody can take pre-empts a less urgent pending offer.
    """
    available = list(
        AdvocateStatus.objects.filter(presence=AdvocatePresenceChoices.AVAILABLE).select_related(
            "user"
        )
    )
    if not available:
        return
    pending = set(
        Offer.objects.filter(state=OfferStateChoices.PENDING)
        .order_by()
        .values_list("advocate", flat=True)
    )
    load = queries.loads([s.user_id for s in available])
    ready = [
        s
        for s in available
        if s.user_id not in pending
        and any(_has_room(s, load.get(s.user_id, Counter()), ch) for ch in s.capacity)
    ]
    waiting = Task.objects.filter(state=TaskStateChoices.WAITING)
    if not ready:  # only a crisis can still be offered: by pre-empting
        waiting = waiting.filter(urgency=TaskUrgencyChoices.CRISIS)
    closed = queries.not_answered_now(now)
    if closed is not None:  # non-urgent work out of its hours waits for the opening
        waiting = waiting.exclude(Q(urgency=TaskUrgencyChoices.NON_URGENT) & closed)
    waiting = list(
        waiting.only(
            "pk", "urgency", "channel", "skills", "priority", "created_at", "queue_id"
        ).order_by("-priority", "created_at")[:200]
    )
    if not waiting:
        return
    flow = queries.current_workflow()
    skills = {s.user_id: s.all_skills() for s in available}
    barred = eligibility.barred(list(skills), {t.queue_id for t in waiting}, now)
    refused = set(
        Offer.objects.filter(
            task__in=[t.pk for t in waiting],
            state__in=[
                OfferStateChoices.DECLINED,
                OfferStateChoices.EXPIRED,
                OfferStateChoices.FAILED,  # accepted, but the call did not connect
            ],
        )
        .order_by()
        .values_list("task", "advocate")
    )
    free = {s.user_id for s in ready if not load.get(s.user_id)}
    for task in waiting:
        task.queue = queries.queue_by_id(task.queue_id)
        candidates = [
            s
            for s in ready
            if s.user_id not in pending
            and _qualifies(s.user_id, skills, task, barred)
            and _has_room(s, load.get(s.user_id, Counter()), task.channel)
        ]
        if task.urgency == TaskUrgencyChoices.NON_URGENT and flow.reserved_for_urgent:
            # Keep the last free advocates for the crisis that has not called yet.
            spare = len(free - pending) - flow.reserved_for_urgent
            candidates = [s for s in candidates if s.user_id not in free or spare > 0]
        if not candidates:
            if task.urgency == TaskUrgencyChoices.CRISIS:
                _preempt_for(task, available, skills, barred, load, now, report)
            continue
        chosen = min(
            candidates,
            key=lambda s: (
                (task.pk, s.user_id) in refused,  # someone who passed on it comes last
                sum(load.get(s.user_id, Counter()).values()),
                s.idle_since,
            ),
        )
        if _make_offer(task, chosen.user_id, now, flow.offer_timeout, report):
            pending.add(chosen.user_id)


def _make_offer(task: Task, advocate_id, now, timeout: int, report) -> bool:
    try:
        with transaction.atomic():
            if not Task.objects.filter(pk=task.pk, state=TaskStateChoices.WAITING).update(
                state=TaskStateChoices.OFFERED
            ):
                return False
            offer = Offer.objects.create(
                task_id=task.pk,
                advocate_id=advocate_id,
                offered_at=now,
                expires_at=now + timedelta(seconds=timeout),
            )
            live.changed(advocate_id)
    except IntegrityError:  # another dispatcher offered it, or this advocate got another offer
        return False
    report.offered += 1
    report.decisions += 1
    report.offers.append(offer)
    return True


def _preempt_for(task: Task, available, skills, barred, load, now, report) -> None:
    """A crisis nobody can take: withdraw a less urgent pending offer from a skilled advocate."""
    skilled = {
        s.user_id
        for s in available
        if _qualifies(s.user_id, skills, task, barred)
        and _has_room(s, load.get(s.user_id, Counter()), task.channel)
    }
    victim = (
        Offer.objects.filter(
            state=OfferStateChoices.PENDING,
            advocate__in=skilled,
            task__priority__lt=task.priority,
        )
        .order_by("task__priority", "-offered_at")
        .first()
    )
    if victim is None:
        return
    with transaction.atomic():
        if not placing.withdraw_offers(Offer.objects.filter(pk=victim.pk), now):
            return
    flow = queries.current_workflow()
    _make_offer(task, victim.advocate_id, now, flow.offer_timeout, report)
