"""Reads: releases (the public sees published ones only) and the staff's operational
dashboard, computed in the database for a date range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from lantern.stats.choices import ReleaseStatusChoices
from lantern.stats.models import BudgetSpend, Release


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

    @property
    def total(self) -> int:
        return sum(self.by_hour)


def operations(start: date, end: date) -> Operations:
    """Figures for the days ``start`` to ``end`` (inclusive), in the hotline's time zone."""
    from lantern.cases.choices import ReferralStatusChoices
    from lantern.cases.models import Case, Referral
    from lantern.contacts.choices import ContactChannelChoices, VenueChoices
    from lantern.contacts.models import Contact
    from lantern.routing import queries as routing_queries

    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time(), zone)
    until = datetime.combine(end + timedelta(days=1), time(), zone)
    contacts = Contact.objects.filter(received_at__gte=since, received_at__lt=until)
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
    )
