"""What the outbound queue holds (health, metrics, the board): counts and ages, no content."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Min

from lantern.outbox.choices import OutboxItemStateChoices as State
from lantern.outbox.models import OutboxItem


def waiting() -> tuple[int, datetime | None]:
    """Rows not sent yet (waiting or being sent), and when the oldest was queued."""
    row = OutboxItem.objects.filter(state__in=[State.PENDING, State.SENDING]).aggregate(
        n=Count("pk"), oldest=Min("created_at")
    )
    return row["n"], row["oldest"]


def dead_count(kind_prefix: str = "") -> int:
    qs = OutboxItem.objects.filter(state=State.DEAD)
    if kind_prefix:
        qs = qs.filter(kind__startswith=kind_prefix)
    return qs.count()


def counts_by_state() -> dict[tuple[str, str], int]:
    """``(kind, state) -> rows`` (metrics)."""
    rows = OutboxItem.objects.values_list("kind", "state").annotate(n=Count("pk")).order_by()
    return {(kind, state): n for kind, state, n in rows}
