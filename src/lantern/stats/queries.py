"""Reads: releases (the public sees published ones only) and the staff's operational
dashboard, computed in the database for a date range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from lantern.stats.choices import ReleaseStatusChoices
from lantern.stats.models import BudgetSpend, Release


def reportable_year(year: int) -> bool:
    """A year statistics can be counted for: from 2000 to this one."""
    return 2000 <= year <= timezone.localdate().year


def published(year: int | None = None) -> Release | None:
    """The public release of ``year``, or the latest year's."""
    qs = Release.objects.filter(status=ReleaseStatusChoices.PUBLISHED)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "-approved_at").first()


def published_years() -> list[int]:
    return list(
        Release.objects.filter(status=ReleaseStatusChoices.PUBLISHED)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def releases():
    return Release.objects.select_related("prepared_by", "approved_by").order_by(
        "-year", "-prepared_at"
    )


def budget(year: int) -> tuple[float, list[BudgetSpend]]:
    """What the year's noisy releases spent, table by table."""
    spends = list(BudgetSpend.objects.filter(year=year).order_by("at"))
    return sum(s.epsilon for s in spends), spends


# --- operational dashboard --------------------------------------------------------------------


@dataclass
class Operations:
    start: date
    end: date  # inclusive
    by_day: list[tuple[date, dict[str, int]]]  # day -> channel -> contacts
    channels: list[tuple[str, str]]  # (value, label) of the channels seen
    by_hour: list[int]  # contacts by hour of day (hotline time), 0..23
    queues: list[dict]  # routing's figures per queue and channel
    answer_rate: float | None
    abandoned: int
    asa_seconds: float | None
    service_level: float | None
    top_venues: list[tuple[str, int]]
    referral_outcomes: list[tuple[str, int]]
    daily_review: list[dict]  # queues whose emails and tips are reviewed daily, and how it went
    fast_tracked: int  # tip reports approved by the crisis fast path in the period
    awaiting_review_after: int  # of all fast-tracked reports, those not yet reviewed (now)
    police_calls: int  # 911 or the police called during a contact, in the period
    interpreters: list[dict]  # by language: contacts with an interpreter, minutes on calls
    # potential victims of the period's cases that record the hotline supported them directly
    survivors_supported: int = 0
    spam: int = 0  # contacts dismissed as spam, left out of every figure above
    # T&TA requests: open and overdue now, delivered this calendar month, and in the period
    assistance: dict | None = None

    @property
    def total(self) -> int:
        return sum(self.by_hour)


def operations(start: date, end: date) -> Operations:
    """Figures for the days ``start`` to ``end`` (inclusive), in the hotline's time zone."""
    from lantern.cases.choices import ReferralStatusChoices
    from lantern.cases.models import Case, CaseParty, Referral
    from lantern.contacts.choices import ContactChannelChoices, VenueChoices
    from lantern.contacts.models import Contact
    from lantern.routing import call_queries
    from lantern.routing import queries as routing_queries

    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time(), zone)
    until = datetime.combine(end + timedelta(days=1), time(), zone)
    received = Contact.objects.filter(received_at__gte=since, received_at__lt=until)
    contacts = received.filter(spam_batch__isnull=True)
    spam = received.filter(spam_batch__isnull=False).count()
    days: dict = {}
    for row in (
        contacts.annotate(day=TruncDate("received_at", tzinfo=zone))
        .values("day", "channel")
        .annotate(n=Count("id"))
        .order_by()
    ):
        days.setdefault(row["day"], {})[row["channel"]] = row["n"]
    by_day = []
    day = start
    while day <= end:
        by_day.append((day, days.get(day, {})))
        day += timedelta(days=1)
    hours = [0] * 24
    for row in (
        contacts.annotate(hour=ExtractHour("received_at", tzinfo=zone))
        .values("hour")
        .annotate(n=Count("id"))
        .order_by()
    ):
        hours[row["hour"]] = row["n"]
    queues = routing_queries.daily_metrics(since, until)
    daily_review = routing_queries.daily_review(since, until, timezone.now())
    from lantern.cases.models import TipReport
    from lantern.contacts.models import PoliceCall

    fast = TipReport.objects.filter(fast_tracked_at__isnull=False)
    offered = sum(q["offered"] for q in queues)
    answered = sum(q["answered"] for q in queues)
    abandoned = sum(q["abandoned"] for q in queues)
    in_target = sum(q["in_target"] for q in queues)
    asa = [(q["asa_seconds"], q["answered"]) for q in queues if q["asa_seconds"] is not None]
    venues = dict(VenueChoices.choices)
    top = (
        Case.objects.filter(created_at__gte=since, created_at__lt=until, merged_into__isnull=True)
        .exclude(venue="unknown")
        .values("venue")
        .annotate(n=Count("id"))
        .order_by("-n")[:10]
    )
    outcomes = dict(ReferralStatusChoices.choices)
    referred = (
        Referral.objects.filter(given_at__gte=since, given_at__lt=until)
        .values("status")
        .annotate(n=Count("id"))
        .order_by("status")
    )
    used = sorted({c for counts in days.values() for c in counts})
    labels = dict(ContactChannelChoices.choices)
    return Operations(
        start=start,
        end=end,
        by_day=by_day,
        channels=[(c, labels.get(c, c)) for c in used],
        by_hour=hours,
        queues=queues,
        answer_rate=answered / offered if offered else None,
        abandoned=abandoned,
        asa_seconds=sum(a * n for a, n in asa) / sum(n for _, n in asa) if asa else None,
        service_level=in_target / (answered + abandoned) if answered + abandoned else None,
        top_venues=[(str(venues.get(r["venue"], r["venue"])), r["n"]) for r in top],
        referral_outcomes=[(str(outcomes.get(r["status"], r["status"])), r["n"]) for r in referred],
        daily_review=daily_review,
        fast_tracked=fast.filter(fast_tracked_at__gte=since, fast_tracked_at__lt=until).count(),
        awaiting_review_after=fast.filter(after_reviewed_at__isnull=True)
        .exclude(status="withdrawn")
        .count(),
        police_calls=PoliceCall.objects.filter(called_at__gte=since, called_at__lt=until)
        .values("contact")
        .distinct()
        .count(),
        spam=spam,
        interpreters=call_queries.interpreter_use(since, until),
        assistance=_assistance(start, end),
        survivors_supported=CaseParty.objects.filter(
            role="potential_victim", case__victims_served=True, case__merged_into__isnull=True,
            case__created_at__gte=since, case__created_at__lt=until,
        ).aggregate(n=Sum("count"))["n"] or 0,
    )  # fmt: skip


def _assistance(start: date, end: date) -> dict:
    from lantern.assistance import queries as assistance_queries

    today = timezone.localdate()
    period = assistance_queries.counts(start, end, today=today)
    month = assistance_queries.counts(today.replace(day=1), today, today=today)
    return {
        "open": period.open, "overdue": period.overdue, "received": period.received,
        "delivered": period.delivered, "hours": period.hours,
        "delivered_this_month": month.delivered,
    }  # fmt: skip


@dataclass
class PeriodTable:
    """One pre-defined table by month, quarter or year, from the latest snapshots: raw counts
    for staff, never published as they are."""

    key: str
    title: str
    unit: str
    year: int
    period: str
    state: str  # "" for the whole country
    columns: list[tuple[str, str]]  # (value, label)
    lines: list[tuple[str, dict, int | None]]  # (period, {column: count}, total if a partition)
    computed_at: datetime | None


def period_table(key: str, year: int, period: str, state: str = "") -> PeriodTable:
    """The latest snapshot of each period of ``year`` for table ``key`` (a ``TableSpec`` key;
    ``tables.UnknownTable`` otherwise), summed over the states, or for one state."""
    from lantern.stats import labels
    from lantern.stats.choices import SnapshotPeriodChoices
    from lantern.stats.models import Snapshot
    from lantern.stats.tables import spec

    table = spec(key)
    # only the newest snapshot of each period is read: nightly runs keep hundreds of older ones
    newest = Snapshot.objects.filter(
        table=key, period=period, period_start=OuterRef("period_start")
    ).order_by("-computed_at")
    latest = {
        snap.period_start: snap
        for snap in Snapshot.objects.filter(
            table=key,
            period=period,
            period_start__year=year,
            pk=Subquery(newest.values("pk")[:1]),
        )  # fmt: skip
    }
    lines, seen = [], set()
    for start, snap in sorted(latest.items()):
        counts: dict = {}
        for row, col, n in snap.rows:
            if not state or row == state:
                counts[col] = counts.get(col, 0) + n
                seen.add(col)
        label = {
            SnapshotPeriodChoices.MONTH: f"{start:%Y-%m}",
            SnapshotPeriodChoices.QUARTER: f"{start.year} Q{(start.month - 1) // 3 + 1}",
        }.get(period, str(start.year))
        lines.append((label, counts, sum(counts.values()) if table.partition else None))
    columns = [(c, labels.column(table.column, c)) for c in sorted(seen)]
    computed = max((s.computed_at for s in latest.values()), default=None)
    return PeriodTable(key=key, title=table.title, unit=table.unit, year=year, period=period,
                       state=state, columns=columns, lines=lines,
                       computed_at=computed)  # fmt: skip
