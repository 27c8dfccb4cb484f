"""Keep ``SearchEntry`` rows in step with the directory.

Every change to a service, its organization, locations, schedules, languages or areas ends with
``reindex_services(ids)`` (``actions.py`` and the importer call it); ``rebuild_index()`` redoes
everything. Full-text rows follow through database triggers (SQLite) or an expression index
(PostgreSQL), see migration 0002.

Rows are built from plain column values fetched a chunk of services at a time (a dozen queries
per ``BATCH`` services, no model instances but the ``SearchEntry`` rows written), so a rebuild
of a million-service directory takes minutes, not hours; see ``bench/directory.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from lantern.core import geo
from lantern.directory import schedules as hours
from lantern.directory import taxonomy
from lantern.directory.choices import ServiceAreaScopeChoices, ServiceStatusChoices
from lantern.directory.models import (
    Address,
    Language,
    Location,
    Organization,
    Schedule,
    SearchEntry,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from lantern.directory.stemming import fold, words_column

BATCH = 2000
_IN = 500  # ids per IN (...) list, well inside every database's limits
_REACH_ORDER = [
    ServiceAreaScopeChoices.NATIONAL,
    ServiceAreaScopeChoices.STATE,
    ServiceAreaScopeChoices.COUNTY,
    ServiceAreaScopeChoices.CITY,
    ServiceAreaScopeChoices.POSTAL_CODE,
    ServiceAreaScopeChoices.LOCAL,
]
_SCHEDULE_FIELDS = [
    "service_id",
    "location_id",
    "service_at_location_id",
    "freq",
    "byday",
    "bymonthday",
    "byweekno",
    "byyearday",
    "opens_at",
    "closes_at",
    "valid_from",
    "valid_to",
    "description",
]


def _tokens(values: Iterable[str]) -> str:
    """``["en", "es"]`` -> ``" en es "``: a ``LIKE '% es %'`` then matches whole tokens only."""
    cleaned = sorted({v.strip().lower() for v in values if v and v.strip()})
    return f" {' '.join(cleaned)} " if cleaned else ""


def _chunks(ids: list, size: int = _IN):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _rows(model, field: str, ids: Iterable, *columns) -> list:
    """``values()`` rows of ``model`` whose ``field`` is in ``ids``, fetched in chunks."""
    ids = [i for i in set(ids) if i is not None]
    out = []
    for chunk in _chunks(ids):
        out.extend(model.objects.filter(**{f"{field}__in": chunk}).values(*columns))
    return out


def _build(service_ids: list) -> list[SearchEntry]:
    services = _rows(
        Service,
        "pk",
        service_ids,
        "id",
        "organization_id",
        "name",
        "alternate_name",
        "description",
        "eligibility_description",
        "status",
        "populations",
        "available_24_7",
        "assured_date",
    )
    if not services:
        return []
    orgs = {
        o["id"]: o
        for o in _rows(
            Organization,
            "pk",
            (s["organization_id"] for s in services),
            "id",
            "name",
            "alternate_name",
            "organization_type",
        )
    }
    ids = [s["id"] for s in services]
    through = Service.taxonomy_terms.through
    service_terms = defaultdict(list)
    term_rows = _rows(through, "service_id", ids, "service_id", "taxonomyterm_id")
    term_info = _terms(r["taxonomyterm_id"] for r in term_rows)
    parents = _ancestors(term_info)
    for r in term_rows:
        service_terms[r["service_id"]].append(term_info[r["taxonomyterm_id"]])
    areas = defaultdict(list)
    for a in _rows(ServiceArea, "service_id", ids, "service_id", "scope", "state"):
        areas[a["service_id"]].append(a)
    sals = defaultdict(list)
    sal_rows = _rows(ServiceAtLocation, "service_id", ids, "id", "service_id", "location_id")
    for r in sal_rows:
        sals[r["service_id"]].append(r)
    location_ids = [r["location_id"] for r in sal_rows]
    locations = {
        loc["id"]: loc
        for loc in _rows(
            Location,
            "pk",
            location_ids,
            "id",
            "name",
            "latitude",
            "longitude",
            "confidential",
            "time_zone",
        )
    }
    addresses = defaultdict(list)
    for a in _rows(
        Address,
        "location_id",
        location_ids,
        "location_id",
        "address_type",
        "postal_code",
        "state_province",
        "city",
    ):
        addresses[a["location_id"]].append(a)
    languages = defaultdict(list)
    for lang in _rows(Language, "service_id", ids, "service_id", "code"):
        languages[lang["service_id"]].append(lang["code"])
    for lang in _rows(Language, "location_id", location_ids, "location_id", "code"):
        languages[lang["location_id"]].append(lang["code"])
    scheds = defaultdict(list)
    schedule_rows = (
        _rows(Schedule, "service_id", ids, *_SCHEDULE_FIELDS)
        + _rows(Schedule, "location_id", location_ids, *_SCHEDULE_FIELDS)
        + _rows(Schedule, "service_at_location_id", (r["id"] for r in sal_rows), *_SCHEDULE_FIELDS)
    )
    seen = set()
    for s in schedule_rows:
        key = tuple(s.values())
        if key in seen:
            continue
        seen.add(key)
        # the most specific owner: service-at-location, then service, then location
        owner = s["service_at_location_id"] or s["service_id"] or s["location_id"]
        scheds[owner].append(s)

    entries = []
    for service in services:
        org = orgs[service["organization_id"]]
        terms = service_terms[service["id"]]
        service_areas = areas[service["id"]]
        reach = min(
            (a["scope"] for a in service_areas),
            key=_REACH_ORDER.index,
            default=ServiceAreaScopeChoices.LOCAL,
        )
        reach_states = _tokens(a["state"] for a in service_areas if a["state"]).upper()
        service_languages = languages[service["id"]]
        service_schedules = scheds[service["id"]]
        # the service's own words: they rank a hit above one that matched only its
        # organization's or location's name ("shelter" finds shelters before the food pantry
        # of "Hope Shelter Inc.")
        own = " ".join(
            filter(
                None,
                [
                    service["name"],
                    service["alternate_name"],
                    service["description"],
                    service["eligibility_description"],
                    " ".join(t["name"] for t in terms),
                ],
            )
        )
        text = " ".join(filter(None, [own, org["name"], org["alternate_name"]]))
        common = dict(
            service_id=service["id"],
            organization_id=org["id"],
            active=service["status"] == ServiceStatusChoices.ACTIVE,
            reach=reach,
            reach_states=reach_states,
            # a feed's own terms, and the Lantern service types they mean
            terms=_tokens(
                [t["code"] or str(t["id"]) for t in terms]
                + sorted(taxonomy.service_types_for(terms, parents))
            ),
            focus=words_column(fold(own)),
            populations=_tokens(service["populations"] or []),
            organization_type=org["organization_type"],
            available_24_7=service["available_24_7"],
            assured_date=service["assured_date"],
            name=service["name"][:300],
        )
        found = []
        for sal in sals[service["id"]]:
            loc = locations[sal["location_id"]]
            loc_addresses = addresses[loc["id"]]
            address = next(
                (a for a in loc_addresses if a["address_type"] != "postal"),
                loc_addresses[0] if loc_addresses else None,
            )
            postal_code = (address["postal_code"] if address else "")[:5]
            place = geo.place_for_zip(postal_code) if postal_code else None
            lat, lon = loc["latitude"], loc["longitude"]
            if loc["confidential"] or lat is None or lon is None:
                # a shelter's own coordinates never reach search: its ZIP centre stands in
                lat, lon = (place.latitude, place.longitude) if place else (None, None)
            state = (address["state_province"] if address else "").upper()[:2]
            if not state and place:
                state = place.state
            found.append(
                SearchEntry(
                    **common,
                    location_id=loc["id"],
                    service_at_location_id=sal["id"],
                    latitude=lat,
                    longitude=lon,
                    state=state,
                    postal_code=postal_code,
                    time_zone=loc["time_zone"] or (place.time_zone if place else ""),
                    languages=_tokens(service_languages + languages[loc["id"]]),
                    confidential=loc["confidential"],
                    hours=hours.compile_hours(
                        scheds[sal["id"]] or service_schedules or scheds[loc["id"]],
                        always_open=service["available_24_7"],
                    ),
                    **_text(text, loc["name"], address["city"] if address else ""),
                )
            )
        if not found:
            # a hotline or virtual service with no location is still searchable by area and text
            states = reach_states.split()
            found.append(
                SearchEntry(
                    **common,
                    state=states[0] if len(states) == 1 else "",
                    languages=_tokens(service_languages),
                    hours=hours.compile_hours(
                        service_schedules, always_open=service["available_24_7"]
                    ),
                    **_text(text),
                )
            )
        entries.extend(found)
    return entries


def _terms(ids: Iterable) -> dict:
    return {t["id"]: t for t in _rows(TaxonomyTerm, "pk", ids, "id", "code", "name", "parent_id")}


def _ancestors(terms: dict) -> dict:
    """The parent terms of ``terms`` up the tree (id -> term), so a feed's narrow term under
    "Emergency Shelters" counts as a shelter too."""
    found: dict = {}
    wanted = {t["parent_id"] for t in terms.values()} - {None}
    for _ in range(taxonomy.MAX_PARENT_DEPTH):
        wanted -= found.keys()
        if not wanted:
            break
        batch = _terms(wanted)
        found.update(batch)
        wanted = {t["parent_id"] for t in batch.values()} - {None}
    return found


def _text(*parts: str) -> dict:
    text = fold(" ".join(filter(None, parts)))
    return {"text": text, "words": words_column(text)}


def entries_for(service: Service) -> list[SearchEntry]:
    """The (unsaved) search rows of one service."""
    return _build([service.pk])


def _write(ids: list, *, delete: bool) -> int:
    written = 0
    for chunk in _chunks(ids, BATCH):
        if delete:
            for part in _chunks(chunk):
                SearchEntry.objects.filter(service_id__in=part).delete()
        rows = _build(chunk)
        SearchEntry.objects.bulk_create(rows, batch_size=500)
        written += len(rows)
    return written


def reindex_services(service_ids: Iterable) -> int:
    """Rebuild the search rows of these services (deleted services just lose theirs)."""
    with transaction.atomic():
        return _write(list(service_ids), delete=True)


def rebuild_index() -> int:
    """Rebuild every search row (after a bulk import, or to repair the index). One transaction."""
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        return _write(
            list(Service.objects.order_by("pk").values_list("pk", flat=True)), delete=False
        )
