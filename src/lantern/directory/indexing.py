"""Keep ``SearchEntry`` rows in step with the directory.

Every change to a service, its organization, locations, schedules, languages or areas ends with
``reindex_services(ids)`` (``actions.py`` and the importer call it); ``rebuild_index()`` redoes
everything. Full-text rows follow through database triggers (SQLite) or an expression index
(PostgreSQL), see migration 0002.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from lantern.core import geo
from lantern.directory.choices import ServiceAreaScopeChoices, ServiceStatusChoices
from lantern.directory.models import SearchEntry, Service

BATCH = 500
_REACH_ORDER = [
    ServiceAreaScopeChoices.NATIONAL,
    ServiceAreaScopeChoices.STATE,
    ServiceAreaScopeChoices.COUNTY,
    ServiceAreaScopeChoices.CITY,
    ServiceAreaScopeChoices.POSTAL_CODE,
    ServiceAreaScopeChoices.LOCAL,
]


def _tokens(values: Iterable[str]) -> str:
    """``["en", "es"]`` -> ``" en es "``: a ``LIKE '% es %'`` then matches whole tokens only."""
    cleaned = sorted({v.strip().lower() for v in values if v and v.strip()})
    return f" {' '.join(cleaned)} " if cleaned else ""


def _services(ids):
    return Service.objects.filter(pk__in=ids).select_related("organization").prefetch_related(
        "taxonomy_terms",
        "languages",
        "service_areas",
        "service_at_locations__location__addresses",
        "service_at_locations__location__languages",
    )


def entries_for(service: Service) -> list[SearchEntry]:
    org = service.organization
    terms = list(service.taxonomy_terms.all())
    areas = list(service.service_areas.all())
    reach = min(
        (a.scope for a in areas), key=_REACH_ORDER.index, default=ServiceAreaScopeChoices.LOCAL
    )
    reach_states = _tokens(a.state for a in areas if a.state).upper()
    service_languages = [lang.code for lang in service.languages.all()]
    text = " ".join(
        filter(
            None,
            [
                service.name,
                service.alternate_name,
                org.name,
                org.alternate_name,
                service.description,
                service.eligibility_description,
                " ".join(t.name for t in terms),
            ],
        )
    )
    common = dict(
        service=service,
        organization=org,
        active=service.status == ServiceStatusChoices.ACTIVE,
        reach=reach,
        reach_states=reach_states,
        terms=_tokens(t.code or str(t.pk) for t in terms),
        populations=_tokens(service.populations or []),
        organization_type=org.organization_type,
        available_24_7=service.available_24_7,
        assured_date=service.assured_date,
    )
    entries = []
    for sal in service.service_at_locations.all():
        loc = sal.location
        address = next(
            (a for a in loc.addresses.all() if a.address_type != "postal"),
            next(iter(loc.addresses.all()), None),
        )
        postal_code = (address.postal_code if address else "")[:5]
        place = geo.place_for_zip(postal_code) if postal_code else None
        lat, lon = loc.latitude, loc.longitude
        if loc.confidential or lat is None or lon is None:
            # a shelter's own coordinates never reach search: its ZIP centre stands in
            lat, lon = (place.latitude, place.longitude) if place else (None, None)
        state = (address.state_province if address else "").upper()[:2]
        if not state and place:
            state = place.state
        entries.append(
            SearchEntry(
                **common,
                location=loc,
                service_at_location=sal,
                latitude=lat,
                longitude=lon,
                state=state,
                postal_code=postal_code,
                time_zone=loc.time_zone or (place.time_zone if place else ""),
                languages=_tokens(service_languages + [x.code for x in loc.languages.all()]),
                confidential=loc.confidential,
                text=" ".join(filter(None, [text, loc.name, address.city if address else ""])),
            )
        )
    if not entries:
        # a hotline or virtual service with no location is still searchable by area and text
        states = reach_states.split()
        entries.append(
            SearchEntry(
                **common,
                state=states[0] if len(states) == 1 else "",
                languages=_tokens(service_languages),
                text=text,
            )
        )
    return entries


def reindex_services(service_ids: Iterable) -> int:
    """Rebuild the search rows of these services (deleted services just lose theirs)."""
    ids = list(service_ids)
    written = 0
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            SearchEntry.objects.filter(service_id__in=chunk).delete()
            rows = [e for s in _services(chunk) for e in entries_for(s)]
            SearchEntry.objects.bulk_create(rows, batch_size=BATCH)
            written += len(rows)
    return written


def rebuild_index() -> int:
    """Rebuild every search row (after a bulk import, or to repair the index)."""
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        return reindex_services(Service.objects.values_list("pk", flat=True).iterator())
