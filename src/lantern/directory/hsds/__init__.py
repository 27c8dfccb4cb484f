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

from lantern.directory.hsds.parse import (
    PARSERS,
    RowError,
    area_scope,
    parse_address,
    parse_attribute,
    parse_bool,
    parse_contact,
    parse_language,
    parse_location,
    parse_organization,
    parse_organization_identifier,
    parse_organization_type,
    parse_phone,
    parse_population,
    parse_schedule,
    parse_service,
    parse_service_area,
    parse_service_at_location,
    parse_taxonomy,
    parse_taxonomy_term,
    parse_time,
    to_uuid,
)
from lantern.directory.hsds.serialise import (
    SERVICE_PREFETCH,
    Context,
    address_to_hsds,
    attribute_to_hsds,
    contact_to_hsds,
    language_to_hsds,
    lantern_organization_attributes,
    lantern_service_attributes,
    location_related_ids,
    location_to_hsds,
    organization_identifier_to_hsds,
    organization_related_ids,
    organization_to_hsds,
    phone_to_hsds,
    schedule_to_hsds,
    service_area_name,
    service_area_to_hsds,
    service_at_location_to_hsds,
    service_list_to_hsds,
    service_related_ids,
    service_to_hsds,
    service_type_attribute,
    services_queryset,
    taxonomy_term_to_hsds,
    taxonomy_to_hsds,
)
from lantern.directory.hsds.vocabulary import (
    ATTR_24_7,
    ATTR_ORGANIZATION_TYPE,
    ATTR_POPULATION,
    ATTR_SOURCE_ID,
    ATTR_TRAINING,
    HSDS_PROFILE,
    HSDS_VERSION,
    LANTERN_ATTRIBUTE_CODES,
    as_text,
    attribute_term_ids,
    clean,
    derived_id,
    service_types_taxonomy_id,
)

__all__ = [
    "HSDS_VERSION",
    "HSDS_PROFILE",
    "ATTR_ORGANIZATION_TYPE",
    "ATTR_POPULATION",
    "ATTR_24_7",
    "ATTR_TRAINING",
    "ATTR_SOURCE_ID",
    "LANTERN_ATTRIBUTE_CODES",
    "attribute_term_ids",
    "service_types_taxonomy_id",
    "as_text",
    "clean",
    "derived_id",
    "taxonomy_to_hsds",
    "taxonomy_term_to_hsds",
    "attribute_to_hsds",
    "service_type_attribute",
    "lantern_service_attributes",
    "lantern_organization_attributes",
    "Context",
    "language_to_hsds",
    "phone_to_hsds",
    "schedule_to_hsds",
    "service_area_name",
    "service_area_to_hsds",
    "contact_to_hsds",
    "address_to_hsds",
    "location_to_hsds",
    "service_at_location_to_hsds",
    "organization_identifier_to_hsds",
    "organization_to_hsds",
    "organization_related_ids",
    "location_related_ids",
    "service_related_ids",
    "SERVICE_PREFETCH",
    "services_queryset",
    "service_to_hsds",
    "service_list_to_hsds",
    "RowError",
    "to_uuid",
    "parse_time",
    "parse_organization",
    "parse_service",
    "parse_location",
    "parse_address",
    "parse_service_at_location",
    "parse_contact",
    "parse_phone",
    "parse_language",
    "parse_schedule",
    "parse_service_area",
    "area_scope",
    "parse_taxonomy",
    "parse_taxonomy_term",
    "parse_attribute",
    "parse_organization_identifier",
    "PARSERS",
    "parse_bool",
    "parse_population",
    "parse_organization_type",
]
