"""Finding candidates: the SQL filters a query becomes, where a search is measured from,
the entries near it or covering it, text relevance without a place, and their ranking."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.db import connection
from django.utils import timezone

from lantern.core import geo
from lantern.core.errors import InvalidInput
from lantern.directory import stemming
from lantern.directory.choices import (
    ServiceAreaScopeChoices,
)
from lantern.directory.schedules import is_open_compiled
from lantern.directory.search.query import DirectoryQuery
from lantern.directory.search.sql import (
    _CONF,
    _FTS_JOIN,
    _HOURS,
    _ID,
    _LAT,
    _LON,
    _NAME,
    _PG_MATCH,
    _PG_RANK,
    _REACH,
    _SERVICE,
    _TIER,
    _TZ,
    _fetch,
    _in,
    _like_token,
    _select,
)
from lantern.directory.search.text import fts5_query, tsquery

# "open now" without a location passes the open (hours, time zone) pairs as parameters up to
# this many (SQLite allows 32,766 parameters, PostgreSQL 65,535); past it, Python tests them
_MAX_OPEN_PAIRS = 5000


@dataclass
class _Candidate:
    row: tuple
    distance: float | None = None
    area: str = ""  # "serves all of TX", "national"
    open_now: bool | None = None
    tier: int = 0  # 1 when the text matched only the organization's or location's words


def _filters(query: DirectoryQuery, vendor: str) -> tuple[list[str], list]:
    where = ["se.active = %s"]
    params: list = [True]
    if not query.include_confidential:
        where.append("se.confidential = %s")
        params.append(False)
    if query.located_only:
        where.append("se.location_id IS NOT NULL")
    if query.terms:
        where.append("(" + " OR ".join(["se.terms LIKE %s ESCAPE '\\'"] * len(query.terms)) + ")")
        params += [_like_token(f" {t.lower()} ") for t in query.terms]
    if query.language:
        tag = query.language.lower()
        primary = tag.split("-")[0]
        options = [f" {tag} ", f" {primary}-"] if tag == primary else [f" {tag} ", f" {primary} "]
        where.append("(" + " OR ".join(["se.languages LIKE %s ESCAPE '\\'"] * 2) + ")")
        params += [_like_token(o) for o in options]
    for population in query.populations:
        where.append("se.populations LIKE %s ESCAPE '\\'")
        params.append(_like_token(f" {population} "))
    if query.age is not None:
        where.append(
            "EXISTS (SELECT 1 FROM directory_service sv WHERE sv.id = se.service_id"
            " AND (sv.minimum_age IS NULL OR sv.minimum_age <= %s)"
            " AND (sv.maximum_age IS NULL OR sv.maximum_age >= %s))"
        )
        params += [query.age, query.age]
    if query.organization_type:
        where.append("se.organization_type = %s")
        params.append(query.organization_type)
    if query.available_24_7:
        where.append("se.available_24_7 = %s")
        params.append(True)
    ops = connection.ops
    if query.verified_within_months:
        since = _months_ago(timezone.localdate(), query.verified_within_months)
        where.append("se.assured_date >= %s")
        params.append(ops.adapt_datefield_value(since))
    if query.organization_id:
        where.append("se.organization_id = %s")
        params.append(query.organization_id.hex if vendor == "sqlite" else query.organization_id)
    if query.modified_after:
        where.append("se.service_id IN (SELECT id FROM directory_service WHERE last_modified > %s)")
        params.append(ops.adapt_datetimefield_value(query.modified_after))
    return where, params


def _months_ago(today: date, months: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    day = min(today.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return date(year, month, day)


def _word_filters(words: list[str], column: str = "se.words") -> tuple[list[str], list]:
    """``SearchEntry.words`` tests equivalent to ``fts5_query(words)``: each word's stem as a
    whole token, the last one (of 2+ letters) also as a prefix. ``column`` is a constant."""
    where, params = [], []
    for i, word in enumerate(words):
        parts = stemming.tokens(word)  # "a_b" is two tokens, as in FTS5
        for j, token in enumerate(parts):
            prefix = i == len(words) - 1 and j == len(parts) - 1 and len(word) >= 2
            where.append(f"{column} LIKE %s ESCAPE '\\'")
            params.append(_like_token(f" {token}" if prefix else f" {token} "))
    return where, params


def _focus_tier(words: list[str]) -> tuple[str, list]:
    """An SQL value, 0 when every word is among the service's own words (``SearchEntry.focus``:
    its name, description, eligibility, terms), else 1: what ranks a shelter above the food
    pantry of an organization named "... Shelter"."""
    tests, params = _word_filters(words, column="se.focus")
    if not tests:
        return "0", []
    return f"(CASE WHEN {' AND '.join(tests)} THEN 0 ELSE 1 END)", params


def origin_of(query: DirectoryQuery) -> geo.Place | None:
    """Where distances are measured from: lat/lon, else the ZIP's centre, else the city's."""
    if query.latitude is not None and query.longitude is not None:
        lat, lon = query.latitude, query.longitude
        return geo.Place(
            latitude=lat,
            longitude=lon,
            state=_state_at(lat, lon, query.state),
            city="",
            postal_code="",
            time_zone="",
        )
    if query.postal_code:
        place = geo.place_for_zip(query.postal_code)
        if place is None:
            raise InvalidInput({"zip": f"unknown ZIP code {query.postal_code}"})
        return place
    if query.city:
        place = geo.place_for_city(query.city, query.state)
        if place is None:
            raise InvalidInput({"city": f"unknown city {query.city!r} in {query.state}"})
        return place
    return None


def _state_at(lat: float, lon: float, given: str) -> str:
    """The state of a lat/lon point: the given one, else the nearest ZIP centre's (offline)."""
    return given or _nearest_state(lat, lon)


def _nearest_state(lat: float, lon: float) -> str:
    grid = _zip_grid()
    key = (round(lat), round(lon))
    best, best_d = "", 250.0  # only a ZIP centre within 250 km says which state this is
    for dlat in (-2, -1, 0, 1, 2):
        for dlon in (-3, -2, -1, 0, 1, 2, 3):
            for plat, plon, state in grid.get((key[0] + dlat, key[1] + dlon), ()):
                d = geo.distance_km(lat, lon, plat, plon)
                if d < best_d:
                    best, best_d = state, d
    return best


@lru_cache(maxsize=1)
def _zip_grid() -> dict:
    import zipcodes

    grid: dict = {}
    for row in zipcodes.list_all():
        try:
            lat, lon = float(row["lat"]), float(row["long"])
        except (TypeError, ValueError):
            continue
        grid.setdefault((round(lat), round(lon)), []).append((lat, lon, row["state"]))
    return grid


def _box(origin: geo.Place, radius_km: float) -> tuple[list[str], list]:
    """SQL for the bounding box around ``origin`` on the (latitude, longitude) index."""
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(
        origin.latitude, origin.longitude, radius_km
    )
    box = ["se.latitude BETWEEN %s AND %s"]
    box_params: list = [min_lat, max_lat]
    if min_lon < -180 or max_lon > 180:
        box.append("(se.longitude >= %s OR se.longitude <= %s)")
        lo, hi = (min_lon + 360, max_lon) if min_lon < -180 else (min_lon, max_lon - 360)
        box_params += [lo, hi]
    else:
        box.append("se.longitude BETWEEN %s AND %s")
        box_params += [min_lon, max_lon]
    return box, box_params


def _reach(origin: geo.Place) -> tuple[list[str], list]:
    """SQL for the services whose area covers ``origin``: national, or statewide in its state
    (an IN on the indexed column, not an OR, so the reach index is used)."""
    national, statewide = ServiceAreaScopeChoices.NATIONAL, ServiceAreaScopeChoices.STATE
    if origin.state:
        return (
            ["se.reach IN (%s, %s)", "(se.reach = %s OR se.reach_states LIKE %s)"],
            [national, statewide, national, f"% {origin.state} %"],
        )
    return ["se.reach = %s"], [national]


def _candidates(query: DirectoryQuery, origin: geo.Place, words: list[str]):
    """Every entry near ``origin`` or serving it through its area, that passes the filters."""
    vendor = connection.vendor
    where, params = _filters(query, vendor)
    found: dict[int, _Candidate] = {}
    pg = vendor == "postgresql"
    if words and pg:
        where, params = [*where, _PG_MATCH], [*params, tsquery(words)]
    elif words:
        # Near a place the location indexes leave a few hundred rows: testing their stemmed
        # words is far cheaper than fetching every full-text match of a common word.
        word_where, word_params = _word_filters(words)
        where, params = [*where, *word_where], [*params, *word_params]
    # 1. within the radius: the bounding box on the (latitude, longitude) index, then haversine
    box, box_params = _box(origin, query.radius_km)
    # SQLite's planner would rather drive the query from a full-text match (a common word
    # matches a fifth of the directory); the box on the (latitude, longitude) index is narrower.
    hint = "INDEXED BY directory_se_latlon" if not pg else ""
    tier, tier_params = _focus_tier(words) if words else ("0", [])
    select = f", {tier}"
    for row in _fetch(box + where, tier_params + box_params + params, hint, select):
        d = geo.distance_km(origin.latitude, origin.longitude, row[_LAT], row[_LON])
        if d <= query.radius_km:
            found[row[_ID]] = _Candidate(row, distance=d, tier=row[_TIER])
    # 2. services whose area covers the caller: national, or statewide in the caller's state
    reach, reach_params = _reach(origin)
    # The statistics say three reach values share the table evenly; in fact "local" is nearly
    # all of it, so without the hint SQLite scans the table for the two rare values.
    hint = "INDEXED BY directory_se_reach" if not pg else ""
    for row in _fetch(reach + where, tier_params + reach_params + params, hint, select):
        area = (
            "national"
            if row[_REACH] == ServiceAreaScopeChoices.NATIONAL
            else (f"serves all of {origin.state}")
        )
        cand = found.get(row[_ID])
        if cand is None:
            d = None
            if row[_LAT] is not None and row[_LON] is not None:
                d = geo.distance_km(origin.latitude, origin.longitude, row[_LAT], row[_LON])
            cand = found[row[_ID]] = _Candidate(row, distance=d, tier=row[_TIER])
        cand.area = area
    return found


def _visible_distance(cand: _Candidate) -> float | None:
    if cand.distance is None:
        return None
    if cand.row[_CONF]:
        return float(round(cand.distance))
    return round(cand.distance, 1)


def _rank(query: DirectoryQuery, origin, candidates: dict[int, _Candidate]) -> list[_Candidate]:
    radius = query.radius_km
    inside = [c for c in candidates.values() if c.distance is not None and c.distance <= radius]
    outside = [c for c in candidates.values() if c.distance is None or c.distance > radius]
    # a service reaching the caller through its area is listed once, at its nearest location
    best: dict = {}
    for c in outside:
        key = c.row[_SERVICE]
        if key not in best or (c.distance or math.inf) < (best[key].distance or math.inf):
            best[key] = c
    inside_services = {c.row[_SERVICE] for c in inside}
    outside = [c for c in best.values() if c.row[_SERVICE] not in inside_services]
    inside.sort(key=lambda c: (c.tier, c.distance, c.row[_NAME].lower(), c.row[_ID]))
    outside.sort(
        key=lambda c: (
            c.tier,
            c.area == "national",
            c.distance if c.distance is not None else math.inf,
            c.row[_NAME].lower(),
            c.row[_ID],
        )
    )
    return inside + outside


def _first_per_service(items: list, key) -> list:
    seen, unique = set(), []
    for item in items:
        if key(item) not in seen:
            seen.add(key(item))
            unique.append(item)
    return unique


def _unlocated_page(query, words, at, *, per_service: bool) -> tuple[list[_Candidate], int]:
    """Without a location: text relevance (FTS5 rank / ``ts_rank``), then name, ordered and paged
    in SQL, the total a COUNT. "Open now" is decided once per distinct (hours, time zone) of the
    matches (a GROUP BY: a few hundred at most where the matches are thousands), and the page is
    then the matches with an open pair. One-per-service needs every match's service, so it reads
    the matches' ids in order (a few narrow columns) and pages in Python."""
    pg = connection.vendor == "postgresql"
    where, params = _filters(query, connection.vendor)
    extra_from, order, order_params = "", "LOWER(se.name), se.id", []
    if words:
        tier, order_params = _focus_tier(words)
    if words and pg:
        where, params = [*where, _PG_MATCH], [*params, tsquery(words)]
        order = f"{tier}, {_PG_RANK} DESC, {order}"
        order_params = [*order_params, tsquery(words)]
    elif words:
        where, params = [*where, "directory_search_fts MATCH %s"], [*params, fts5_query(words)]
        extra_from, order = _FTS_JOIN, f"{tier}, directory_search_fts.rank, {order}"
    # Only constant SQL fragments are joined here; every user value travels as a parameter.
    body = f"FROM directory_searchentry se {extra_from} WHERE {' AND '.join(where)}"  # noqa: S608
    start = (query.page - 1) * query.per_page
    open_pairs = None
    if query.open_now and not per_service:
        open_pairs, total = [], 0
        for hours, tz, count in _select(
            f"SELECT se.hours, se.time_zone, COUNT(*) {body} GROUP BY se.hours, se.time_zone",
            params,
        ):
            if is_open_compiled(hours, at, tz):
                open_pairs += [hours, tz]
                total += count
        if len(open_pairs) > _MAX_OPEN_PAIRS * 2:
            open_pairs = None  # too many to pass as parameters: test them in Python below
        elif not open_pairs:
            return [], 0
        else:
            pairs = ", ".join(["(%s, %s)"] * (len(open_pairs) // 2))
            body += f" AND (se.hours, se.time_zone) IN (VALUES {pairs})"
            params = [*params, *open_pairs]
    if not per_service and (open_pairs or not query.open_now):
        if not query.open_now:
            total = _select(f"SELECT COUNT(*) {body}", params)[0][0]
        ids = [
            row[0]
            for row in _select(
                f"SELECT se.id {body} ORDER BY {order} LIMIT %s OFFSET %s",
                [*params, *order_params, query.per_page, start],
            )
        ]
    else:
        rows = _select(
            f"SELECT se.id, se.service_id, se.hours, se.time_zone {body} ORDER BY {order}",
            [*params, *order_params],
        )
        if query.open_now:
            open_at = lru_cache(maxsize=None)(lambda hours, tz: is_open_compiled(hours, at, tz))
            rows = [row for row in rows if open_at(row[2], row[3])]
        if per_service:
            rows = _first_per_service(rows, key=lambda row: row[1])
        total = len(rows)
        ids = [row[0] for row in rows[start : start + query.per_page]]
    if not ids:
        return [], total
    by_id = {row[_ID]: row for row in _fetch([f"se.id IN ({_in(ids)})"], ids)}
    page = [_Candidate(by_id[pk]) for pk in ids]
    for cand in page:
        cand.open_now = is_open_compiled(cand.row[_HOURS], at, cand.row[_TZ])
    return page, total
