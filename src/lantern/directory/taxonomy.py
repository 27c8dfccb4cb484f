"""Lantern's own taxonomies (``data/taxonomy.yaml``), loaded after every ``migrate``.

Term ids are ``uuid5`` of the taxonomy and term codes, so they are the same on every
installation and an export from one hotline imports cleanly into another.
"""

from __future__ import annotations

import uuid
from functools import cache
from pathlib import Path

import yaml

LANTERN_NAMESPACE = uuid.UUID("6a1c3f4e-1b7d-5c53-9f2e-6c616e746572")
SERVICE_TYPES = "lantern-service-types"
ATTRIBUTES = "lantern-attributes"
_FILE = Path(__file__).parent / "data" / "taxonomy.yaml"


def stable_id(*parts: str) -> uuid.UUID:
    """A UUID that is the same for the same parts on every machine (uuid5)."""
    return uuid.uuid5(LANTERN_NAMESPACE, "/".join(parts))


@cache
def definition() -> list[dict]:
    return yaml.safe_load(_FILE.read_text())["taxonomies"]


def term_id(taxonomy_code: str, term_code: str) -> uuid.UUID:
    return stable_id("taxonomy", taxonomy_code, term_code)


def attribute_term_id(code: str) -> uuid.UUID:
    return term_id(ATTRIBUTES, code)


def sync(using: str = "default") -> None:
    """Create or update Lantern's taxonomies and terms; other taxonomies are left alone."""
    from lantern.directory.models import Taxonomy, TaxonomyTerm

    for tax in definition():
        taxonomy, _ = Taxonomy.objects.using(using).update_or_create(
            id=stable_id("taxonomy", tax["code"]),
            defaults={
                "name": tax["name"],
                "description": tax["description"],
                "version": str(tax.get("version", "")),
            },
        )
        for term in tax["terms"]:
            TaxonomyTerm.objects.using(using).update_or_create(
                id=term_id(tax["code"], term["code"]),
                defaults={
                    "code": term["code"],
                    "name": term["name"],
                    "description": term["description"],
                    "taxonomy_ref": taxonomy,
                    "taxonomy": taxonomy.name,
                    "language": "en",
                    "open_eligibility": term.get("open_eligibility") or "",
                },
            )


def sync_after_migrate(sender, using="default", **kwargs):
    sync(using)
