"""Choosing a protocol, and checking that a set of protocols can always be chosen from.

Pure: works on any objects with the ``Protocol`` fields, so the rules are tested without the
database. A protocol *matches* a case when its jurisdiction contains the case's location and each
condition it sets equals the case's fact (a fact not known yet matches only "any"). The chosen
one is the most specific: the narrowest jurisdiction first, then the one that sets the most
conditions. Two active protocols that could both match the same case at the same level and with
the same number of conditions would make the choice arbitrary: that is the overlap refused when
protocols are saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from lantern.protocols.choices import LEVEL_RANK, ProtocolLevelChoices
from lantern.protocols.models import SITUATION_FIELDS


def norm(text: str) -> str:
    return " ".join((text or "").split()).casefold()


@dataclass(frozen=True)
class Place:
    state: str = ""
    county: str = ""
    city: str = ""


@dataclass(frozen=True)
class Situation:
    """A case's facts as protocols see them; None where not known."""

    crisis: bool | None = None
    trafficking_type: str | None = None
    minor: bool | None = None
    consent: bool | None = None
    foreign_national: bool | None = None


def covers(protocol, place: Place) -> bool:
    level = protocol.level
    if level == ProtocolLevelChoices.NATIONAL:
        return True
    if protocol.state != place.state:
        return False
    if level == ProtocolLevelChoices.STATE:
        return True
    if level == ProtocolLevelChoices.COUNTY:
        return bool(place.county) and norm(protocol.county) == norm(place.county)
    return bool(place.city) and norm(protocol.city) == norm(place.city)


def fits(protocol, situation: Situation) -> bool:
    return all(getattr(situation, name) == value for name, value in protocol.situation().items())


def specificity(protocol) -> tuple[int, int]:
    return LEVEL_RANK[protocol.level], len(protocol.situation())


def choose(protocols, place: Place, situation: Situation):
    """The most specific active protocol for ``place`` and ``situation``, or None."""
    matching = [p for p in protocols if p.active and covers(p, place) and fits(p, situation)]
    return max(matching, key=specificity, default=None)


def same_jurisdiction(a, b) -> bool:
    return (
        a.level == b.level
        and a.state == b.state
        and norm(a.county) == norm(b.county)
        and norm(a.city) == norm(b.city)
    )


def could_both_match(a, b) -> bool:
    """Some case fits both: no condition that both set differs."""
    sa, sb = a.situation(), b.situation()
    return all(sa[name] == sb[name] for name in SITUATION_FIELDS if name in sa and name in sb)


def jurisdiction_errors(protocol) -> dict[str, str]:
    errors = {}
    level = protocol.level
    if level not in LEVEL_RANK:
        return {"level": f"{level!r} is not a level: national, state, county or city"}
    if level == ProtocolLevelChoices.NATIONAL:
        if protocol.state or protocol.county or protocol.city:
            errors["state"] = "a national protocol has no state, county or city"
        return errors
    if not protocol.state:
        errors["state"] = f"a {level} protocol needs its state"
    if level == ProtocolLevelChoices.COUNTY and not protocol.county.strip():
        errors["county"] = "a county protocol needs its county"
    if level == ProtocolLevelChoices.CITY and not protocol.city.strip():
        errors["city"] = "a city protocol needs its city"
    if level != ProtocolLevelChoices.COUNTY and protocol.county:
        errors["county"] = f"a {level} protocol has no county"
    if level != ProtocolLevelChoices.CITY and protocol.city:
        errors["city"] = f"a {level} protocol has no city"
    return errors


def overlapping(protocol, others):
    """The active protocols that ``protocol`` would make an arbitrary choice with."""
    return [
        other
        for other in others
        if other.pk != protocol.pk
        and other.active
        and same_jurisdiction(protocol, other)
        and len(other.situation()) == len(protocol.situation())
        and could_both_match(protocol, other)
    ]
