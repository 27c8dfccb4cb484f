"""Mapping between directory model objects and Open Referral HSDS 3.0 dicts, both ways.

Export (``*_to_hsds``) writes the spec's field names, UUID ids and never a ``null``: absent
values are left out (HSDS forbids ``null``; an empty array is kept where the schema has one).

Lantern's additions travel as HSDS attributes linked to the ``lantern-attributes`` taxonomy
(``taxonomy.attribute_term_id(code)``): ``organization-type`` on an organization,
``population-served`` (one attribute per population), ``available-24-7`` and
``trafficking-training`` (``"true"``/``"false"``) on a service, and ``source-id`` (the id a
record had in the file it was imported from) on anything. Service types
(``Service.taxonomy_terms``) become attributes linked to their taxonomy terms.

CONFIDENTIAL LOCATIONS (shelters). Unless ``include_confidential=True`` (staff-only use inside
Lantern), a confidential location is left out ENTIRELY: the location object, its addresses,
coordinates, phones, schedules, contacts and languages, and the service-at-location that links
a service to it. The service itself, its own (service-level) phones, schedules, service areas
and languages are exported, so a partner can still call the service's line without learning
where the shelter is. Nothing in an export says that a confidential location exists.

Import (``parse_*``) turns one HSDS row (a flat dict with the spec's field names, as read from a
CSV table or flattened from nested JSON) into model field values; problems with optional fields
are reported through ``warn`` and the value dropped; missing or unusable required fields raise
``RowError``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from lantern.directory import taxonomy as lantern_taxonomy
from lantern.directory.choices import (
    AddressTypeChoices,
    LocationTypeChoices,
    OrganizationTypeChoices,
    PhoneTypeChoices,
    PopulationChoices,
    ScheduleFreqChoices,
    ServiceAreaScopeChoices,
    ServiceStatusChoices,
    WeekdayChoices,
)
from lantern.directory.models import (
    Address,
    Attribute,
    DirectoryContact,
    Language,
    Location,
    Organization,
    OrganizationIdentifier,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

HSDS_VERSION = "3.0"
HSDS_PROFILE = "https://openreferral.org/imls/hsds/"

# Codes of the lantern-attributes terms.
ATTR_ORGANIZATION_TYPE = "organization-type"
ATTR_POPULATION = "population-served"
ATTR_24_7 = "available-24-7"
ATTR_TRAINING = "trafficking-training"
ATTR_SOURCE_ID = "source-id"
LANTERN_ATTRIBUTE_CODES = (
    ATTR_ORGANIZATION_TYPE,
    ATTR_POPULATION,
    ATTR_24_7,
    ATTR_TRAINING,
    ATTR_SOURCE_ID,
)


def attribute_term_ids() -> dict[uuid.UUID, str]:
    """The lantern-attributes term ids -> their codes."""
    return {lantern_taxonomy.attribute_term_id(code): code for code in LANTERN_ATTRIBUTE_CODES}


def service_types_taxonomy_id() -> uuid.UUID:
    return lantern_taxonomy.stable_id("taxonomy", lantern_taxonomy.SERVICE_TYPES)


# --- small helpers ------------------------------------------------------------------------------


def _s(value) -> str:
    return str(value) if value is not None else ""


def clean(d: dict, required: Iterable[str] = ()) -> dict:
    """Drop ``None`` and ``""`` (HSDS has no ``null``; empty strings fail format checks)."""
    keep = set(required)
    out = {}
    for key, value in d.items():
        if value is None:
            if key in keep:
                out[key] = ""
            continue
        if value == "" and key not in keep:
            continue
        out[key] = value
    return out


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: time | None) -> str | None:
    return value.strftime("%H:%M:%S") if value else None


def _datetime(value: datetime | None) -> str | None:
    if not value:
        return None
    return value.isoformat().replace("+00:00", "Z")


def _uid(value) -> str | None:
    return str(value) if value else None


def derived_id(*parts) -> uuid.UUID:
    """Stable ids for records Lantern writes out but does not store (e.g. field attributes)."""
    return lantern_taxonomy.stable_id("hsds-export", *(str(p) for p in parts))


# --- export: single entities --------------------------------------------------------------------


def taxonomy_to_hsds(tax: Taxonomy) -> dict:
    return clean(
        {
            "id": str(tax.id),
            "name": tax.name,
            "description": tax.description,
            "uri": tax.uri,
            "version": tax.version,
        },
        required=("name", "description"),
    )


def taxonomy_term_to_hsds(term: TaxonomyTerm, *, detail: bool = True) -> dict:
    out = clean(
        {
            "id": str(term.id),
            "code": term.code,
            "name": term.name,
            "description": term.description,
            "parent_id": _uid(term.parent_id),
            "taxonomy": term.taxonomy or (term.taxonomy_ref.name if term.taxonomy_ref else ""),
            "language": term.language,
            "taxonomy_id": _uid(term.taxonomy_ref_id),
            "term_uri": term.term_uri,
        },
        required=("name", "description"),
    )
    if detail and term.taxonomy_ref_id:
        out["taxonomy_detail"] = taxonomy_to_hsds(term.taxonomy_ref)
    return out


def attribute_to_hsds(attr: Attribute, *, terms: dict | None = None) -> dict:
    out = clean(
        {
            "id": str(attr.id),
            "link_id": str(attr.link_id),
            "taxonomy_term_id": _uid(attr.taxonomy_term_id),
            "link_type": attr.link_type,
            "link_entity": attr.link_entity,
            "value": attr.value,
        }
    )
    term = (terms or {}).get(attr.taxonomy_term_id) if attr.taxonomy_term_id else None
    if term is None and attr.taxonomy_term_id:
        term = attr.taxonomy_term
    if term is not None:
        out["taxonomy_term"] = taxonomy_term_to_hsds(term)
    return out


def _lantern_attribute(entity: str, link_id, code: str, value: str, terms: dict) -> dict:
    term_id = lantern_taxonomy.attribute_term_id(code)
    out = {
        "id": str(derived_id("attribute", entity, link_id, code, value)),
        "link_id": str(link_id),
        "taxonomy_term_id": str(term_id),
        "link_entity": entity,
        "value": value,
    }
    term = terms.get(term_id)
    if term is not None:
        out["taxonomy_term"] = taxonomy_term_to_hsds(term)
    return out


def service_type_attribute(service_id, term: TaxonomyTerm) -> dict:
    return {
        "id": str(derived_id("attribute", "service", service_id, "term", term.id)),
        "link_id": str(service_id),
        "taxonomy_term_id": str(term.id),
        "link_entity": "service",
        "taxonomy_term": taxonomy_term_to_hsds(term),
    }


def lantern_service_attributes(service: Service, terms: dict) -> list[dict]:
    """Service types and Lantern's service fields, as HSDS attributes."""
    out = [service_type_attribute(service.id, t) for t in service.taxonomy_terms.all()]
    for population in service.populations or []:
        out.append(_lantern_attribute("service", service.id, ATTR_POPULATION, population, terms))
    out.append(
        _lantern_attribute(
            "service", service.id, ATTR_24_7, "true" if service.available_24_7 else "false", terms
        )
    )
    out.append(
        _lantern_attribute(
            "service",
            service.id,
            ATTR_TRAINING,
            "true" if service.trafficking_training else "false",
            terms,
        )
    )
    return out


def lantern_organization_attributes(org: Organization, terms: dict) -> list[dict]:
    if not org.organization_type:
        return []
    return [
        _lantern_attribute(
            "organization", org.id, ATTR_ORGANIZATION_TYPE, org.organization_type, terms
        )
    ]


class Context:
    """What nested serialisation needs besides the objects: stored attributes and terms.

    ``attributes`` maps a link id to its stored ``Attribute`` rows; the exporter fills it for a
    whole batch at once, a single object fetches its own (``Context.for_ids``).
    """

    def __init__(self, attributes: dict | None = None, terms: dict | None = None):
        self.attributes = attributes or {}
        self.terms = terms if terms is not None else _lantern_terms()

    @classmethod
    def for_ids(cls, ids: Iterable) -> Context:
        ids = list(ids)
        attrs: dict = {}
        qs = Attribute.objects.filter(link_id__in=ids).select_related("taxonomy_term__taxonomy_ref")
        for attr in qs:
            attrs.setdefault(attr.link_id, []).append(attr)
        return cls(attrs)

    def attrs(self, link_id) -> list[dict]:
        return [
            attribute_to_hsds(a, terms=self.terms)
            for a in sorted(self.attributes.get(link_id, []), key=lambda a: str(a.id))
        ]


def _lantern_terms() -> dict:
    ids = list(attribute_term_ids())
    return {t.id: t for t in TaxonomyTerm.objects.filter(id__in=ids).select_related("taxonomy_ref")}


def language_to_hsds(lang: Language, ctx: Context) -> dict:
    return clean(
        {
            "id": str(lang.id),
            "service_id": _uid(lang.service_id),
            "location_id": _uid(lang.location_id),
            "phone_id": _uid(lang.phone_id),
            "name": lang.name,
            "code": lang.code,
            "note": lang.note,
            "attributes": ctx.attrs(lang.id),
        }
    )


def phone_to_hsds(phone: Phone, ctx: Context) -> dict:
    return clean(
        {
            "id": str(phone.id),
            "location_id": _uid(phone.location_id),
            "service_id": _uid(phone.service_id),
            "organization_id": _uid(phone.organization_id),
            "contact_id": _uid(phone.contact_id),
            "service_at_location_id": _uid(phone.service_at_location_id),
            "number": phone.number,
            "extension": phone.extension,
            "type": phone.type,
            "description": phone.description,
            "languages": [language_to_hsds(x, ctx) for x in phone.languages.all()],
            "attributes": ctx.attrs(phone.id),
        },
        required=("number",),
    )


def schedule_to_hsds(s: Schedule, ctx: Context) -> dict:
    return clean(
        {
            "id": str(s.id),
            "service_id": _uid(s.service_id),
            "location_id": _uid(s.location_id),
            "service_at_location_id": _uid(s.service_at_location_id),
            "valid_from": _date(s.valid_from),
            "valid_to": _date(s.valid_to),
            "dtstart": _date(s.dtstart),
            "timezone": s.timezone,
            "until": _date(s.until),
            "count": s.count,
            "wkst": s.wkst,
            "freq": s.freq,
            "interval": s.interval,
            "byday": s.byday,
            "byweekno": s.byweekno,
            "bymonthday": s.bymonthday,
            "byyearday": s.byyearday,
            "description": s.description,
            "opens_at": _time(s.opens_at),
            "closes_at": _time(s.closes_at),
            "schedule_link": s.schedule_link,
            "attending_type": s.attending_type,
            "notes": s.notes,
            "attributes": ctx.attrs(s.id),
        }
    )


def service_area_name(area: ServiceArea) -> str:
    """The area's HSDS name; Lantern's scope spelled out when the source gave none."""
    if area.name:
        return area.name
    if area.scope == ServiceAreaScopeChoices.NATIONAL:
        return "United States"
    if area.scope == ServiceAreaScopeChoices.STATE and area.state:
        return area.state
    if area.value:
        return f"{area.value}, {area.state}" if area.state else area.value
    return ""


def service_area_to_hsds(area: ServiceArea, ctx: Context) -> dict:
    return clean(
        {
            "id": str(area.id),
            "service_id": _uid(area.service_id),
            "name": service_area_name(area),
            "description": area.description,
            "extent": area.extent,
            "extent_type": area.extent_type,
            "uri": area.uri,
            "attributes": ctx.attrs(area.id),
        }
    )


def contact_to_hsds(c: DirectoryContact, ctx: Context) -> dict:
    return clean(
        {
            "id": str(c.id),
            "organization_id": _uid(c.organization_id),
            "service_id": _uid(c.service_id),
            "service_at_location_id": _uid(c.service_at_location_id),
            "location_id": _uid(c.location_id),
            "name": c.name,
            "title": c.title,
            "department": c.department,
            "email": c.email,
            "phones": [phone_to_hsds(p, ctx) for p in c.phones.all()],
            "attributes": ctx.attrs(c.id),
        }
    )


def address_to_hsds(a: Address, ctx: Context) -> dict:
    return clean(
        {
            "id": str(a.id),
            "location_id": _uid(a.location_id),
            "attention": a.attention,
            "address_1": a.address_1,
            "address_2": a.address_2,
            "city": a.city,
            "region": a.region,
            "state_province": a.state_province,
            "postal_code": a.postal_code,
            "country": a.country,
            "address_type": a.address_type,
            "attributes": ctx.attrs(a.id),
        },
        required=("address_1", "city", "state_province", "postal_code", "country"),
    )


def location_to_hsds(
    loc: Location, ctx: Context, *, include_confidential: bool = False
) -> dict | None:
    """A location object, or None for a confidential one (see the module docstring)."""
    if loc.confidential and not include_confidential:
        return None
    return clean(
        {
            "id": str(loc.id),
            "location_type": loc.location_type,
            "url": loc.url,
            "organization_id": _uid(loc.organization_id),
            "name": loc.name,
            "alternate_name": loc.alternate_name,
            "description": loc.description,
            "transportation": loc.transportation,
            "latitude": loc.latitude,
            "longitude": loc.longitude,
            "external_identifier": loc.external_identifier,
            "external_identifier_type": loc.external_identifier_type,
            "languages": [language_to_hsds(x, ctx) for x in loc.languages.all()],
            "addresses": [address_to_hsds(x, ctx) for x in loc.addresses.all()],
            "contacts": [contact_to_hsds(x, ctx) for x in loc.contacts.all()],
            "phones": [phone_to_hsds(x, ctx) for x in loc.phones.all()],
            "schedules": [schedule_to_hsds(x, ctx) for x in loc.schedules.all()],
            "attributes": ctx.attrs(loc.id),
        }
    )


def service_at_location_to_hsds(
    sal: ServiceAtLocation,
    ctx: Context,
    *,
    include_confidential: bool = False,
    with_service: bool = False,
) -> dict | None:
    """None when the location is confidential (the link itself would reveal it)."""
    location = location_to_hsds(sal.location, ctx, include_confidential=include_confidential)
    if location is None:
        return None
    out = clean(
        {
            "id": str(sal.id),
            "service_id": str(sal.service_id),
            "location_id": str(sal.location_id),
            "description": sal.description,
            "contacts": [contact_to_hsds(x, ctx) for x in sal.contacts.all()],
            "phones": [phone_to_hsds(x, ctx) for x in sal.phones.all()],
            "schedules": [schedule_to_hsds(x, ctx) for x in sal.schedules.all()],
            "location": location,
            "attributes": ctx.attrs(sal.id),
        }
    )
    if with_service:
        out["service"] = service_to_hsds(
            sal.service, include_confidential=include_confidential, ctx=ctx
        )
    return out


def organization_identifier_to_hsds(ident: OrganizationIdentifier, ctx: Context) -> dict:
    return clean(
        {
            "id": str(ident.id),
            "organization_id": str(ident.organization_id),
            "identifier_scheme": ident.identifier_scheme,
            "identifier_type": ident.identifier_type,
            "identifier": ident.identifier,
            "attributes": ctx.attrs(ident.id),
        },
        required=("identifier_type", "identifier"),
    )


def organization_to_hsds(
    org: Organization,
    *,
    full: bool = True,
    services: str = "",
    include_confidential: bool = False,
    ctx: Context | None = None,
) -> dict:
    """An organization. ``full`` nests its contacts, phones, locations, identifiers and
    attributes; ``services`` is ``""`` (none), ``"ids"`` (``[{id}]``-style minimal service
    objects, as the spec's ``/organizations/{id}``) or ``"full"`` (fully nested services)."""
    out = clean(
        {
            "id": str(org.id),
            "name": org.name,
            "alternate_name": org.alternate_name,
            "description": org.description,
            "email": org.email,
            "website": org.website,
            "tax_status": org.tax_status,
            "tax_id": org.tax_id,
            "year_incorporated": org.year_incorporated,
            "legal_status": org.legal_status,
            "logo": org.logo,
            "uri": org.uri,
            "parent_organization_id": _uid(org.parent_organization_id),
        },
        required=("name", "description"),
    )
    if not full:
        return out
    if ctx is None:
        ctx = Context.for_ids(_organization_ids(org))
    locations = [
        location_to_hsds(loc, ctx, include_confidential=include_confidential)
        for loc in org.locations.all()
    ]
    out.update(
        {
            "contacts": [contact_to_hsds(x, ctx) for x in org.contacts.all()],
            "phones": [phone_to_hsds(x, ctx) for x in org.phones.all()],
            "locations": [x for x in locations if x is not None],
            "organization_identifiers": [
                organization_identifier_to_hsds(x, ctx) for x in org.organization_identifiers.all()
            ],
            "attributes": ctx.attrs(org.id) + lantern_organization_attributes(org, ctx.terms),
        }
    )
    if services == "ids":
        out["services"] = [
            clean({"id": str(s.id), "name": s.name, "status": s.status}) for s in org.services.all()
        ]
    elif services == "full":
        out["services"] = [
            service_to_hsds(
                s, include_confidential=include_confidential, ctx=ctx, with_organization=False
            )
            for s in org.services.all()
        ]
    return out


def _organization_ids(org: Organization) -> list:
    ids = [org.id]
    ids += [x.id for x in org.contacts.all()]
    ids += [x.id for x in org.phones.all()]
    ids += [x.id for x in org.organization_identifiers.all()]
    for loc in org.locations.all():
        ids += _location_ids(loc)
    return ids


def _location_ids(loc: Location) -> list:
    ids = [loc.id]
    for rel in (loc.languages, loc.addresses, loc.contacts, loc.phones, loc.schedules):
        ids += [x.id for x in rel.all()]
    return ids


def service_related_ids(service: Service) -> list:
    """Every id a service's nested HSDS object may carry attributes for."""
    ids = [service.id, service.organization_id]
    for rel in (
        service.phones,
        service.schedules,
        service.service_areas,
        service.languages,
        service.contacts,
    ):
        ids += [x.id for x in rel.all()]
    for sal in service.service_at_locations.all():
        ids.append(sal.id)
        for rel in (sal.contacts, sal.phones, sal.schedules):
            ids += [x.id for x in rel.all()]
        ids += _location_ids(sal.location)
    return ids


SERVICE_PREFETCH = (
    "taxonomy_terms__taxonomy_ref",
    "phones__languages",
    "schedules",
    "service_areas",
    "languages",
    "contacts__phones__languages",
    "service_at_locations__contacts__phones__languages",
    "service_at_locations__phones__languages",
    "service_at_locations__schedules",
    "service_at_locations__location__languages",
    "service_at_locations__location__addresses",
    "service_at_locations__location__contacts__phones__languages",
    "service_at_locations__location__phones__languages",
    "service_at_locations__location__schedules",
    "organization__organization_identifiers",
)


def services_queryset(qs=None):
    """Services with everything ``service_to_hsds`` reads, prefetched."""
    qs = Service.objects.all() if qs is None else qs
    return qs.select_related("organization").prefetch_related(*SERVICE_PREFETCH)


def service_to_hsds(
    service: Service,
    *,
    include_confidential: bool = False,
    ctx: Context | None = None,
    with_organization: bool = True,
) -> dict:
    """The full HSDS 3.0 service object (``schema/compiled/service.json``)."""
    if ctx is None:
        ctx = Context.for_ids(service_related_ids(service))
    sals = [
        service_at_location_to_hsds(sal, ctx, include_confidential=include_confidential)
        for sal in service.service_at_locations.all()
    ]
    out = service_list_to_hsds(service)
    out.update(
        {
            "phones": [phone_to_hsds(x, ctx) for x in service.phones.all()],
            "schedules": [schedule_to_hsds(x, ctx) for x in service.schedules.all()],
            "service_areas": [service_area_to_hsds(x, ctx) for x in service.service_areas.all()],
            "service_at_locations": [x for x in sals if x is not None],
            "languages": [language_to_hsds(x, ctx) for x in service.languages.all()],
            "contacts": [contact_to_hsds(x, ctx) for x in service.contacts.all()],
            "attributes": ctx.attrs(service.id) + lantern_service_attributes(service, ctx.terms),
        }
    )
    if with_organization:
        org = service.organization
        out["organization"] = organization_to_hsds(org, full=False)
        out["organization"]["organization_identifiers"] = [
            organization_identifier_to_hsds(x, ctx) for x in org.organization_identifiers.all()
        ]
        out["organization"]["attributes"] = ctx.attrs(org.id) + lantern_organization_attributes(
            org, ctx.terms
        )
    return out


def service_list_to_hsds(service: Service) -> dict:
    """The one-to-one fields of a service (``schema/compiled/service_list.json``)."""
    return clean(
        {
            "id": str(service.id),
            "organization_id": str(service.organization_id),
            "name": service.name,
            "alternate_name": service.alternate_name,
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "interpretation_services": service.interpretation_services,
            "application_process": service.application_process,
            "fees_description": service.fees_description,
            "wait_time": service.wait_time,
            "fees": service.fees,
            "accreditations": service.accreditations,
            "eligibility_description": service.eligibility_description,
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "assured_date": _date(service.assured_date),
            "assurer_email": service.assurer_email,
            "licenses": service.licenses,
            "alert": service.alert,
            "last_modified": _datetime(service.last_modified),
        },
        required=("name", "status"),
    )


# --- import: one row -> model field values ------------------------------------------------------


class RowError(Exception):
    """A row that cannot be imported; fails the whole run."""


Warn = Callable[[str], None]


def to_uuid(kind: str, raw) -> tuple[uuid.UUID, str]:
    """(uuid, source id): a UUID id is kept (source id ``""``); anything else becomes
    ``stable_id(kind, raw)`` and is returned as the source id to keep."""
    text = _s(raw).strip()
    try:
        return uuid.UUID(text), ""
    except ValueError:
        return lantern_taxonomy.stable_id(kind, text), text


def _text(row: dict, name: str, max_length: int | None, warn: Warn) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if max_length and len(text) > max_length:
        warn(f"{name} longer than {max_length} characters, cut to fit")
        text = text[:max_length]
    return text


def _required(row: dict, name: str, max_length: int | None, warn: Warn) -> str:
    text = _text(row, name, max_length, warn)
    if not text:
        raise RowError(f"required field {name} is missing")
    return text


def _int(row: dict, name: str, warn: Warn, *, minimum: int = 0, maximum: int = 2**31 - 1):
    value = row.get(name)
    if value in (None, ""):
        return None
    try:
        number = float(str(value).strip())
        if not number.is_integer():
            raise ValueError
        number = int(number)
    except ValueError:
        warn(f"{name} {value!r} is not a whole number, left out")
        return None
    if not minimum <= number <= maximum:
        warn(f"{name} {value!r} is out of range, left out")
        return None
    return number


def _float(row: dict, name: str, warn: Warn):
    value = row.get(name)
    if value in (None, ""):
        return None
    try:
        return float(str(value).strip())
    except ValueError:
        warn(f"{name} {value!r} is not a number, left out")
        return None


def _date_value(row: dict, name: str, warn: Warn):
    value = _s(row.get(name)).strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        warn(f"{name} {value!r} is not a date (YYYY-MM-DD), left out")
        return None


_TIME_RE = re.compile(r"^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?(?:\.\d+)?\s*([AaPp]\.?[Mm]\.?)?$")


def parse_time(value: str) -> time:
    """``09:00``, ``9:00:00``, ``9am``, ``5:30 PM``, ``17:00:00Z`` -> time; ValueError else."""
    text = value.strip()
    text = re.sub(r"(Z|[+-]\d{2}:?\d{2})$", "", text)
    match = _TIME_RE.match(text)
    if not match:
        raise ValueError(value)
    hour, minute, second = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            raise ValueError(value)
        hour = hour % 12 + (12 if match[4][0] in "Pp" else 0)
    if hour == 24 and minute == 0 and second == 0:
        return time(23, 59, 59)
    return time(hour, minute, second)


def _email(row: dict, name: str, warn: Warn) -> str:
    value = _text(row, name, 254, warn)
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        warn(f"{name} {value!r} is not an email address, left out")
        return ""
    return value


def _choice(row: dict, name: str, choices, warn: Warn, default: str = "") -> str:
    value = _s(row.get(name)).strip()
    if not value:
        return default
    lowered = value.lower()
    if lowered in choices.values:
        return lowered
    warn(f"{name} {value!r} is not one of {', '.join(choices.values)}, left out")
    return default


def _lat_lon(row: dict, warn: Warn) -> tuple[float | None, float | None]:
    lat = _float(row, "latitude", warn)
    lon = _float(row, "longitude", warn)
    if lat is None or lon is None:
        if (lat is None) != (lon is None):
            warn("latitude and longitude must come together, coordinates left out")
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        warn(f"latitude/longitude {lat}, {lon} out of range, coordinates left out")
        return None, None
    return lat, lon


def parse_organization(row: dict, warn: Warn) -> dict:
    return {
        "name": _required(row, "name", 300, warn),
        "alternate_name": _text(row, "alternate_name", 300, warn),
        "description": _required(row, "description", None, warn),
        "email": _email(row, "email", warn),
        "website": _text(row, "website", 500, warn) or _text(row, "url", 500, warn),
        "tax_status": _text(row, "tax_status", 100, warn),
        "tax_id": _text(row, "tax_id", 100, warn),
        "year_incorporated": _int(row, "year_incorporated", warn, maximum=9999),
        "legal_status": _text(row, "legal_status", 100, warn),
        "logo": _text(row, "logo", 500, warn),
        "uri": _text(row, "uri", 500, warn),
    }


def parse_service(row: dict, warn: Warn) -> dict:
    status = _s(row.get("status")).strip().lower()
    if not status:
        raise RowError("required field status is missing")
    if status not in ServiceStatusChoices.values:
        raise RowError(
            f"status {row.get('status')!r} is not one of {', '.join(ServiceStatusChoices.values)}"
        )
    return {
        "name": _required(row, "name", 300, warn),
        "alternate_name": _text(row, "alternate_name", 300, warn),
        "description": _text(row, "description", None, warn),
        "url": _text(row, "url", 500, warn),
        "email": _email(row, "email", warn),
        "status": status,
        "interpretation_services": _text(row, "interpretation_services", None, warn),
        "application_process": _text(row, "application_process", None, warn),
        "fees_description": _text(row, "fees_description", None, warn),
        "wait_time": _text(row, "wait_time", 200, warn),
        "fees": _text(row, "fees", None, warn),
        "accreditations": _text(row, "accreditations", None, warn),
        "eligibility_description": _text(row, "eligibility_description", None, warn),
        "minimum_age": _int(row, "minimum_age", warn, maximum=150),
        "maximum_age": _int(row, "maximum_age", warn, maximum=150),
        "assured_date": _date_value(row, "assured_date", warn),
        "assurer_email": _email(row, "assurer_email", warn),
        "licenses": _text(row, "licenses", None, warn),
        "alert": _text(row, "alert", None, warn),
    }


def parse_location(row: dict, warn: Warn) -> dict:
    lat, lon = _lat_lon(row, warn)
    return {
        "location_type": _choice(
            row, "location_type", LocationTypeChoices, warn, LocationTypeChoices.PHYSICAL
        ),
        "url": _text(row, "url", 500, warn),
        "name": _text(row, "name", 300, warn),
        "alternate_name": _text(row, "alternate_name", 300, warn),
        "description": _text(row, "description", None, warn),
        "transportation": _text(row, "transportation", None, warn),
        "latitude": lat,
        "longitude": lon,
        "external_identifier": _text(row, "external_identifier", 200, warn),
        "external_identifier_type": _text(row, "external_identifier_type", 100, warn),
    }


_COUNTRY_NAMES = {"usa": "US", "united states": "US", "united states of america": "US"}


def parse_address(row: dict, warn: Warn) -> dict:
    country = _s(row.get("country")).strip()
    if not country:
        country = "US"  # most 2.0 feeds leave it out; Lantern is a U.S. directory
    elif country.lower() in _COUNTRY_NAMES:
        country = _COUNTRY_NAMES[country.lower()]
    elif len(country) != 2:
        raise RowError(f"country {country!r} is not a two-letter ISO 3166 code")
    return {
        "attention": _text(row, "attention", 200, warn),
        "address_1": _required(row, "address_1", 300, warn),
        "address_2": _text(row, "address_2", 300, warn),
        "city": _required(row, "city", 100, warn),
        "region": _text(row, "region", 100, warn),
        "state_province": _required(row, "state_province", 100, warn),
        "postal_code": _required(row, "postal_code", 20, warn),
        "country": country.upper(),
        "address_type": _choice(
            row, "address_type", AddressTypeChoices, warn, AddressTypeChoices.PHYSICAL
        ),
    }


def parse_service_at_location(row: dict, warn: Warn) -> dict:
    return {"description": _text(row, "description", None, warn)}


def parse_contact(row: dict, warn: Warn) -> dict:
    return {
        "name": _text(row, "name", 200, warn),
        "title": _text(row, "title", 200, warn),
        "department": _text(row, "department", 200, warn),
        "email": _email(row, "email", warn),
    }


_PHONE_TYPES = {"tty": "textphone", "mobile": "cell", "sms": "text", "phone": "voice"}


def parse_phone(row: dict, warn: Warn) -> dict:
    number = _required(row, "number", 50, warn)
    if len(number) > 2 and number[0] == number[-1] == '"':
        number = number[1:-1].strip()
    kind = _s(row.get("type")).strip().lower()
    kind = _PHONE_TYPES.get(kind, kind)
    if kind and kind not in PhoneTypeChoices.values:
        warn(f"type {row.get('type')!r} is not a phone type, left out")
        kind = ""
    return {
        "number": number,
        "extension": _int(row, "extension", warn),
        "type": kind,
        "description": _text(row, "description", None, warn),
    }


def parse_language(row: dict, warn: Warn) -> dict:
    return {
        "name": _text(row, "name", 100, warn) or _text(row, "language", 100, warn),
        "code": _text(row, "code", 35, warn),
        "note": _text(row, "note", None, warn),
    }


_WEEKDAYS = {
    "monday": "MO", "mon": "MO", "tuesday": "TU", "tue": "TU", "tues": "TU",
    "wednesday": "WE", "wed": "WE", "thursday": "TH", "thu": "TH", "thur": "TH", "thurs": "TH",
    "friday": "FR", "fri": "FR", "saturday": "SA", "sat": "SA", "sunday": "SU", "sun": "SU",
    "1": "MO", "2": "TU", "3": "WE", "4": "TH", "5": "FR", "6": "SA", "7": "SU",
}  # fmt: skip
_BYDAY_RE = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")


def _byday(value: str) -> str:
    """``"TH,FR"`` / ``"Monday"`` / ``"1MO,-1FR"`` -> canonical ``byday``; ValueError else."""
    days = []
    for part in re.split(r"[,\s;]+", value.strip()):
        if not part:
            continue
        token = _WEEKDAYS.get(part.lower(), part.upper())
        if not _BYDAY_RE.match(token):
            raise ValueError(part)
        days.append(token)
    return ",".join(days)


def _int_list(value: str, low: int, high: int) -> str:
    out = []
    for part in re.split(r"[,\s;]+", value.strip()):
        if not part:
            continue
        number = int(part)
        if not (low <= abs(number) <= high):
            raise ValueError(part)
        out.append(str(number))
    return ",".join(out)


def parse_schedule(row: dict, warn: Warn) -> dict:
    """A schedule; raises ValueError (-> the schedule is dropped with a warning) when the
    hours, days or recurrence cannot be understood."""
    fields: dict = {
        "valid_from": None,
        "valid_to": None,
        "dtstart": None,
        "until": None,
    }
    for name in fields:
        value = _s(row.get(name)).strip()
        if value:
            try:
                fields[name] = date.fromisoformat(value[:10])
            except ValueError as exc:
                raise ValueError(f"{name} {value!r} is not a date") from exc
    if fields["valid_from"] and fields["valid_to"] and fields["valid_to"] < fields["valid_from"]:
        raise ValueError("valid_to is before valid_from")
    for name in ("opens_at", "closes_at"):
        value = _s(row.get(name)).strip()
        try:
            fields[name] = parse_time(value) if value else None
        except ValueError as exc:
            raise ValueError(f"{name} {value!r} is not a time of day") from exc
    byday = _s(row.get("byday")).strip()
    weekday = _s(row.get("weekday")).strip()  # HSDS 1.x/2.0 regular_schedules
    freq = _s(row.get("freq")).strip().upper()
    try:
        fields["byday"] = _byday(byday or weekday)
    except ValueError as exc:
        raise ValueError(f"day {exc} is not a weekday") from exc
    if not freq and (weekday or byday):
        freq = ScheduleFreqChoices.WEEKLY
    if freq and freq not in ScheduleFreqChoices.values:
        raise ValueError(f"freq {freq!r} is not WEEKLY or MONTHLY")
    fields["freq"] = freq
    wkst = _s(row.get("wkst")).strip().upper()
    if wkst and wkst not in WeekdayChoices.values:
        raise ValueError(f"wkst {wkst!r} is not a weekday")
    fields["wkst"] = wkst
    for name, low, high in (("byweekno", 1, 53), ("bymonthday", 1, 31), ("byyearday", 1, 366)):
        value = _s(row.get(name)).strip()
        try:
            fields[name] = _int_list(value, low, high) if value else ""
        except ValueError as exc:
            raise ValueError(f"{name} {value!r} is not a list of numbers in range") from exc
    for name in ("count", "interval"):
        value = _s(row.get(name)).strip()
        try:
            fields[name] = int(float(value)) if value else None
        except ValueError as exc:
            raise ValueError(f"{name} {value!r} is not a number") from exc
        if fields[name] is not None and fields[name] < 0:
            raise ValueError(f"{name} {value!r} is negative")
    tz = _s(row.get("timezone")).strip()
    try:
        fields["timezone"] = float(tz) if tz else None
    except ValueError as exc:
        raise ValueError(f"timezone {tz!r} is not a UTC offset in hours") from exc
    if fields["timezone"] is not None and not -14 <= fields["timezone"] <= 14:
        raise ValueError(f"timezone {tz!r} is not a UTC offset in hours")
    description = _text(row, "description", None, warn)
    nothing = not (fields["byday"] or fields["opens_at"] or fields["bymonthday"] or description)
    if nothing and (fields["closes_at"] or freq):
        raise ValueError("no days, hours or description")
    fields.update(
        description=description,
        schedule_link=_text(row, "schedule_link", 500, warn),
        attending_type=_text(row, "attending_type", 100, warn),
        notes=_text(row, "notes", None, warn),
    )
    return fields


_STATE_NAMES = None


def _state_names() -> dict[str, str]:
    global _STATE_NAMES
    if _STATE_NAMES is None:
        from lantern.core.geo import USStateChoices

        names = {str(label).lower(): code for code, label in USStateChoices.choices}
        names.update({code.lower(): code for code in USStateChoices.values})
        _STATE_NAMES = names
    return _STATE_NAMES


_NATIONAL = {"united states", "usa", "us", "national", "nationwide", "all states", "u.s."}
_COUNTY_RE = re.compile(r"^(.+?\b(?:county|parish|borough))\s*,?\s*([A-Za-z .]+)?$", re.I)
_ZIP_RE = re.compile(r"^\d{5}(?:-\d{4})?$")


def parse_service_area(row: dict, warn: Warn) -> dict:
    """HSDS fields, plus Lantern's scope/state/value read from the name or extent."""
    name = _text(row, "name", 200, warn) or _text(row, "service_area", 200, warn)
    fields = {
        "name": name,
        "description": _text(row, "description", None, warn),
        "extent": _text(row, "extent", None, warn),
        "extent_type": _text(row, "extent_type", 20, warn),
        "uri": _text(row, "uri", 500, warn),
    }
    fields.update(area_scope(name))
    return fields


def area_scope(text: str) -> dict:
    """``"TX"``/``"Texas"`` -> statewide; ``"Harris County, TX"`` -> county; ``"77002"`` ->
    ZIP; ``"United States"`` -> national; a city with a state -> city; else local."""
    value = (text or "").strip()
    lowered = value.lower().rstrip(".")
    names = _state_names()
    result = {"scope": ServiceAreaScopeChoices.LOCAL, "state": "", "value": ""}
    if not value:
        return result
    if lowered in _NATIONAL:
        result["scope"] = ServiceAreaScopeChoices.NATIONAL
    elif lowered in names:
        result.update(scope=ServiceAreaScopeChoices.STATE, state=names[lowered])
    elif _ZIP_RE.match(value):
        from lantern.core.geo import place_for_zip

        place = place_for_zip(value)
        result.update(
            scope=ServiceAreaScopeChoices.POSTAL_CODE,
            value=value[:5],
            state=place.state if place else "",
        )
    elif "," in value:
        head, tail = (p.strip() for p in value.rsplit(",", 1))
        state = names.get(tail.lower().rstrip("."), "")
        if state:
            county = _COUNTY_RE.match(head)
            scope = ServiceAreaScopeChoices.COUNTY if county else ServiceAreaScopeChoices.CITY
            result.update(scope=scope, state=state, value=head[:100])
    return result


def parse_taxonomy(row: dict, warn: Warn) -> dict:
    # HSDS 3.0 requires a description; 2.0 had none, so the name stands in for it
    name = _required(row, "name", 200, warn)
    return {
        "name": name,
        "description": _text(row, "description", None, warn) or name,
        "uri": _text(row, "uri", 500, warn),
        "version": _text(row, "version", 50, warn),
    }


def parse_taxonomy_term(row: dict, warn: Warn) -> dict:
    name = _required(row, "name", 200, warn)
    return {
        "code": _text(row, "code", 100, warn),
        "name": name,
        "description": _text(row, "description", None, warn) or name,
        "taxonomy": _text(row, "taxonomy", 200, warn) or _text(row, "vocabulary", 200, warn),
        "language": _text(row, "language", 35, warn),
        "term_uri": _text(row, "term_uri", 500, warn),
    }


def parse_attribute(row: dict, warn: Warn) -> dict:
    return {
        "link_type": _text(row, "link_type", 100, warn),
        "link_entity": _text(row, "link_entity", 50, warn),
        "value": _text(row, "value", None, warn),
    }


def parse_organization_identifier(row: dict, warn: Warn) -> dict:
    return {
        "identifier_scheme": _text(row, "identifier_scheme", 100, warn),
        "identifier_type": _required(row, "identifier_type", 100, warn),
        "identifier": _required(row, "identifier", 300, warn),
    }


PARSERS: dict[str, Callable[[dict, Warn], dict]] = {
    "organization": parse_organization,
    "organization_identifier": parse_organization_identifier,
    "service": parse_service,
    "location": parse_location,
    "address": parse_address,
    "service_at_location": parse_service_at_location,
    "contact": parse_contact,
    "phone": parse_phone,
    "language": parse_language,
    "schedule": parse_schedule,
    "service_area": parse_service_area,
    "taxonomy": parse_taxonomy,
    "taxonomy_term": parse_taxonomy_term,
    "attribute": parse_attribute,
}


def parse_bool(value) -> bool | None:
    text = _s(value).strip().lower()
    if text in ("true", "1", "yes", "y", "t"):
        return True
    if text in ("false", "0", "no", "n", "f"):
        return False
    return None


def parse_population(value) -> str | None:
    text = _s(value).strip().lower().replace(" ", "_").replace("-", "_")
    return text if text in PopulationChoices.values else None


def parse_organization_type(value) -> str | None:
    text = _s(value).strip().lower().replace(" ", "_").replace("-", "_")
    return text if text in OrganizationTypeChoices.values else None
