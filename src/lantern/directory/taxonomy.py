"""Lantern's own taxonomies (``data/taxonomy.yaml``), loaded after every ``migrate``.

Term ids are ``uuid5`` of the taxonomy and term codes, so they are the same on every
installation and an export from one hotline imports cleanly into another.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

import yaml

from lantern.directory.stemming import tokens

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


def _key(name: str) -> str:
    """A name as the index sees it: folded, lower case, stemmed ("Emergency Shelters" ->
    "emerg shelter"), so plural and accent differences between feeds do not matter."""
    return " ".join(tokens(name))


@cache
def _types_by_name() -> dict[str, frozenset[str]]:
    """Each name a feed may give one of Lantern's service types -> the type codes."""
    found: dict[str, set[str]] = {}
    for tax in definition():
        if tax["code"] != SERVICE_TYPES:
            continue
        for term in tax["terms"]:
            names = [term["code"].replace("-", " "), term["name"], term.get("open_eligibility")]
            for name in [*names, *term.get("also", ())]:
                if name and _key(name):
                    found.setdefault(_key(name), set()).add(term["code"])
    return {k: frozenset(v) for k, v in found.items()}


_QUALIFIER = re.compile(r"\s+[-\u2013:(/|]\s*|\s*[:(/|]\s*")
# words a feed adds to a kind of service without changing it ("Legal Aid Services")
_GENERIC = {"servic", "program", "assist", "center", "centr", "help", "and", "for", "the", "of"}


@cache
def _multiword_names() -> list[tuple[tuple[str, ...], frozenset[str]]]:
    by_name = _types_by_name()
    return [(tuple(k.split()), v) for k, v in by_name.items() if " " in k]


def _types_named(name: str) -> frozenset[str]:
    """The types a term's name means: the whole name; else its head before a qualifier
    ("Emergency Shelter - Youth", "Legal Aid (civil)"); else the name without generic words
    ("Counselling Services"); else every known name of two or more words it contains
    ("Domestic Violence Emergency Shelter"). A one-word name ("Shelter") must be the whole
    name, so "Shelter Pets Adoption" means nothing."""
    by_name = _types_by_name()
    head = _QUALIFIER.split(name.strip(), maxsplit=1)[0]
    for candidate in (_key(name), _key(head)):
        if candidate in by_name:
            return by_name[candidate]
    words = [w for w in _key(name).split() if w not in _GENERIC]
    if " ".join(words) in by_name:
        return by_name[" ".join(words)]
    found: set[str] = set()
    for known, types in _multiword_names():
        n = len(known)
        if any(tuple(words[i : i + n]) == known for i in range(len(words) - n + 1)):
            found |= types
    return frozenset(found)


MAX_PARENT_DEPTH = 6


def service_types_for(terms: Iterable[Mapping], parents: Mapping | None = None) -> set[str]:
    """Lantern service-type codes equivalent to a service's taxonomy terms (dicts with ``code``,
    ``name`` and optionally ``parent_id``): Lantern's own codes as they are, a feed's terms by
    name (``also`` in ``data/taxonomy.yaml``), else by their nearest named ancestor in
    ``parents`` (id -> term dict). A term nothing matches adds nothing."""
    lantern_codes = {t["code"] for tax in definition() for t in tax["terms"]}
    found: set[str] = set()
    for term in terms:
        if term.get("code") in lantern_codes:
            found.add(term["code"])
            continue
        current, depth = term, 0
        while current is not None and depth < MAX_PARENT_DEPTH:
            types = _types_named(current.get("name") or "")
            if types:
                found |= types
                break
            current = (parents or {}).get(current.get("parent_id"))
            depth += 1
    return found


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
