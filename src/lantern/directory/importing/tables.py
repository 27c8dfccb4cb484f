"""What the importer knows about HSDS tables: models, dependency order, references, file names."""

from __future__ import annotations

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

BATCH = 1000
MAX_ERRORS = 200

MODELS = {
    "taxonomy": Taxonomy,
    "taxonomy_term": TaxonomyTerm,
    "organization": Organization,
    "organization_identifier": OrganizationIdentifier,
    "service": Service,
    "location": Location,
    "address": Address,
    "service_at_location": ServiceAtLocation,
    "contact": DirectoryContact,
    "phone": Phone,
    "language": Language,
    "schedule": Schedule,
    "service_area": ServiceArea,
    "attribute": Attribute,
}
ORDER = list(MODELS)  # dependency order: a kind only refers to kinds before it (or itself)

# row field -> (model attname, target kind, required)
REFS: dict[str, dict[str, tuple[str, str, bool]]] = {
    "taxonomy": {},
    "taxonomy_term": {
        "parent_id": ("parent_id", "taxonomy_term", False),
        "taxonomy_id": ("taxonomy_ref_id", "taxonomy", False),
    },
    "organization": {"parent_organization_id": ("parent_organization_id", "organization", False)},
    "organization_identifier": {"organization_id": ("organization_id", "organization", True)},
    "service": {"organization_id": ("organization_id", "organization", True)},
    "location": {"organization_id": ("organization_id", "organization", False)},
    "address": {"location_id": ("location_id", "location", True)},
    "service_at_location": {
        "service_id": ("service_id", "service", True),
        "location_id": ("location_id", "location", True),
    },
    "contact": {
        "organization_id": ("organization_id", "organization", False),
        "service_id": ("service_id", "service", False),
        "service_at_location_id": ("service_at_location_id", "service_at_location", False),
        "location_id": ("location_id", "location", False),
    },
    "phone": {
        "location_id": ("location_id", "location", False),
        "service_id": ("service_id", "service", False),
        "organization_id": ("organization_id", "organization", False),
        "contact_id": ("contact_id", "contact", False),
        "service_at_location_id": ("service_at_location_id", "service_at_location", False),
    },
    "language": {
        "service_id": ("service_id", "service", False),
        "location_id": ("location_id", "location", False),
        "phone_id": ("phone_id", "phone", False),
    },
    "schedule": {
        "service_id": ("service_id", "service", False),
        "location_id": ("location_id", "location", False),
        "service_at_location_id": ("service_at_location_id", "service_at_location", False),
    },
    "service_area": {"service_id": ("service_id", "service", True)},
    "attribute": {},
}
# kinds that mean nothing unless linked to at least one of their references
NEEDS_A_LINK = {"contact", "phone", "language", "schedule"}
# the service's organization is not optional: a service without one cannot be stored
FAIL_ON_BROKEN = {("service", "organization_id")}
# values of Lantern-only fields kept from the existing row on update
PRESERVED = {
    "organization": ["organization_type"],
    "service": ["populations", "available_24_7", "trafficking_training", "verified_by_id"],
    "location": ["confidential", "time_zone"],
}

# HSDS CSV table (file stem or datapackage resource name) -> (kind, fixed values)
CSV_TABLES: dict[str, tuple[str, dict]] = {
    "organizations": ("organization", {}),
    "organization": ("organization", {}),
    "organization_identifiers": ("organization_identifier", {}),
    "organization_identifier": ("organization_identifier", {}),
    "services": ("service", {}),
    "service": ("service", {}),
    "locations": ("location", {}),
    "location": ("location", {}),
    "service_at_location": ("service_at_location", {}),
    "service_at_locations": ("service_at_location", {}),
    "services_at_location": ("service_at_location", {}),
    "services_at_locations": ("service_at_location", {}),
    "addresses": ("address", {}),
    "address": ("address", {}),
    "physical_addresses": ("address", {"address_type": "physical"}),
    "postal_addresses": ("address", {"address_type": "postal"}),
    "phones": ("phone", {}),
    "phone": ("phone", {}),
    "contacts": ("contact", {}),
    "contact": ("contact", {}),
    "languages": ("language", {}),
    "language": ("language", {}),
    "schedules": ("schedule", {}),
    "schedule": ("schedule", {}),
    "regular_schedules": ("schedule", {}),
    # 2.0: one closed day or special hours per row; read as a dated 3.0 schedule
    "holiday_schedules": ("schedule", {"_holiday": "1"}),
    "service_areas": ("service_area", {}),
    "service_area": ("service_area", {}),
    "taxonomies": ("taxonomy", {}),
    "taxonomy_terms": ("taxonomy_term", {}),
    "taxonomy_term": ("taxonomy_term", {}),
    "taxonomy": ("taxonomy_term", {}),  # 2.0: taxonomy.csv holds the terms
    "attributes": ("attribute", {}),
    "attribute": ("attribute", {}),
    "services_taxonomy": ("attribute", {"link_entity": "service", "_link_kind": "service"}),
    "service_taxonomy": ("attribute", {"link_entity": "service", "_link_kind": "service"}),
    "eligibility": ("eligibility", {}),
}
# 3.0 datapackage resource name "taxonomy" means taxonomies.csv, not the 2.0 terms table
RESOURCE_KINDS = {"taxonomy": ("taxonomy", {})}

# nested JSON arrays: parent kind -> key -> (child kind, the child's reference to the parent)
NESTED: dict[str, dict[str, tuple[str, str]]] = {
    "organization": {
        "contacts": ("contact", "organization_id"),
        "phones": ("phone", "organization_id"),
        "locations": ("location", "organization_id"),
        "organization_identifiers": ("organization_identifier", "organization_id"),
        "services": ("service", "organization_id"),
    },
    "service": {
        "phones": ("phone", "service_id"),
        "schedules": ("schedule", "service_id"),
        "service_areas": ("service_area", "service_id"),
        "service_at_locations": ("service_at_location", "service_id"),
        "languages": ("language", "service_id"),
        "contacts": ("contact", "service_id"),
    },
    "service_at_location": {
        "contacts": ("contact", "service_at_location_id"),
        "phones": ("phone", "service_at_location_id"),
        "schedules": ("schedule", "service_at_location_id"),
    },
    "location": {
        "languages": ("language", "location_id"),
        "addresses": ("address", "location_id"),
        "contacts": ("contact", "location_id"),
        "phones": ("phone", "location_id"),
        "schedules": ("schedule", "location_id"),
    },
    "contact": {"phones": ("phone", "contact_id")},
    "phone": {"languages": ("language", "phone_id")},
}
# nested single objects that describe a record the parent refers to
EMBEDDED: dict[str, dict[str, tuple[str, str]]] = {
    "service": {"organization": ("organization", "organization_id")},
    "service_at_location": {
        "location": ("location", "location_id"),
        "service": ("service", "service_id"),
    },
    "attribute": {"taxonomy_term": ("taxonomy_term", "taxonomy_term_id")},
    "taxonomy_term": {"taxonomy_detail": ("taxonomy", "taxonomy_id")},
}
NOT_STORED = {
    "funding",
    "programs",
    "program",
    "cost_options",
    "required_documents",
    "metadata",
    "accessibility",
    "meta_table_descriptions",
    "accessibility_for_disabilities",
    "fees",
}
ENTITY_NAMES = {
    # attribute link_entity / file stems -> kind
    **{k: k for k in MODELS},
    **{stem: kind for stem, (kind, _) in CSV_TABLES.items() if kind in MODELS},
}

# HSDS 2.0 (and other common) column names -> the 3.0 name, per kind; applied when the 3.0
# column is absent and reported once per file.
COLUMN_ALIASES: dict[str, dict[str, str]] = {
    "taxonomy_term": {"term": "name"},
    "taxonomy": {"term": "name"},
    "schedule": {"start_date": "valid_from", "end_date": "valid_to"},
}
