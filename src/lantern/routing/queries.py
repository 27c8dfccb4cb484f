"""Routing's reads: the workflow and queues in force, what triage reads from a contact, an
advocate's offers, the board, and the daily figures per queue and channel."""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from lantern.contacts.choices import ConversationStateChoices, MessageDirectionChoices
from lantern.contacts.models import Contact, Message
from lantern.privacy.fields import reveal
from lantern.routing import defaults, workflow
from lantern.routing.choices import (
    OPEN_TASK_STATES,
    AdvocatePresenceChoices,
    OfferStateChoices,
    TaskStateChoices,
)
from lantern.routing.models import (
    AdvocateStatus,
    Breach,
    BusinessCalendar,
    Offer,
    Queue,
    RoutingWorkflow,
    Task,
)
from lantern.routing.triage import Signals

# Contacts older than this are not picked up by routing: they predate it, or were logged by hand.
ROUTE_HORIZON = timedelta(days=2)
MENU_GRACE = timedelta(seconds=90)


def current_workflow() -> workflow.Workflow:
    """The newest active workflow, parsed (cached until a newer one is saved)."""
    row = RoutingWorkflow.objects.filter(active=True).values_list("pk", "created_at").first()
    if row is None and defaults.load(BusinessCalendar, Queue, RoutingWorkflow):
        row = RoutingWorkflow.objects.filter(active=True).values_list("pk", "created_at").first()
    if row is None:
        raise workflow.WorkflowError("no routing workflow is active: activate one in the admin")
    return _parsed(*row)


@functools.lru_cache(maxsize=4)
def _parsed(pk, created_at) -> workflow.Workflow:
    return RoutingWorkflow.objects.get(pk=pk).parsed()


def queues_by_name() -> dict[str, Queue]:
    return {q.name: q for q in Queue.objects.select_related("calendar")}


_calendars: dict = {}


def calendar_of(queue: Queue):
    """The queue's ``calendars.Calendar`` (None: 24/7), cached until the calendar is saved."""
    if queue.calendar_id is None:
        return None
    cal = queue.calendar
    key = (cal.pk, cal.updated_at)
    if key not in _calendars:
        _calendars.clear()
        _calendars[key] = BusinessCalendar.objects.get(pk=cal.pk).calendar()
    return _calendars[key]


def answering_now(task: Task, now: datetime) -> bool:
    """Whether advocates answer this task's queue now: urgent work always, the rest in hours."""
    if task.urgency != "non_urgent":
        return True
    calendar = calendar_of(task.queue)
    return calendar is None or calendar.is_open(now)


def signals_for(contact: Contact) -> Signals:
    """What triage reads: the channel's flag, the languages, and the contact's first words
    (a tip's summary, or the first inbound messages of its conversation)."""
    text = ""
    if contact.channel == "webform":
        text = reveal(contact.summary) or ""
    else:
        bodies = (
            Message.objects.filter(
                conversation__contact=contact, direction=MessageDirectionChoices.INBOUND
            )
            .order_by("created_at")
            .only("body")[:3]
        )
        text = "\n".join(reveal(m.body) or "" for m in bodies)
    return Signals(
        channel=contact.channel,
        channel_urgent=contact.urgent,
        language=contact.language,
        language_hint=contact.language_hint,
        text=text,
    )


def unrouted_contacts(now: datetime, *, limit: int = 200):
    """Open contacts from a channel that have no task yet, oldest first.

    A call is routed by the phone menu when the caller has chosen (``intake.voice``); one still
    in the menu is left to it for ``MENU_GRACE``, after which (a webhook lost, a caller who hung
    up in the menu) the dispatcher routes it like any other contact.
    """
    return (
        Contact.objects.filter(
            status="open", received_at__gte=now - ROUTE_HORIZON, routing_task__isnull=True
        )
        .exclude(channel="phone", ended_at__isnull=True, received_at__gt=now - MENU_GRACE)
        .order_by("received_at")[:limit]
    )


def said_more_since_triage(*, limit: int = 200):
    """Waiting tasks whose conversation has a message newer than their triage."""
    return (
        Task.objects.filter(
            state__in=OPEN_TASK_STATES,
            contact__conversation__last_message_at__gt=F("triaged_at"),
        )
        .exclude(urgency="crisis")
        .select_related("contact")[:limit]
    )


def ended_while_waiting(*, limit: int = 500):
    """Waiting tasks whose person left: the call ended (without a voicemail, which still waits
    for a call back), or the conversation closed."""
    return Task.objects.filter(state__in=OPEN_TASK_STATES).filter(
        Q(contact__ended_at__isnull=False, contact__conversation__isnull=True)
        | Q(contact__conversation__state=ConversationStateChoices.CLOSED)
    )[:limit]


def finished_assigned(*, limit: int = 500):
    """Tasks with an advocate whose contact has been logged (the advocate's work is done)."""
    return Task.objects.filter(state=TaskStateChoices.ASSIGNED, contact__status="logged")[:limit]


def task_for_contact(contact) -> Task | None:
    return Task.objects.select_related("queue", "assigned_to").filter(contact=contact).first()


def pending_offer_for(user):
    return (
        Offer.objects.filter(advocate=user, state=OfferStateChoices.PENDING)
        .select_related("task", "task__queue")
        .first()
    )


def status_of(user) -> AdvocateStatus:
    status, _ = AdvocateStatus.objects.get_or_create(user=user)
    return status


def loads(user_ids=None) -> dict[int, Counter]:
    """Assigned work per advocate and channel."""
    rows = Task.objects.filter(state=TaskStateChoices.ASSIGNED)
    if user_ids is not None:
        rows = rows.filter(assigned_to__in=user_ids)
    out: dict[int, Counter] = defaultdict(Counter)
    for row in rows.values("assigned_to", "channel").annotate(n=Count("pk")):
        out[row["assigned_to"]][row["channel"]] = row["n"]
    return out


# --- the board --------------------------------------------------------------------------------


@dataclass
class QueueRow:
    queue: Queue
    waiting: list
    longest_wait: float
    answered: int
    in_target: int
    abandoned: int
    breaches: int

    @property
    def service_level(self) -> float | None:
        decided = self.answered + self.abandoned
        return None if not decided else self.in_target / decided


def start_of_day(now: datetime, tz) -> datetime:
    local = now.astimezone(tz)
    return datetime.combine(local.date(), time.min, tz)


def board(now: datetime | None = None, tz=None) -> dict:
    """Everything the supervisor board shows. No personal data: channel, urgency, language and
    wait times only."""
    now = now or timezone.now()
    since = start_of_day(now, tz or timezone.get_current_timezone())
    waiting = defaultdict(list)
    for task in Task.objects.filter(state__in=OPEN_TASK_STATES).select_related("queue"):
        task.wait_seconds = (now - task.created_at).total_seconds()
        waiting[task.queue_id].append(task)
    today = Task.objects.filter(created_at__gte=since)
    by_queue = {
        row["queue"]: row
        for row in today.values("queue").annotate(
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            abandoned=Count("pk", filter=Q(state=TaskStateChoices.ABANDONED)),
            in_target=Count(
                "pk",
                filter=Q(answered_at__isnull=False, answered_at__lte=F("due_at")),
            ),
        )
    }
    breaches = Counter(
        Breach.objects.filter(recorded_at__gte=since).values_list("queue", flat=True)
    )
    rows = []
    for queue in Queue.objects.filter(active=True).select_related("diverted_to", "calendar"):
        tasks = sorted(waiting.get(queue.pk, []), key=lambda t: (-t.priority, t.created_at))
        stats = by_queue.get(queue.pk, {})
        rows.append(
            QueueRow(
                queue=queue,
                waiting=tasks,
                longest_wait=max((t.wait_seconds for t in tasks), default=0),
                answered=stats.get("answered", 0),
                in_target=stats.get("in_target", 0),
                abandoned=stats.get("abandoned", 0),
                breaches=breaches.get(queue.pk, 0),
            )
        )
    advocates = []
    statuses = AdvocateStatus.objects.select_related("user").exclude(
        presence=AdvocatePresenceChoices.OFFLINE
    )
    work = loads([s.user_id for s in statuses])
    offers = set(
        Offer.objects.filter(state=OfferStateChoices.PENDING).values_list("advocate", flat=True)
    )
    for status in statuses:
        load = work.get(status.user_id, Counter())
        advocates.append(
            {
                "status": status,
                "load": dict(load),
                "working": sum(load.values()),
                "offered": status.user_id in offers,
                "since": now - status.presence_since,
            }
        )
    return {
        "queues": rows,
        "advocates": advocates,
        "breaches": Breach.objects.filter(recorded_at__gte=since).select_related("queue", "task")[
            :20
        ],
        "now": now,
    }


def daily_metrics(day_start: datetime, day_end: datetime) -> list[dict]:
    """Per queue and channel: offered, answered, abandoned, average speed of answer, service
    level and average handle time, computed in the database."""
    rows = (
        Task.objects.filter(created_at__gte=day_start, created_at__lt=day_end)
        .values("queue__name", "queue__label", "channel")
        .annotate(
            offered=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            abandoned=Count("pk", filter=Q(state=TaskStateChoices.ABANDONED)),
            in_target=Count(
                "pk",
                filter=Q(answered_at__isnull=False, answered_at__lte=F("due_at")),
            ),
        )
        .order_by("queue__name", "channel")
    )
    timings = _timings(day_start, day_end)
    out = []
    for row in rows:
        key = (row["queue__name"], row["channel"])
        asa, aht = timings.get(key, (None, None))
        decided = row["answered"] + row["abandoned"]
        out.append(
            {
                **row,
                "asa_seconds": asa,
                "aht_seconds": aht,
                "service_level": row["in_target"] / decided if decided else None,
            }
        )
    return out


def _timings(day_start, day_end) -> dict:
    """Average speed of answer and handle time per (queue, channel), in seconds."""
    sums: dict = defaultdict(lambda: [0.0, 0, 0.0, 0])
    rows = Task.objects.filter(
        created_at__gte=day_start, created_at__lt=day_end, answered_at__isnull=False
    ).values_list("queue__name", "channel", "created_at", "answered_at", "ended_at", "state")
    for queue, channel, created, answered, ended, state in rows.iterator(chunk_size=2000):
        acc = sums[(queue, channel)]
        acc[0] += (answered - created).total_seconds()
        acc[1] += 1
        if ended and state == TaskStateChoices.COMPLETED:
            acc[2] += (ended - answered).total_seconds()
            acc[3] += 1
    return {
        key: (acc[0] / acc[1] if acc[1] else None, acc[2] / acc[3] if acc[3] else None)
        for key, acc in sums.items()
    }
