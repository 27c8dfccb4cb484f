"""Finding the protocol for a case: one indexed query for the candidate jurisdictions, then the
engine's choice (``engine.choose``)."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from lantern.protocols import engine
from lantern.protocols.choices import ProtocolLevelChoices
from lantern.protocols.models import Protocol, ProtocolStep


def candidates(place: engine.Place):
    """Active protocols whose jurisdiction could contain ``place``: the national ones and its
    state's (county and city names are compared in Python, ignoring case and spacing)."""
    where = Q(level=ProtocolLevelChoices.NATIONAL)
    if place.state:
        where |= Q(
            level__in=[
                ProtocolLevelChoices.STATE, ProtocolLevelChoices.COUNTY, ProtocolLevelChoices.CITY
            ],
            state=place.state,
        )
    return Protocol.objects.filter(where, active=True).order_by()


def protocol_for(place: engine.Place, situation: engine.Situation) -> Protocol | None:
    """The protocol to follow, with its steps (and their directory services) loaded; None when
    no protocol matches, not even a national one."""
    chosen = engine.choose(candidates(place), place, situation)
    if chosen is None:
        return None
    steps = ProtocolStep.objects.select_related("service", "service__organization")
    return (
        Protocol.objects.prefetch_related(Prefetch("steps", queryset=steps))
        .select_related("verified_by")
        .get(pk=chosen.pk)
    )


def protocols_for_user(user):
    return Protocol.objects.select_related("verified_by").order_by(
        "level", "state", "county", "city", "name"
    )
