"""What a directory search asks for and gets back (``DirectoryQuery``, ``Hit``,
``SearchPage``), and ``parse_query``, which reads it from a form or a query string."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from uuid import UUID

from django.db.models import Q

from lantern.core import coerce, geo
from lantern.core.errors import InvalidInput
from lantern.core.language import normalize_language
from lantern.directory.choices import (
    OrganizationTypeChoices,
    PopulationChoices,
)

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
