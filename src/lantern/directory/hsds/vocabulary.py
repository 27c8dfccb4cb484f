"""HSDS 3.0 vocabulary Lantern shares between export and import: the spec version, Lantern's
attribute codes, and small helpers."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from lantern.directory import taxonomy as lantern_taxonomy

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


def as_text(value) -> str:
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


def derived_id(*parts) -> uuid.UUID:
    """Stable ids for records Lantern writes out but does not store (e.g. field attributes)."""
    return lantern_taxonomy.stable_id("hsds-export", *(str(p) for p in parts))
