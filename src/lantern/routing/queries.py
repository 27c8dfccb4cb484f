"""Routing's reads: the workflow and queues in force, what triage reads from a contact, an
advocate's offers, the board, and the daily figures per queue and channel."""

from __future__ import annotations

import time as time_module
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from lantern.contacts.choices import ConversationStateChoices, MessageDirectionChoices
from lantern.contacts.models import Contact, Message
from lantern.core import rows
from lantern.outbox import queries as outbox_queries
from lantern.privacy.fields import reveal
from lantern.routing import defaults, sql, workflow
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


# The configuration (workflow, queues, calendars) is read on every routing decision and changes a
# few times a year: it is kept for CONFIG_SECONDS per process, and dropped at once when this
# process saves any of it (signals in ``routing.apps``). Another process sees a change within
# CONFIG_SECONDS.
CONFIG_SECONDS = 2.0


@dataclass
class _Config:
    loaded: float
    workflow: workflow.Workflow
    queues: dict[str, Queue]
    by_id: dict[int, Queue]
    calendars: dict


_config: _Config | None = None


def forget_config(**_) -> None:
    global _config
    _config = None


def _current() -> _Config:
    global _config
    config = _config
    if config is not None and time_module.monotonic() - config.loaded < CONFIG_SECONDS:
        return config
    row = RoutingWorkflow.objects.filter(active=True).first()
    if row is None and defaults.load(BusinessCalendar, Queue, RoutingWorkflow):
        row = RoutingWorkflow.objects.filter(active=True).first()
    if row is None:
        raise workflow.WorkflowError("no routing workflow is active: activate one in the admin")
    queues = {q.name: q for q in Queue.objects.select_related("calendar", "review_calendar")}
    calendars_by_id = {
        cal.pk: cal.calendar() for cal in BusinessCalendar.objects.prefetch_related("closures")
    }
    _config = _Config(
        loaded=time_module.monotonic(),
        workflow=row.parsed(),
        queues=queues,
        by_id={q.pk: q for q in queues.values()},
        calendars=calendars_by_id,
    )
    return _config


def current_workflow() -> workflow.Workflow:
    """The newest active workflow, parsed."""
    return _current().workflow


def queues_by_name() -> dict[str, Queue]:
    return _current().queues


def queue_by_id(queue_id) -> Queue:
    return _current().by_id[queue_id]


def calendar_of(queue: Queue):
    """The queue's ``calendars.Calendar``, or None: open 24/7."""
    if queue.calendar_id is None:
        return None
    return _current().calendars[queue.calendar_id]


def reviewed_daily(queue: Queue, channel: str) -> bool:
    return queue.review_calendar_id is not None and channel in (queue.review_channels or ())


def calendar_for(queue: Queue, channel: str):
    """The calendar that answers ``channel``'s non-urgent work in ``queue``: its daily review
    calendar for the channels reviewed daily, else its business hours (None: 24/7)."""
    if reviewed_daily(queue, channel):
        return _current().calendars[queue.review_calendar_id]
    return calendar_of(queue)


def answering_now(task: Task, now: datetime) -> bool:
    """Whether advocates answer this task's queue now: urgent work always, the rest in hours
    (emails and tips in the daily review's hours)."""
    if task.urgency != "non_urgent":
        return True
    calendar = calendar_for(task.queue, task.channel)
    return calendar is None or calendar.is_open(now)


def not_answered_now(now: datetime) -> Q | None:
    """Non-urgent work that waits now: a closed queue's, except the channels its daily review
    answers while the review is open; and the reviewed channels while the review is closed."""
    waits = Q()
    for q in _current().queues.values():
        closed = q.calendar_id is not None and not calendar_of(q).is_open(now)
        if q.review_calendar_id is None:
            if closed:
                waits |= Q(queue_id=q.pk)
            continue
        channels = list(q.review_channels or ())
        if not _current().calendars[q.review_calendar_id].is_open(now):
            waits |= Q(queue_id=q.pk, channel__in=channels)
        if closed:
            waits |= Q(queue_id=q.pk) & ~Q(channel__in=channels)
    return waits or None


FIRST_MESSAGES = 3


def first_words(contacts) -> dict:
    """Contact id -> the first inbound messages of its conversation, for many contacts in one
    query (a burst of new contacts is triaged together)."""
    ids = [c.pk for c in contacts]
    texts: dict = defaultdict(list)
    if ids:
        rows = (
            Message.objects.filter(
                conversation__contact__in=ids, direction=MessageDirectionChoices.INBOUND
            )
            .order_by("created_at")
            .values_list("conversation__contact", "body")
        )
        for contact_id, body in rows:
            if len(texts[contact_id]) < FIRST_MESSAGES:
                texts[contact_id].append(reveal(body) or "")
    return {contact_id: "\n".join(bodies) for contact_id, bodies in texts.items()}


def signals_for(contact: Contact, text: str | None = None) -> Signals:
    """What triage reads: the channel's flag, the languages, and the contact's first words:
    the first inbound messages of its conversation (a web tip's is its "what happened", not the
    summary, whose form labels such as "Not urgent" would read as words); ``text`` when the
    caller read them already, see ``first_words``."""
    if text is None:
        text = first_words([contact]).get(contact.pk, "")
    return Signals(
        channel=contact.channel,
        channel_urgent=contact.urgent,
        language=contact.language,
        language_hint=contact.language_hint,
        text=text,
        caller_type=contact.caller_type,
    )


@dataclass(frozen=True)
class PendingWork:
    new: bool  # contacts waiting to be triaged
    open: bool  # tasks waiting or offered
    logged: bool  # assigned tasks whose contact was logged
    expired: bool  # offers past their time


def pending_work(now: datetime) -> PendingWork:
    statement = sql.PENDING_WORK.format(
        contact=Contact._meta.db_table, task=Task._meta.db_table, offer=Offer._meta.db_table
    )
    row = rows.fetch_one(
        statement,
        [
            rows.db_value(Contact, "received_at", now - ROUTE_HORIZON),
            rows.db_value(Contact, "received_at", now - MENU_GRACE),
            rows.db_value(Offer, "expires_at", now),
        ],
    )
    return PendingWork(*(bool(value) for value in row))


def unrouted_contacts(now: datetime, *, limit: int = 200):
    """Open contacts from a channel that have no task yet, oldest first.

    A call is routed by the phone menu when the caller has chosen (``intake.voice``); one still
    in the menu is left to it for ``MENU_GRACE``, after which (a webhook lost, a caller who hung
    up in the menu) the dispatcher routes it like any other contact.
    """
    return (
        Contact.objects.filter(
            status="open",
            received_at__gte=now - ROUTE_HORIZON,
            routing_task__isnull=True,
            spam_batch__isnull=True,
        )
        .exclude(channel="phone", ended_at__isnull=True, received_at__gt=now - MENU_GRACE)
        .order_by("received_at")[:limit]
    )


@dataclass
class NewWords:
    task_id: object
    urgency: str
    signals: Signals
    last_message_at: datetime


def words_since_triage(*, limit: int = 200) -> list[NewWords]:
    """Waiting tasks (not yet a crisis) whose person wrote since triage, with what they wrote
    since then: two queries for the whole batch."""
    tasks = list(
        Task.objects.filter(
            state__in=OPEN_TASK_STATES,
            contact__conversation__last_message_at__gt=F("triaged_at"),
        )
        .exclude(urgency="crisis")
        .order_by()
        .values_list(
            "pk", "urgency", "triaged_at", "contact_id", "channel", "contact__language",
            "contact__language_hint", "contact__conversation__last_message_at",
            "contact__caller_type",
        )[:limit]
    )  # fmt: skip
    if not tasks:
        return []
    since = {row[3]: row[2] for row in tasks}
    texts: dict = defaultdict(list)
    messages = (
        Message.objects.filter(
            conversation__contact__in=list(since),
            direction=MessageDirectionChoices.INBOUND,
            created_at__gt=min(since.values()),
        )
        .order_by("created_at")
        .values_list("conversation__contact", "created_at", "body")
    )
    for contact_id, created_at, body in messages:
        if created_at > since[contact_id]:
            texts[contact_id].append(reveal(body) or "")
    return [
        NewWords(
            task_id=pk,
            urgency=urgency,
            signals=Signals(
                channel=channel,
                language=language,
                language_hint=hint,
                text="\n".join(texts.get(contact_id, ())),
                caller_type=caller,
            ),  # fmt: skip
            last_message_at=last,
        )
        for pk, urgency, _, contact_id, channel, language, hint, last, caller in tasks
    ]


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


def task_by_id(task_id) -> Task | None:
    return (
        Task.objects.select_related("contact", "contact__conversation").filter(pk=task_id).first()
    )


def task_for_contact(contact) -> Task | None:
    return Task.objects.select_related("queue", "assigned_to").filter(contact=contact).first()


def retriage_notes(user, task: Task | None) -> str:
    """Why staff changed a contact's triage, in their words, for those who may see the
    contact's personal details (a read of personal data, audited); "" otherwise."""
    from lantern.accounts import rules
    from lantern.audit import actions as audit
    from lantern.audit.choices import AuditEventActionChoices as Audit
    from lantern.privacy.fields import reveal

    if task is None or not task.retriage_notes:
        return ""
    if not rules.allows_object(user, "view_contact_pii", task.contact):
        return ""
    audit.record(user, Audit.READ_PII, task, reason="triage notes")
    return reveal(task.retriage_notes) or ""


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
    assigned = Task.objects.filter(state=TaskStateChoices.ASSIGNED)
    if user_ids is not None:
        assigned = assigned.filter(assigned_to__in=user_ids)
    out: dict[int, Counter] = defaultdict(Counter)
    for row in assigned.order_by().values("assigned_to", "channel").annotate(n=Count("pk")):
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
        # replies the outbound queue gave up on: each shows "failed" on its conversation
        "replies_not_sent": outbox_queries.dead_count("message."),
        "now": now,
    }


def daily_metrics(day_start: datetime, day_end: datetime) -> list[dict]:
    """Per queue and channel: offered, answered, abandoned, average speed of answer, service
    level and average handle time, computed in the database."""
    counts = (
        Task.objects.filter(created_at__gte=day_start, created_at__lt=day_end)
        .exclude(state=TaskStateChoices.DISMISSED)  # spam, counted apart
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
    for row in counts:
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


def daily_review(since: datetime, until: datetime, now: datetime) -> list[dict]:
    """Per queue reviewed daily: its review calendar, and of the emails and tips (the review's
    channels) that arrived from ``since`` to ``until``: how many, answered by their due time,
    answered late, and still waiting past it now."""
    queues = [q for q in _current().queues.values() if q.review_calendar_id is not None]
    out = []
    for queue in queues:
        tasks = Task.objects.filter(
            queue=queue, channel__in=list(queue.review_channels or ()),
            created_at__gte=since, created_at__lt=until,
        )  # fmt: skip
        row = tasks.aggregate(
            received=Count("pk"),
            on_time=Count("pk", filter=Q(answered_at__isnull=False, answered_at__lte=F("due_at"))),
            late=Count("pk", filter=Q(answered_at__isnull=False, answered_at__gt=F("due_at"))),
            overdue=Count("pk", filter=Q(answered_at__isnull=True, due_at__lt=now,
                                         state__in=OPEN_TASK_STATES)),
        )  # fmt: skip
        answered = row["on_time"] + row["late"]
        out.append(
            {
                "queue": queue,
                "calendar": BusinessCalendar.objects.get(pk=queue.review_calendar_id),
                "channels": list(queue.review_channels or ()),
                **row,
                "service_level": row["on_time"] / answered if answered else None,
            }
        )
    return out


def _timings(day_start, day_end) -> dict:
    """Average speed of answer and handle time per (queue, channel), in seconds."""
    sums: dict = defaultdict(lambda: [0.0, 0, 0.0, 0])
    answered_tasks = Task.objects.filter(
        created_at__gte=day_start, created_at__lt=day_end, answered_at__isnull=False
    ).values_list("queue__name", "channel", "created_at", "answered_at", "ended_at", "state")
    for queue, channel, created, answered, ended, state in answered_tasks.iterator(2000):
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


def offers_for(user, *, since):
    """The contact offered to ``user`` now, and their offers since ``since`` whose call could
    not be connected."""
    return (
        Offer.objects.filter(advocate=user)
        .filter(Q(state=OfferStateChoices.PENDING) | Q(state=OfferStateChoices.FAILED,
                                                          offered_at__gte=since))
        .select_related("task__queue")
        .order_by("-offered_at")[:20]
    )  # fmt: skip


def staff_by_username(username: str):
    """A person who may take contacts (a transfer's target), or None."""
    from django.contrib.auth import get_user_model

    from lantern.accounts import rules

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    return user if user is not None and rules.allows(user, "take_contact") else None


def dispatch_lag(now: datetime | None = None) -> float:
    """Seconds the oldest contact ready for routing has waited for it (0 when none waits): a
    dispatcher that stopped, anywhere, shows here (/readyz, the metrics)."""
    now = now or timezone.now()
    oldest = unrouted_contacts(now, limit=1).values_list("received_at", flat=True)
    oldest = next(iter(oldest), None)
    return max(0.0, (now - oldest).total_seconds()) if oldest else 0.0


def waiting_by_queue() -> list[tuple[str, str, int, datetime | None]]:
    """``(queue name, urgency, tasks waiting or offered, oldest created_at)`` (metrics)."""
    from django.db.models import Min

    rows = (
        Task.objects.filter(state__in=OPEN_TASK_STATES)
        .values_list("queue__name", "urgency")
        .annotate(n=Count("pk"), oldest=Min("created_at"))
        .order_by()
    )
    return list(rows)


def pending_offers() -> int:
    return Offer.objects.filter(state=OfferStateChoices.PENDING).count()


def queue_by_name(name: str):
    """An active queue (a call's transfer target), or None."""
    from lantern.routing.models import Queue

    return Queue.objects.filter(name=name, active=True).first() if name else None


def open_queues() -> list:
    from lantern.routing.models import Queue

    return list(Queue.objects.filter(active=True).order_by("name"))
