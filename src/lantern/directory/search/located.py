"""A search near a place, one page at a time.

At national scale a broad search near a place has thousands of candidates (about 9,000 within
40 km of a big city at 1M services, and every national service besides), yet shows 20. Reading
each candidate's whole row and ranking them all in Python cost more than everything else
(bench/directory.py). Here the candidates come from the two location indexes alone (on SQLite
both carry the filter columns and what ranking needs: id, coordinates, the service of an area
entry), so no table row is read to count them; their distances decide the order, and only the
page (with the candidates tied with its first or last hit) is read whole, its ties then broken
by name and id as before.

The order and the total are those of ``candidates._candidates`` + ``candidates._rank``:

* inside the radius, by (text tier, distance, name, id);
* then each service that reaches the caller through its area (national, or statewide in the
  caller's state) and has no entry inside the radius, once, at its nearest entry, by (tier,
  national after statewide, distance, name, id).

A service's reach is the same on all its entries (``indexing`` writes them together), so an
area service with an entry inside the radius finds that entry among the area rows too: the
services to leave out are known without reading the service of every entry in the box.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import connection

from lantern.core import geo
from lantern.directory.choices import ServiceAreaScopeChoices
from lantern.directory.schedules import is_open_compiled
from lantern.directory.search.candidates import (
    _box,
    _Candidate,
    _filters,
    _focus_tier,
    _reach,
    _word_filters,
)
from lantern.directory.search.query import DirectoryQuery
from lantern.directory.search.sql import _ID, _NAME, _PG_MATCH, _fetch, _in, _select
from lantern.directory.search.text import tsquery


@dataclass(slots=True)
class _Light:
    """A candidate before its row is read: what ranking needs."""

    id: int
    latitude: float | None
    longitude: float | None
    tier: int
    distance: float | None = None
    service: object = None  # known for area entries only
    area: str = ""
    open_now: bool | None = None


def located_page(
    query: DirectoryQuery, origin: geo.Place, words: list[str], at
) -> tuple[list[_Candidate], int]:
    """One page of a search near ``origin`` and the total, as ``_candidates`` + ``_rank`` give."""
    pg = connection.vendor == "postgresql"
    where, params = _filters(query, connection.vendor)
    if words and pg:
        where, params = [*where, _PG_MATCH], [*params, tsquery(words)]
    elif words:
        word_where, word_params = _word_filters(words)
        where, params = [*where, *word_where], [*params, *word_params]
    tier, tier_params = _focus_tier(words) if words else ("0", [])
    columns = f"se.id, se.latitude, se.longitude, {tier}"
    if query.open_now:
        columns += ", se.hours, se.time_zone"
    # SQLite's planner would rather drive the query from a full-text match (a common word
    # matches a fifth of the directory); the box on the (latitude, longitude) index is narrower.
    box, box_params = _box(origin, query.radius_km)
    hint = "" if pg else "INDEXED BY directory_se_latlon"
    found: dict[int, _Light] = {}
    radius = query.radius_km
    for pk, lat, lon, row_tier, *when in _rows(
        columns, hint, box + where, [*tier_params, *box_params, *params]
    ):
        d = geo.distance_km(origin.latitude, origin.longitude, lat, lon)
        if d <= radius:
            found[pk] = _Light(pk, lat, lon, row_tier, distance=d, open_now=_open(when, at))
    reach, reach_params = _reach(origin)
    # The statistics say three reach values share the table evenly; in fact "local" is nearly
    # all of it, so without the hint SQLite scans the table for the two rare values.
    hint = "" if pg else "INDEXED BY directory_se_reach"
    # a distance is only worth computing where it might be within the radius; the rest are
    # measured if the page reaches them (a degree of latitude is over 110 km)
    near_lat = math.degrees(radius / geo.EARTH_RADIUS_KM) + 1.0
    outside: list[_Light] = []
    for pk, lat, lon, row_tier, *when, service, row_reach in _rows(
        f"{columns}, se.service_id, se.reach", hint, reach + where,
        [*tier_params, *reach_params, *params],
    ):  # fmt: skip
        cand = found.get(pk)
        if cand is None:
            cand = _Light(pk, lat, lon, row_tier, open_now=_open(when, at))
            if lat is not None and lon is not None and abs(lat - origin.latitude) <= near_lat:
                cand.distance = geo.distance_km(origin.latitude, origin.longitude, lat, lon)
            if cand.distance is not None and cand.distance <= radius:
                found[pk] = cand
            else:
                outside.append(cand)
        cand.service = service
        cand.area = (
            "national"
            if row_reach == ServiceAreaScopeChoices.NATIONAL
            else f"serves all of {origin.state}"
        )
    inside = list(found.values())
    if query.open_now:
        inside = [c for c in inside if c.open_now]
        outside = [c for c in outside if c.open_now]
    inside_services = {c.service for c in inside if c.service is not None}
    outside = [c for c in outside if c.service not in inside_services]
    start = (query.page - 1) * query.per_page
    stop = start + query.per_page
    total = len(inside) + len({c.service for c in outside})
    inside.sort(key=_inside_key)
    windows = [(inside, _inside_key, start, min(stop, len(inside)))]
    if stop > len(inside):
        outside = _nearest_per_service(outside, origin)
        outside.sort(key=_outside_key)
        lo, hi = max(0, start - len(inside)), stop - len(inside)
        windows.append((outside, _outside_key, lo, min(hi, len(outside))))
    return _read_page(windows), total


def _rows(columns: str, hint: str, where: list[str], params: list) -> list[tuple]:
    """``columns`` of the entries that pass ``where``; only constant SQL fragments are joined
    here (``hint`` is an index hint or nothing), every user value travels as a parameter."""
    sql = f"SELECT {columns} FROM directory_searchentry se {hint} WHERE {' AND '.join(where)}"  # noqa: S608
    return _select(sql, params)


def _open(when: list, at) -> bool | None:
    return is_open_compiled(when[0], at, when[1]) if when else None


def _inside_key(c: _Light) -> tuple:
    return (c.tier, c.distance)


def _outside_key(c: _Light) -> tuple:
    return (c.tier, c.area == "national", c.distance if c.distance is not None else math.inf)


def _nearest_per_service(outside: list[_Light], origin: geo.Place) -> list[_Light]:
    """Each service once, at its nearest entry (the first met among equals, as ``_rank``)."""
    best: dict = {}
    for c in outside:
        if c.distance is None and c.latitude is not None and c.longitude is not None:
            c.distance = geo.distance_km(origin.latitude, origin.longitude, c.latitude, c.longitude)
        if c.service not in best or (c.distance or math.inf) < (
            best[c.service].distance or math.inf
        ):
            best[c.service] = c
    return list(best.values())


def _read_page(windows) -> list[_Candidate]:
    """The rows of each window ``items[lo:hi]`` (items sorted by ``key``), widened to the items
    tied with its ends, read in one query; the ties are then ordered by name and id."""
    spans = []
    for items, key, lo, hi in windows:
        if lo >= hi:
            continue
        a, b = lo, hi
        while a > 0 and key(items[a - 1]) == key(items[lo]):
            a -= 1
        while b < len(items) and key(items[b]) == key(items[hi - 1]):
            b += 1
        spans.append((items, key, lo, hi, a, b))
    ids = [c.id for items, _key, _lo, _hi, a, b in spans for c in items[a:b]]
    if not ids:
        return []
    rows = {row[_ID]: row for row in _fetch([f"se.id IN ({_in(ids)})"], ids)}
    page = []
    for items, key, lo, hi, a, b in spans:
        span = sorted(items[a:b], key=lambda c: (*key(c), rows[c.id][_NAME].lower(), c.id))
        for c in span[lo - a : hi - a]:
            page.append(
                _Candidate(
                    rows[c.id], distance=c.distance, area=c.area, open_now=c.open_now, tier=c.tier
                )
            )
    return page
