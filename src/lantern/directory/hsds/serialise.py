"""Export: directory model objects -> HSDS 3.0 dicts (see the package docstring)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from lantern.directory import taxonomy as lantern_taxonomy
from lantern.directory.choices import (
    ServiceAreaScopeChoices,
)
from lantern.directory.hsds.vocabulary import (
    ATTR_24_7,
    ATTR_ORGANIZATION_TYPE,
    ATTR_POPULATION,
    ATTR_TRAINING,
    attribute_term_ids,
    clean,
    derived_id,
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
        ctx = Context.for_ids(organization_related_ids(org))
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


def organization_related_ids(org: Organization) -> list:
    ids = [org.id]
    ids += [x.id for x in org.contacts.all()]
    ids += [x.id for x in org.phones.all()]
    ids += [x.id for x in org.organization_identifiers.all()]
    for loc in org.locations.all():
        ids += location_related_ids(loc)
    return ids


def location_related_ids(loc: Location) -> list:
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
        ids += location_related_ids(sal.location)
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
