"""Lantern's default routing (``data/default_routing.json``): a crisis and an urgent queue open
24/7, a non-urgent queue on NHTH's hours with U.S. federal holidays whose emails and web tips are
reviewed every day, weekends and holidays included, and a workflow that sends
Spanish speakers to Spanish-speaking advocates first. Loaded by the migration, and again if a
database is found with no queues at all (so that contacts always have somewhere to wait)."""

from __future__ import annotations

import json
from pathlib import Path

DEFAULTS = Path(__file__).parent / "data" / "default_routing.json"


def load(BusinessCalendar, Queue, RoutingWorkflow) -> bool:  # noqa: N803 (model classes)
    """Create the defaults unless there are queues already. Takes the model classes so that a
    migration can pass its historical ones."""
    if Queue.objects.exists():
        return False
    data = json.loads(DEFAULTS.read_text(encoding="utf-8"))
    calendars = {}
    for row in data["calendars"]:
        calendars[row["name"]], _ = BusinessCalendar.objects.get_or_create(
            name=row["name"], defaults=row
        )
    for row in data["queues"]:
        row = dict(row)
        calendar = row.pop("calendar", None)
        review = row.pop("review_calendar", None)
        # an early migration's Queue has fewer fields: give it only those it has
        fields = {f.name for f in Queue._meta.get_fields()}
        row = {k: v for k, v in row.items() if k in fields}
        if "review_calendar" in fields:
            row["review_calendar"] = calendars.get(review)
        Queue.objects.create(calendar=calendars.get(calendar), **row)
    RoutingWorkflow.objects.create(definition=data["workflow"], note="Lantern's default")
    return True
