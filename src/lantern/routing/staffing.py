"""The staffing planner: advocates needed per hour of the week, from the contacts of a period.

Volume comes from the contacts themselves (every channel, counted in the database by weekday and
hour in the hotline's time zone, averaged over the weeks of the period). Handle time is the
average time advocates spent on routed contacts (answered to logged) per channel, or a default
where there is no history yet. Texts and chats are handled several at a time: their workload is
divided by the concurrency advocates take (``AdvocateStatus.capacity``, two chats by default).
Each hour's workload then goes through Erlang C for the target, capped by an occupancy ceiling.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

from lantern.contacts.models import Contact
from lantern.routing import erlang
from lantern.routing.choices import TaskStateChoices
from lantern.routing.models import Task

DEFAULT_HANDLE = {"phone": 900, "sms": 1500, "chat": 1500, "email": 1200, "webform": 1200}
CONCURRENCY = {"phone": 1, "sms": 3, "chat": 2, "email": 5, "webform": 5, "other": 1}
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass
class Cell:
    contacts: float  # average contacts in this hour of the week
    agents: int
    service_level: float
    asa_seconds: float
    occupancy: float


def weeks_between(start: date, end: date) -> float:
    return max(1.0, ((end - start).days + 1) / 7)


def volumes(start: date, end: date, tz) -> dict[tuple[int, int, str], float]:
    """Average contacts per (ISO weekday 1-7, hour, channel) over the period."""
    since = datetime.combine(start, time.min, tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tz)
    rows = (
        Contact.objects.filter(received_at__gte=since, received_at__lt=until)
        .annotate(
            weekday=ExtractIsoWeekDay("received_at", tzinfo=tz),
            hour=ExtractHour("received_at", tzinfo=tz),
        )
        .values("weekday", "hour", "channel")
        .annotate(n=Count("pk"))
    )
    weeks = weeks_between(start, end)
    return {(r["weekday"], r["hour"], r["channel"]): r["n"] / weeks for r in rows}


def handle_times(start: date, end: date, tz) -> dict[str, float]:
    """Average seconds from answer to logged, per channel (defaults where there is none)."""
    since = datetime.combine(start, time.min, tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tz)
    sums: dict[str, list] = defaultdict(lambda: [0.0, 0])
    rows = Task.objects.filter(
        created_at__gte=since,
        created_at__lt=until,
        state=TaskStateChoices.COMPLETED,
        answered_at__isnull=False,
    ).values_list("channel", "answered_at", "ended_at")
    for channel, answered, ended in rows.iterator(chunk_size=2000):
        sums[channel][0] += (ended - answered).total_seconds()
        sums[channel][1] += 1
    out = dict(DEFAULT_HANDLE)
    out.update({ch: total / n for ch, (total, n) in sums.items() if n})
    return out


def plan(
    by_hour: dict[tuple[int, int, str], float],
    handle: dict[str, float],
    *,
    target: float,
    answer_within: float,
    max_occupancy: float = 1.0,
    minimum: int = 1,
) -> dict[tuple[int, int], Cell]:
    """Advocates needed per (ISO weekday, hour); never fewer than ``minimum`` (urgent work is
    answered 24/7, so an hour without history still needs someone)."""
    workload: dict[tuple[int, int], list] = defaultdict(lambda: [0.0, 0.0])  # contacts, seconds
    for (weekday, hour, channel), contacts in by_hour.items():
        seconds = handle.get(channel, DEFAULT_HANDLE.get(channel, 900))
        effective = seconds / CONCURRENCY.get(channel, 1)
        workload[(weekday, hour)][0] += contacts
        workload[(weekday, hour)][1] += contacts * effective
    cells = {}
    for weekday in range(1, 8):
        for hour in range(24):
            contacts, seconds = workload.get((weekday, hour), (0.0, 0.0))
            if contacts == 0:
                cells[(weekday, hour)] = Cell(0.0, minimum, 1.0, 0.0, 0.0)
                continue
            result = erlang.agents_needed(
                contacts=contacts,
                period_seconds=3600,
                handle_seconds=seconds / contacts,
                answer_within=answer_within,
                target=target,
                max_occupancy=max_occupancy,
            )
            if result.agents < minimum:
                result = erlang.erlang_c(
                    contacts=contacts, period_seconds=3600, handle_seconds=seconds / contacts,
                    agents=minimum, answer_within=answer_within,
                )  # fmt: skip
            cells[(weekday, hour)] = Cell(
                contacts, result.agents, result.service_level, result.asa_seconds, result.occupancy
            )
    return cells


def weekly_plan(
    start: date,
    end: date,
    tz,
    *,
    target: float,
    answer_within: float,
    max_occupancy: float = 1.0,
    minimum: int = 1,
) -> dict[tuple[int, int], Cell]:
    return plan(
        volumes(start, end, tz),
        handle_times(start, end, tz),
        target=target,
        answer_within=answer_within,
        max_occupancy=max_occupancy,
        minimum=minimum,
    )


def urgency_mix(default=None) -> dict[str, float]:
    """The share of crisis, urgent and non-urgent among routed contacts (a default until there
    are a hundred of them)."""
    counts = dict(Task.objects.values_list("urgency").annotate(n=Count("pk")))
    total = sum(counts.values())
    if total < 100:
        return default or {"crisis": 0.05, "urgent": 0.15, "non_urgent": 0.80}
    return {u: counts.get(u, 0) / total for u in ("crisis", "urgent", "non_urgent")}
