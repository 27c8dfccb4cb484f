"""Export the directory as HSDS 3.0: JSON objects or the tabular (CSV) datapackage.

``export_directory(outdir, fmt="json"|"csv")``:

- ``json`` writes four files, each a JSON array of objects as the HSDS API would return them
  one by one: ``services.json`` (fully nested service objects, ``schema/compiled/service.json``),
  ``organizations.json`` (organizations with their contacts, phones, non-confidential
  locations, identifiers and attributes, ``schema/compiled/organization.json``),
  ``taxonomies.json`` and ``taxonomy_terms.json``. ``lantern import_directory OUTDIR`` reads the
  folder back.
- ``csv`` writes the 3.0 tabular datapackage: ``datapackage.json`` plus one CSV per table the
  directory stores (the spec's file names and column order, ``examples/csv``).

Both go through ``hsds.py``'s serialisers, so confidential locations are left out the same way
everywhere (no location, address, coordinates, service-at-location, or location-level phone,
schedule, contact or language; the service and its own phones stay). Writing streams in
batches, so memory stays flat for a million services.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tqdm import tqdm

from lantern.core import spreadsheet
from lantern.directory import hsds
from lantern.directory.importing import EMBEDDED, NESTED
from lantern.directory.models import Organization, Service, Taxonomy, TaxonomyTerm

BATCH = 500

# table -> (file, columns), in the order and spelling of the spec's examples/csv
TABLES: dict[str, tuple[str, list[str]]] = {
    "organization": ("organizations.csv", ["id", "name", "alternate_name", "description", "email", "website", "tax_status", "tax_id", "year_incorporated", "legal_status", "logo", "uri", "parent_organization_id"]),  # noqa: E501
    "organization_identifier": ("organization_identifiers.csv", ["id", "organization_id", "identifier_scheme", "identifier_type", "identifier"]),  # noqa: E501
    "service": ("services.csv", ["id", "organization_id", "program_id", "name", "alternate_name", "description", "url", "email", "status", "interpretation_services", "application_process", "fees_description", "wait_time", "fees", "accreditations", "eligibility_description", "minimum_age", "maximum_age", "assured_date", "assurer_email", "licenses", "alert", "last_modified"]),  # noqa: E501
    "location": ("locations.csv", ["id", "location_type", "url", "organization_id", "name", "alternate_name", "description", "transportation", "latitude", "longitude", "external_identifier", "external_identifier_type"]),  # noqa: E501
    "address": ("addresses.csv", ["id", "location_id", "attention", "address_1", "address_2", "city", "region", "state_province", "postal_code", "country", "address_type"]),  # noqa: E501
    "service_at_location": ("service_at_location.csv", ["id", "service_id", "location_id", "description"]),  # noqa: E501
    "contact": ("contacts.csv", ["id", "organization_id", "service_id", "service_at_location_id", "location_id", "name", "title", "department", "email"]),  # noqa: E501
    "phone": ("phones.csv", ["id", "location_id", "service_id", "organization_id", "contact_id", "service_at_location_id", "number", "extension", "type", "description"]),  # noqa: E501
    "language": ("languages.csv", ["id", "service_id", "location_id", "phone_id", "name", "code", "note"]),  # noqa: E501
    "schedule": ("schedules.csv", ["id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to", "dtstart", "timezone", "until", "count", "wkst", "freq", "interval", "byday", "byweekno", "bymonthday", "byyearday", "description", "opens_at", "closes_at", "schedule_link", "attending_type", "notes"]),  # noqa: E501
    "service_area": ("service_areas.csv", ["id", "service_id", "name", "description", "extent", "extent_type", "uri"]),  # noqa: E501
    "attribute": ("attributes.csv", ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"]),  # noqa: E501
    "taxonomy": ("taxonomies.csv", ["id", "name", "description", "uri", "version"]),
    "taxonomy_term": ("taxonomy_terms.csv", ["id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id", "term_uri"]),  # noqa: E501
}  # fmt: skip
NUMBER_COLUMNS = {
    "year_incorporated",
    "minimum_age",
    "maximum_age",
    "latitude",
    "longitude",
    "extension",
    "timezone",
    "count",
    "interval",
}


def _bar(iterable, desc: str, total: int, progress: bool | None):
    disable = progress is False or (progress is None and not sys.stderr.isatty())
    return tqdm(iterable, desc=desc, total=total, file=sys.stderr, disable=disable, leave=False)


def _service_batches(qs, progress):
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    for start in _bar(range(0, len(ids), BATCH), "services", -(-len(ids) // BATCH), progress):
        batch = list(
            hsds.services_queryset(
                Service.objects.filter(pk__in=ids[start : start + BATCH])
            ).order_by("pk")
        )  # noqa: E501
        related = [i for s in batch for i in hsds.service_related_ids(s)]
        yield batch, hsds.Context.for_ids(related)


ORG_PREFETCH = (
    "contacts__phones__languages",
    "phones__languages",
    "organization_identifiers",
    "locations__languages",
    "locations__addresses",
    "locations__contacts__phones__languages",
    "locations__phones__languages",
    "locations__schedules",
)


def _organization_batches(progress):
    ids = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    for start in _bar(range(0, len(ids), BATCH), "organizations", -(-len(ids) // BATCH), progress):
        batch = list(
            Organization.objects.filter(pk__in=ids[start : start + BATCH])
            .prefetch_related(*ORG_PREFETCH)
            .order_by("pk")
        )
        related = [i for o in batch for i in hsds.organization_related_ids(o)]
        yield batch, hsds.Context.for_ids(related)


def iter_services(qs=None, *, progress=None):
    """Every service as an HSDS dict, confidential locations left out."""
    for batch, ctx in _service_batches(qs if qs is not None else Service.objects.all(), progress):
        for service in batch:
            yield hsds.service_to_hsds(service, ctx=ctx)


def iter_organizations(*, progress=None):
    for batch, ctx in _organization_batches(progress):
        for org in batch:
            yield hsds.organization_to_hsds(org, full=True, ctx=ctx)


def iter_taxonomies():
    for tax in Taxonomy.objects.order_by("pk"):
        yield hsds.taxonomy_to_hsds(tax)


def iter_taxonomy_terms():
    for term in TaxonomyTerm.objects.select_related("taxonomy_ref").order_by("pk"):
        yield hsds.taxonomy_term_to_hsds(term)


def _write_json_array(path: Path, items) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for item in items:
            out.write(",\n" if n else "\n")
            out.write(json.dumps(item, ensure_ascii=False))
            n += 1
        out.write("\n]\n")
    return n


def export_json(outdir: Path, *, progress=None) -> dict[str, int]:
    outdir.mkdir(parents=True, exist_ok=True)
    return {
        "taxonomies.json": _write_json_array(outdir / "taxonomies.json", iter_taxonomies()),
        "taxonomy_terms.json": _write_json_array(
            outdir / "taxonomy_terms.json", iter_taxonomy_terms()
        ),
        "organizations.json": _write_json_array(
            outdir / "organizations.json", iter_organizations(progress=progress)
        ),
        "services.json": _write_json_array(
            outdir / "services.json", iter_services(progress=progress)
        ),
    }


class TableWriter:
    """Flattens nested HSDS objects into the 3.0 tables, each record written once."""

    def __init__(self, outdir: Path):
        self.outdir = outdir
        self.files = {}
        self.writers = {}
        self.seen: dict[str, set] = {k: set() for k in TABLES}
        self.counts = dict.fromkeys(TABLES, 0)
        for kind, (name, columns) in TABLES.items():
            handle = (outdir / name).open("w", newline="", encoding="utf-8")
            self.files[kind] = handle
            writer = spreadsheet.writer(handle)
            writer.writerow(columns)
            self.writers[kind] = writer

    def add(self, kind: str, obj: dict):
        if kind not in TABLES:
            return
        if obj["id"] not in self.seen[kind]:
            self.seen[kind].add(obj["id"])
            columns = TABLES[kind][1]
            self.writers[kind].writerow([_cell(obj.get(c)) for c in columns])
            self.counts[kind] += 1
        for key, (child_kind, _) in EMBEDDED.get(kind, {}).items():
            if isinstance(obj.get(key), dict):
                self.add(child_kind, obj[key])
        for key, (child_kind, _) in NESTED.get(kind, {}).items():
            for child in obj.get(key) or []:
                self.add(child_kind, child)
        for attr in obj.get("attributes") or []:
            self.add("attribute", attr)

    def close(self):
        for handle in self.files.values():
            handle.close()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else str(value)
    return str(value)


def datapackage() -> dict:
    resources = []
    for kind, (name, columns) in TABLES.items():
        fields = []
        for column in columns:
            spec = {"name": column, "type": "number" if column in NUMBER_COLUMNS else "string"}
            if column == "id" or column.endswith("_id"):
                spec["format"] = "uuid"
            if column == "last_modified":
                spec["format"] = "date-time"
            fields.append(spec)
        resources.append(
            {
                "name": kind,
                "path": name,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"primaryKey": "id", "fields": fields},
            }
        )
    return {
        "name": "lantern-directory",
        "title": "Lantern referral directory (HSDS 3.0)",
        "profile": "tabular-data-package",
        "version": hsds.HSDS_VERSION,
        "resources": resources,
    }


def export_csv(outdir: Path, *, progress=None) -> dict[str, int]:
    outdir.mkdir(parents=True, exist_ok=True)
    tables = TableWriter(outdir)
    try:
        for tax in iter_taxonomies():
            tables.add("taxonomy", tax)
        for term in iter_taxonomy_terms():
            tables.add("taxonomy_term", term)
        for org in iter_organizations(progress=progress):
            tables.add("organization", org)
        for service in iter_services(progress=progress):
            service.pop("organization", None)  # written above, with its full record
            tables.add("service", service)
    finally:
        tables.close()
    (outdir / "datapackage.json").write_text(json.dumps(datapackage(), indent=2) + "\n")
    return {TABLES[k][0]: n for k, n in tables.counts.items()}


def export_directory(outdir, fmt: str = "json", *, progress: bool | None = None) -> dict[str, int]:
    """Write the directory to ``outdir``; returns records written per file."""
    outdir = Path(outdir)
    if fmt == "json":
        return export_json(outdir, progress=progress)
    if fmt == "csv":
        return export_csv(outdir, progress=progress)
    raise ValueError(f"unknown format {fmt!r} (json or csv)")
