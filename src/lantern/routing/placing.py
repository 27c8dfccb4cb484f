"""Where a task goes and when it is due: what the actions and the dispatcher's engine share.

A task is placed in the queue its workflow step names (following a surge diversion), with that
queue's skills and priority; pending offers of it are withdrawn when it must wait again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from lantern.routing import live, queries
from lantern.routing.choices import URGENCY_RANK, OfferStateChoices, TaskStateChoices
from lantern.routing.models import Offer, Queue, Task
from lantern.routing.workflow import Target


def priority(urgency: str, queue: Queue) -> int:
    """Urgency first (a crisis pre-empts everything), then the queue's own priority."""
    return URGENCY_RANK[urgency] * 1000 + queue.priority


def follow_diversion(queue: Queue, queues: dict[str, Queue]) -> Queue:
    seen = set()
    while queue.diverted_to_id and queue.pk not in seen:
        seen.add(queue.pk)
        queue = next((q for q in queues.values() if q.pk == queue.diverted_to_id), queue)
    return queue


def due_at(queue: Queue, now: datetime, channel: str = "") -> datetime:
    """When a contact entering ``queue`` now must be answered by (its service-level target):
    for a channel the queue reviews daily, the end of the next review session."""
    if queries.reviewed_daily(queue, channel):
        return queries.calendar_for(queue, channel).end_of_next_session(now)
    calendar = queries.calendar_of(queue)
    if calendar is None:
        return now + timedelta(seconds=queue.answer_within_seconds)
    if calendar.is_open(now):
        return calendar.add_business_days(now, queue.first_response_business_days)
    return calendar.add_business_days(now, queue.after_hours_business_days)


def place(task: Task, target: Target, queues: dict[str, Queue], now: datetime) -> None:
    queue = follow_diversion(queues[target.queue], queues)
    task.queue = queue
    task.skills = sorted(set(queue.skills) | set(target.skills))
    task.priority = priority(task.urgency, queue)
    task.step_timeout_at = now + timedelta(seconds=target.timeout) if target.timeout else None


def facts(task: Task) -> dict:
    return {
        "urgency": task.urgency,
        "language": task.language,
        "channel": task.channel,
        "category": task.category,
        "flags": task.flags,
    }


def withdraw_offers(offers, now) -> int:
    pending = list(
        offers.filter(state=OfferStateChoices.PENDING).values_list("pk", "task", "advocate")
    )
    if not pending:
        return 0
    Offer.objects.filter(pk__in=[p[0] for p in pending], state=OfferStateChoices.PENDING).update(
        state=OfferStateChoices.WITHDRAWN, answered_at=now
    )
    Task.objects.filter(pk__in=[p[1] for p in pending], state=TaskStateChoices.OFFERED).update(
        state=TaskStateChoices.WAITING
    )
    live.changed(*(p[2] for p in pending))
    return len(pending)
