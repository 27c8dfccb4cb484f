r"""Directory search: the service layer behind the console panel, the HSDS API and the benchmark.

CONTRACT (the signatures below are what callers use):

    query = parse_query(params)           # Mapping[str, str] from a form or query string
                                          # -> DirectoryQuery, or raises InvalidInput with
                                          #    {"field": "reason"} errors (-> HTTP 422 / 400)
    page = search(user, query)            # -> SearchPage of Hit, one per service-at-location
    page = search_services(user, query)   # -> SearchPage whose hits are one per service (best
                                          #    location first), for the HSDS /services endpoint

Query parameters understood by ``parse_query`` (all optional): ``q`` (text), ``zip``, ``city`` +
``state``, ``lat`` + ``lon``, ``radius_km`` (0 < r <= 500, default 40), ``term`` (taxonomy term code
or id, repeatable / comma-separated), ``organization_type``, ``population`` (repeatable / comma-
separated: every one must be served), ``age`` (0..120: the service's age limits admit it),
``language``, ``open_now`` (1/true), ``available_24_7`` (1/true), ``verified_within_months``,
``organization_id``, ``modified_after`` (ISO date-time), ``page`` (>= 1), ``per_page``
(1..MAX_PER_PAGE). Aliases from the HSDS API are accepted: ``search`` (q), ``postcode`` (zip),
``taxonomy_term_id`` (term), ``24_7`` (available_24_7), ``radius`` (radius_km); and ``at`` (an ISO
instant for "open now", default: the present).

How a search runs:

* With a location (lat+lon, else ZIP, else city+state): entries inside a bounding box on the
  (latitude, longitude) index, kept when the exact haversine distance is within ``radius_km``,
  nearest first; then services whose area covers the caller (national, or statewide in the
  caller's state), each once at its nearest location, statewide before national. On SQLite both
  indexes carry the filter columns (``models.CoveringIndex``), so a table row is read only for
  an entry that passes every filter.
* Without a location: text relevance (FTS5 rank / ``ts_rank``), then name, ordered and paged in
  SQL; "open now" and one-hit-per-service page in Python over the matches' ids in that order.
* Text: the user's words only (``\w+``), all required, the last one also as a prefix. Without a
  location each is a quoted FTS5 string or a ``to_tsquery`` lexeme; near a place on SQLite, the
  few hundred candidates are tested on ``SearchEntry.words`` (stems, ``stemming.py``) with LIKE,
  which is far cheaper than every full-text match of a common word in the country. Every user
  value is passed as a query parameter.
* Filters are SQL on ``SearchEntry``'s token columns; "open now" is decided in Python on the
  candidates from ``SearchEntry.hours`` (weekly intervals compiled from the schedules) in each
  entry's own time zone.
* A page's details (phones, hours, languages, address) come from five narrow SQL queries.
* Confidential locations: distances come from their ZIP centre (the index never holds their
  coordinates) and are rounded to whole kilometres; ``Hit.address`` is None unless the rules
  allow ``view_confidential_location``; a ``Hit`` never carries coordinates.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.accounts import rules
from lantern.core import coerce, geo
from lantern.core.errors import InvalidInput
from lantern.core.language import language_name, normalize_language
from lantern.directory import stemming
from lantern.directory.choices import (
    VERIFICATION_INTERVAL_DAYS,
    OrganizationTypeChoices,
    PopulationChoices,
    ServiceAreaScopeChoices,
)
from lantern.directory.schedules import describe, is_always_open, is_open_compiled, open_always

MAX_PER_PAGE = 100
DEFAULT_RADIUS_KM = 40.0
MAX_RADIUS_KM = 500.0


@dataclass(frozen=True)
class DirectoryQuery:
    text: str = ""
    postal_code: str = ""
    city: str = ""
    state: str = ""
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float = DEFAULT_RADIUS_KM
    terms: tuple[str, ...] = ()  # taxonomy term codes
    organization_type: str = ""
    populations: tuple[str, ...] = ()  # every one must be served
    age: int | None = None  # the person's age: services whose age limits admit it
    language: str = ""
    open_now: bool = False
    available_24_7: bool = False
    verified_within_months: int | None = None
    organization_id: UUID | None = None
    modified_after: datetime | None = None
    # False for anything leaving the hotline (the HSDS API): confidential locations are then
    # not candidates at all, so neither a result nor a count or distance can reveal one.
    include_confidential: bool = True
    located_only: bool = False  # only entries with a location (HSDS service_at_locations)
    at: datetime | None = None  # "now" for open_now; tests pass a fixed instant
    page: int = 1
    per_page: int = 20


@dataclass
class Hit:
    """One result, with what an advocate needs to make the call and why it matched.

    Plain values, not model instances: a page is built from a few narrow queries, and nothing
    here can carry a confidential location's coordinates or be saved by mistake.
    """

    service_id: UUID
    service_name: str
    organization_id: UUID
    organization_name: str
    location_id: UUID | None  # None for services with no location
    service_at_location_id: UUID | None
    distance_km: float | None
    reasons: list[str]  # "12.3 km away", "serves all of TX", "matched: shelter", "open now"
    open_now: bool | None  # None when the hours are unknown
    hours: list[str]  # human-readable hours, e.g. "Mon–Fri 09:00–17:00", "Open 24/7"
    phones: list[dict]  # {"number", "extension", "type", "description"}
    languages: list[str]  # BCP 47 codes
    address: dict | None  # None when confidential and the user may not see it
    city: str
    state: str
    confidential: bool
    available_24_7: bool
    alert: str  # the service's alert ("closed for renovation until ..."), "" when none
    eligibility: str
    assured_date: date | None
    verification_due: bool
    entry_id: int | None = None  # SearchEntry id (stable within an index build)
    area: str = ""  # "serves all of TX" / "national" when the area, not the distance, matched


@dataclass
class SearchPage:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    origin: object | None = None  # core.geo.Place the distances are measured from
    warnings: list[str] = field(default_factory=list)

    @property
    def total_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# --- parsing -------------------------------------------------------------------------------------

# Names the HSDS API uses for the same things, accepted as aliases.
_ALIASES = {
    "search": "q",
    "postcode": "zip",
    "postal_code": "zip",
    "taxonomy_term_id": "term",
    "24_7": "available_24_7",
    "radius": "radius_km",
}
MAX_TEXT = 200
MAX_TERMS = 20
MAX_PAGE = 10_000
MAX_AGE = 120


def _values(params, key) -> list:
    getlist = getattr(params, "getlist", None)
    raw = getlist(key) if callable(getlist) else params.get(key)
    if raw is None:
        return []
    if isinstance(raw, list | tuple):
        return list(raw)
    return [raw]


def _one(params, key):
    values = _values(params, key)
    for alias, name in _ALIASES.items():
        if name == key and not values:
            values = _values(params, alias)
    if not values:
        return None
    value = values[-1]
    if value is None:
        return None
    if not isinstance(value, str):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("must be text")
        value = str(value)
    return value.strip()


def parse_query(params: Mapping) -> DirectoryQuery:
    """Validate query parameters into a ``DirectoryQuery``; ``InvalidInput`` names bad fields."""
    errors: dict[str, str] = {}
    out: dict = {}
    for key in params:
        # PostgreSQL refuses NUL in text; no real query has one, so it is bad input everywhere
        if any(isinstance(v, str) and "\x00" in v for v in _values(params, key)):
            errors[str(key)] = "contains a NUL character"
    if errors:
        raise InvalidInput(errors)

    def field(name, convert, key=None):
        key = key or name
        try:
            raw = _one(params, key)
            if raw is None or raw == "":
                return None
            return convert(raw)
        except (ValueError, TypeError, OverflowError) as exc:
            errors[key] = str(exc) or "is not valid"
            return None

    text = field("q", str)
    if text is not None:
        if len(text) > MAX_TEXT:
            errors["q"] = f"at most {MAX_TEXT} characters"
        elif "\x00" in text:
            errors["q"] = "contains a NUL character"
        else:
            out["text"] = text

    zip_code = field("zip", geo.normalize_zip)
    if zip_code is not None:
        if geo.place_for_zip(zip_code) is None:
            errors["zip"] = f"unknown ZIP code {zip_code}"
        else:
            out["postal_code"] = zip_code[:5]

    city = field("city", str)
    state = field("state", geo.normalize_state)
    if city and "state" not in errors:
        if not state:
            errors["state"] = "give the state with the city"
        elif geo.place_for_city(city, state) is None:
            errors["city"] = f"unknown city {city!r} in {state}"
        else:
            out["city"], out["state"] = city, state
    elif state:
        out["state"] = state

    def latitude(v):
        x = coerce.number(v)
        if not -90 <= x <= 90:
            raise ValueError("latitude must be between -90 and 90")
        return x

    def longitude(v):
        x = coerce.number(v)
        if not -180 <= x <= 180:
            raise ValueError("longitude must be between -180 and 180")
        return x

    lat, lon = field("lat", latitude), field("lon", longitude)
    if (lat is None) != (lon is None) and "lat" not in errors and "lon" not in errors:
        errors["lon" if lon is None else "lat"] = "give lat and lon together"
    elif lat is not None and lon is not None:
        out["latitude"], out["longitude"] = lat, lon

    def radius(v):
        r = coerce.number(v)
        if not 0 < r <= MAX_RADIUS_KM:
            raise ValueError(f"radius must be more than 0 and at most {MAX_RADIUS_KM:g} km")
        return r

    r = field("radius_km", radius)
    if r is not None:
        out["radius_km"] = r

    raw_terms = []
    for key in ("term", "taxonomy_term_id"):
        for value in _values(params, key):
            if not isinstance(value, str):
                errors["term"] = "must be text"
                continue
            raw_terms.extend(t.strip() for t in value.split(",") if t.strip())
    if raw_terms:
        if len(raw_terms) > MAX_TERMS:
            errors["term"] = f"at most {MAX_TERMS} terms"
        else:
            codes, unknown = _term_codes(raw_terms)
            if unknown:
                errors["term"] = "unknown taxonomy term " + ", ".join(repr(t) for t in unknown)
            else:
                out["terms"] = tuple(codes)

    def choice(choices, label):
        def convert(v):
            if v not in choices.values:
                raise ValueError(f"unknown {label} {v!r}")
            return v

        return convert

    org_type = field("organization_type", choice(OrganizationTypeChoices, "organization type"))
    if org_type:
        out["organization_type"] = org_type
    populations = []
    for value in _values(params, "population"):
        for code in str(value).split(",") if isinstance(value, str) else [value]:
            code = str(code).strip()
            if code and code not in PopulationChoices.values:
                errors["population"] = f"unknown population {code!r}"
            elif code and code not in populations:
                populations.append(code)
    if populations:
        out["populations"] = tuple(populations)

    def age(v):
        n = coerce.integer(v)
        if not 0 <= n <= MAX_AGE:
            raise ValueError(f"must be between 0 and {MAX_AGE}")
        return n

    person_age = field("age", age)
    if person_age is not None:
        out["age"] = person_age
    language = field("language", normalize_language)
    if language:
        out["language"] = language
    for name in ("open_now", "available_24_7"):
        value = field(name, coerce.boolean)
        if value is not None:
            out[name] = value

    def months(v):
        n = coerce.integer(v)
        if not 1 <= n <= 600:
            raise ValueError("must be between 1 and 600 months")
        return n

    verified = field("verified_within_months", months)
    if verified is not None:
        out["verified_within_months"] = verified
    org_id = field("organization_id", lambda v: UUID(v))
    if org_id is not None:
        out["organization_id"] = org_id

    def instant(v):
        try:
            moment = datetime.fromisoformat(v.replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValueError("must be an ISO 8601 date or date-time") from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment

    modified = field("modified_after", instant)
    if modified is not None:
        out["modified_after"] = modified
    at = field("at", instant)
    if at is not None:
        out["at"] = at

    def page_number(v):
        n = coerce.integer(v)
        if not 1 <= n <= MAX_PAGE:
            raise ValueError(f"page must be between 1 and {MAX_PAGE}")
        return n

    def page_size(v):
        n = coerce.integer(v)
        if not 1 <= n <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        return n

    page = field("page", page_number)
    if page is not None:
        out["page"] = page
    per_page = field("per_page", page_size)
    if per_page is not None:
        out["per_page"] = per_page

    if errors:
        raise InvalidInput(errors)
    return DirectoryQuery(**out)


def _term_codes(values: list[str]) -> tuple[list[str], list[str]]:
    """Term codes or ids -> the tokens ``SearchEntry.terms`` holds; and the unknown ones."""
    from lantern.directory.models import TaxonomyTerm

    ids, codes = [], []
    for v in values:
        try:
            ids.append(UUID(v))
        except ValueError:
            codes.append(v)
    found: dict[str, str] = {}
    rows = TaxonomyTerm.objects.filter(Q(code__in=codes) | Q(pk__in=ids)).values_list("pk", "code")
    for pk, code in rows:
        token = code or str(pk)
        found[str(pk)] = token
        if code:
            found[code] = token
    resolved, unknown = [], []
    for v in values:
        key = str(UUID(v)) if _is_uuid(v) else v
        if key in found:
            if found[key] not in resolved:
                resolved.append(found[key])
        else:
            unknown.append(v)
    return resolved, unknown


def _is_uuid(v: str) -> bool:
    try:
        UUID(v)
    except ValueError:
        return False
    return True


# --- full text -----------------------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 8


def text_words(text: str) -> list[str]:
    """The words of a user's text, lower-cased and without accents (as the index holds them), at
    most ``MAX_WORDS``; nothing else survives."""
    words = []
    for w in _WORD.findall(stemming.fold(text.lower())):
        w = w.strip("_")
        if w and w not in words:
            words.append(w)
    return words[:MAX_WORDS]


def fts5_query(words: list[str]) -> str:
    """An FTS5 query in which every word is a quoted string (never FTS syntax): all words must
    match; the last word also as a prefix, for search as you type."""
    parts = [f'"{w}"' for w in words]
    if words and len(words[-1]) >= 2:
        parts[-1] = f'("{words[-1]}" OR "{words[-1]}"*)'
    return " AND ".join(parts)


def tsquery(words: list[str]) -> str:
    """A ``to_tsquery`` string built from word characters only; the last word also as a prefix."""
    parts = [w for w in words]
    if words and len(words[-1]) >= 2:
        parts[-1] = f"({words[-1]} | {words[-1]}:*)"
    return " & ".join(parts)


# --- search --------------------------------------------------------------------------------------

_COLUMNS = (
    "se.id, se.service_id, se.latitude, se.longitude, se.reach, se.reach_states, se.state, "
    "se.time_zone, se.hours, se.name, se.confidential, se.available_24_7"
)
_ID, _SERVICE, _LAT, _LON, _REACH, _REACH_STATES, _STATE, _TZ, _HOURS, _NAME, _CONF, _247 = range(
    12
)
_TIER = 12  # the ", <focus tier>" a located search selects after the columns


@dataclass
class _Candidate:
    row: tuple
    distance: float | None = None
    area: str = ""  # "serves all of TX", "national"
    open_now: bool | None = None
    tier: int = 0  # 1 when the text matched only the organization's or location's words


def _like_token(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


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


_PG_MATCH = "se.text_tsv @@ to_tsquery('english', %s)"  # migration 0005
_PG_RANK = "ts_rank(se.text_tsv, to_tsquery('english', %s))"
_FTS_JOIN = "JOIN directory_search_fts ON directory_search_fts.rowid = se.id"


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


def _fetch(where: list[str], params: list, extra_from: str = "", select: str = "") -> list:
    """Light candidate rows. ``extra_from`` is a constant: a join or an index hint."""
    # Only constant SQL fragments are joined here; every user value travels as a parameter.
    sql = f"SELECT {_COLUMNS}{select} FROM directory_searchentry se {extra_from} WHERE "  # noqa: S608
    sql += " AND ".join(where)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(
        origin.latitude, origin.longitude, query.radius_km
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
    # (an IN on the indexed column, not an OR, so the reach index is used)
    national, statewide = ServiceAreaScopeChoices.NATIONAL, ServiceAreaScopeChoices.STATE
    reach = ["se.reach = %s"]
    reach_params: list = [national]
    if origin.state:
        reach = ["se.reach IN (%s, %s)", "(se.reach = %s OR se.reach_states LIKE %s)"]
        reach_params = [national, statewide, national, f"% {origin.state} %"]
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


def _reasons(cand, e, query, words, term_names) -> list[str]:
    """Why a hit is shown, in the reader's language: "12.3 km away", "matched: shelter"."""
    reasons = []
    distance = _visible_distance(cand)
    if distance is not None:
        reasons.append(
            _("about %(km)s km away") % {"km": f"{distance:.0f}"}
            if e["confidential"]
            else _("%(km)s km away") % {"km": f"{distance:.1f}"}
        )
    if cand.area == "national":
        reasons.append(_("serves the whole country"))
    elif cand.area:
        reasons.append(_("serves all of %(state)s") % {"state": cand.area.rsplit(" ", 1)[-1]})
    entry_terms = set(e["terms"].split())
    matched_terms = [t for t in query.terms if t in entry_terms]
    if matched_terms:
        names = ", ".join(term_names.get(t, t) for t in matched_terms)
        reasons.append(_("matched: %(terms)s") % {"terms": names})
    if words:
        reasons.append(_("matched words: %(words)s") % {"words": ", ".join(words)})
    if query.language:
        reasons.append(_("speaks %(language)s") % {"language": language_name(query.language)})
    for population in query.populations:
        reasons.append(_("serves %(group)s") % {"group": PopulationChoices(population).label})
    if query.age is not None:
        reasons.append(_("takes age %(age)s") % {"age": query.age})
    if cand.open_now:
        reasons.append(_("open now"))
    if e["available_24_7"] or is_always_open(e["hours"]):
        reasons.append("24/7")
    return reasons


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


def search(user, query: DirectoryQuery) -> SearchPage:
    """One hit per service-at-location the user may see, best first (see the module docstring)."""
    return _search(user, query, per_service=False)


def search_services(user, query: DirectoryQuery) -> SearchPage:
    """Like ``search``, one hit per service: its best-placed location."""
    return _search(user, query, per_service=True)


def _search(user, query: DirectoryQuery, *, per_service: bool) -> SearchPage:
    # Staff need view_directory. An anonymous visitor reaches here only through the public HSDS
    # API (LANTERN_HSDS_PUBLIC), which never includes confidential locations.
    public = user is not None and not user.is_authenticated and not query.include_confidential
    if not public and not rules.allows(user, "view_directory"):
        raise PermissionDenied("not allowed to search the directory")
    origin = origin_of(query)
    words = text_words(query.text)
    warnings = []
    if query.text.strip() and not words:
        warnings.append("the text has no words to search for; it was ignored")
    at = query.at or timezone.now()
    if origin is None:
        page, total = _unlocated_page(query, words, at, per_service=per_service)
    else:
        candidates = _candidates(query, origin, words)
        if query.open_now:
            for cand in candidates.values():
                cand.open_now = is_open_compiled(cand.row[_HOURS], at, cand.row[_TZ])
            candidates = {k: c for k, c in candidates.items() if c.open_now}
        ranked = _rank(query, origin, candidates)
        if per_service:
            ranked = _first_per_service(ranked, key=lambda c: c.row[_SERVICE])
        start = (query.page - 1) * query.per_page
        page, total = ranked[start : start + query.per_page], len(ranked)
        if not query.open_now:  # a broad search has thousands of candidates; a page has 20
            for cand in page:
                cand.open_now = is_open_compiled(cand.row[_HOURS], at, cand.row[_TZ])
    return SearchPage(
        hits=_hits(user, query, page),
        total=total,
        page=query.page,
        per_page=query.per_page,
        origin=origin,
        warnings=warnings,
    )


def _first_per_service(items: list, key) -> list:
    seen, unique = set(), []
    for item in items:
        if key(item) not in seen:
            seen.add(key(item))
            unique.append(item)
    return unique


def _unlocated_page(query, words, at, *, per_service: bool) -> tuple[list[_Candidate], int]:
    """Without a location: text relevance (FTS5 rank / ``ts_rank``), then name, ordered and paged
    in SQL. "Open now" and one-per-service need every match's hours or service, so those read
    the matches' ids in order (a few narrow columns) and page in Python."""
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
    if not query.open_now and not per_service:
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


# What a page shows, read with plain SQL: this runs on every search, and the ORM's query building
# cost more than the queries themselves (bench/directory.py). Columns are listed once here.
_ENTRY_SQL = """
    SELECT se.id, se.service_id, se.organization_id, se.location_id, se.service_at_location_id,
           se.confidential, se.state, se.terms, se.available_24_7, se.hours, se.assured_date,
           s.name, s.alert, s.eligibility_description, o.name
    FROM directory_searchentry se
    JOIN directory_service s ON s.id = se.service_id
    JOIN directory_organization o ON o.id = se.organization_id
    WHERE se.id IN ({})"""
_ENTRY_KEYS = (
    "id", "service_id", "organization_id", "location_id", "service_at_location_id",
    "confidential", "state", "terms", "available_24_7", "hours", "assured_date",
    "service_name", "alert", "eligibility", "organization_name",
)  # fmt: skip
_OWNED_COLUMNS = {
    "directory_phone": (
        "id", "service_id", "location_id", "service_at_location_id",
        "number", "extension", "type", "description",
    ),
    "directory_language": ("id", "service_id", "location_id", "code"),
    "directory_schedule": (
        "id", "service_id", "location_id", "service_at_location_id",
        "freq", "byday", "bymonthday", "byweekno", "byyearday", "opens_at", "closes_at",
        "valid_from", "valid_to", "description",
    ),
}  # fmt: skip
_ADDRESS_SQL = """
    SELECT location_id, address_1, address_2, city, state_province, postal_code, country
    FROM directory_address WHERE location_id IN ({})
    ORDER BY CASE WHEN address_type = 'postal' THEN 1 ELSE 0 END"""
_ADDRESS_KEYS = ("address_1", "address_2", "city", "state_province", "postal_code", "country")


def _select(sql: str, params: list) -> list[tuple]:
    """Rows of a constant SQL statement; every value travels as a parameter."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _in(values) -> str:
    return ", ".join(["%s"] * len(values))


def _db_uuid(value: UUID):
    return value.hex if connection.vendor == "sqlite" else value


def _uuid(value) -> UUID | None:
    """A UUID column as read: SQLite gives its 32 hex digits, PostgreSQL a UUID."""
    if value is None or isinstance(value, UUID):
        return value
    return UUID(value)


def _owned_by(table: str, owners: list[tuple[str, set]]) -> list[tuple]:
    """Rows of ``table`` belonging to any of the owners, in one query: a UNION of one indexed
    lookup per owner column (an OR of them would scan the table). A row found through two
    owners comes once."""
    parts, params = [], []
    for column, ids in owners:
        if ids:
            # constant table and column names only; the ids are parameters
            columns = ", ".join(_OWNED_COLUMNS[table])
            parts.append(f"SELECT {columns} FROM {table} WHERE {column} IN ({_in(ids)})")  # noqa: S608
            params += [_db_uuid(i) for i in ids]
    if not parts:
        return []
    names = _OWNED_COLUMNS[table]
    rows = {row[0]: row for row in _select(" UNION ALL ".join(parts), params)}
    return [
        tuple(
            _uuid(v) if n == "id" or n.endswith("_id") else v
            for n, v in zip(names, row, strict=True)
        )
        for row in rows.values()
    ]


def _hits(user, query: DirectoryQuery, page: list[_Candidate]) -> list[Hit]:
    """Load what the page shows in a fixed number of narrow queries (no N+1, no model objects)."""
    from lantern.directory.models import TaxonomyTerm

    if not page:
        return []
    ids = [c.row[_ID] for c in page]
    entries = {}
    for row in _select(_ENTRY_SQL.format(_in(ids)), ids):
        e = dict(zip(_ENTRY_KEYS, row, strict=True))
        for key in ("service_id", "organization_id", "location_id", "service_at_location_id"):
            e[key] = _uuid(e[key])
        e["confidential"], e["available_24_7"] = bool(e["confidential"]), bool(e["available_24_7"])
        if isinstance(e["assured_date"], str):  # SQLite
            e["assured_date"] = date.fromisoformat(e["assured_date"])
        entries[e["id"]] = e
    service_ids = {e["service_id"] for e in entries.values()}
    location_ids = {e["location_id"] for e in entries.values()} - {None}
    sal_ids = {e["service_at_location_id"] for e in entries.values()} - {None}
    owners = [
        ("service_id", service_ids),
        ("location_id", location_ids),
        ("service_at_location_id", sal_ids),
    ]
    phones, languages, schedules = defaultdict(list), defaultdict(list), defaultdict(list)
    for _pk, *keys, number, extension, kind, description in sorted(
        _owned_by("directory_phone", owners), key=lambda p: (p[4], str(p[0]))
    ):
        phone = {"number": number, "extension": extension, "type": kind, "description": description}
        for key in keys:
            if key:
                phones[key].append(phone)
    for _pk, service_id, location_id, code in sorted(
        _owned_by("directory_language", owners[:2]), key=lambda x: (x[3], str(x[0]))
    ):
        languages[service_id or location_id].append(code)
    for row in sorted(_owned_by("directory_schedule", owners), key=lambda x: str(x[0])):
        schedule = dict(zip(_OWNED_COLUMNS["directory_schedule"], row, strict=True))
        for key in row[1:4]:
            if key:
                schedules[key].append(schedule)
    addresses: dict = {}
    if location_ids:
        params = [_db_uuid(i) for i in location_ids]
        for location_id, *values in _select(_ADDRESS_SQL.format(_in(params)), params):
            # a physical address first, the postal one when that is all there is
            addresses.setdefault(_uuid(location_id), dict(zip(_ADDRESS_KEYS, values, strict=True)))
    term_names = (
        dict(TaxonomyTerm.objects.filter(code__in=query.terms).values_list("code", "name"))
        if query.terms
        else {}
    )
    see_confidential = rules.allows(user, "view_confidential_location")
    today = timezone.localdate()
    words = text_words(query.text)
    hits = []
    for cand in page:
        e = entries[cand.row[_ID]]
        service_id, location_id = e["service_id"], e["location_id"]
        sal_id = e["service_at_location_id"]
        distance = _visible_distance(cand)
        reasons = _reasons(cand, e, query, words, term_names)
        # the most specific schedules apply: service-at-location, service, then location
        own = schedules.get(sal_id) or schedules.get(service_id) or schedules.get(location_id)
        hours_text = describe(own or [])
        if e["available_24_7"] and open_always() not in hours_text:
            hours_text = [open_always(), *hours_text]
        hit_phones, seen_numbers = [], set()
        for key in (sal_id, service_id, location_id):
            for phone in phones.get(key, []) if key else []:
                if (phone["number"], phone["extension"]) not in seen_numbers:
                    seen_numbers.add((phone["number"], phone["extension"]))
                    hit_phones.append(phone)
        codes = []
        for code in languages.get(service_id, []) + languages.get(location_id, []):
            if code and code not in codes:
                codes.append(code)
        address = addresses.get(location_id)
        assured = e["assured_date"]
        hits.append(
            Hit(
                service_id=service_id,
                service_name=e["service_name"],
                organization_id=e["organization_id"],
                organization_name=e["organization_name"],
                location_id=location_id,
                service_at_location_id=sal_id,
                distance_km=distance,
                reasons=reasons,
                open_now=cand.open_now,
                hours=hours_text,
                phones=hit_phones,
                languages=codes,
                address=(
                    address
                    if address is not None and (not e["confidential"] or see_confidential)
                    else None
                ),
                city=address["city"] if address else "",
                state=e["state"],
                confidential=e["confidential"],
                available_24_7=e["available_24_7"],
                alert=e["alert"],
                eligibility=e["eligibility"],
                assured_date=assured,
                verification_due=assured is None
                or (today - assured).days > VERIFICATION_INTERVAL_DAYS,
                entry_id=cand.row[_ID],
                area=cand.area,
            )
        )
    return hits
