"""Import HSDS 3.0 JSON and HSDS CSV datapackages (3.0 and the 2.0 layout) into the directory.

``import_directory(path, dry_run=False, actor=None)`` is the one entry point (the
``lantern import_directory`` command is a thin wrapper). The run is ONE transaction:

1. read every file into flat rows per HSDS table, each remembering where it came from
   (``phones.csv row 7`` counting the header as row 1, or ``services.json $[3].phones[0]``);
2. map ids: UUIDs are kept, anything else becomes ``stable_id(kind, source_id)`` (uuid5) and the
   source id is kept (an ``OrganizationIdentifier`` of type ``source_id`` for organizations, a
   ``source-id`` attribute for everything else);
3. check: missing required fields and duplicate ids FAIL the run (``ImportFailed``, listing
   every problem with file and row); broken references, unknown taxonomy terms, unparseable
   schedules and impossible coordinates drop just the bad part, with a warning;
4. write with bulk upserts keyed on id (re-importing updates in place; no duplicates);
5. reindex the services the import touched (``indexing.reindex_services``).

Lantern-only fields that HSDS cannot carry (``Location.confidential``, ``Service.verified_by``)
are never changed by an import; Lantern's attribute-borne fields (organization type,
populations, 24/7, training, service types) change only when the import carries them.
Rows that an import does not mention are left alone: import never deletes.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from tqdm import tqdm

from lantern.audit import actions as audit
from lantern.core import geo
from lantern.directory import hsds, indexing
from lantern.directory import taxonomy as lantern_taxonomy
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
csv.field_size_limit(sys.maxsize)

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
    "holiday_schedules",
    "fees",
}
ENTITY_NAMES = {
    # attribute link_entity / file stems -> kind
    **{k: k for k in MODELS},
    **{stem: kind for stem, (kind, _) in CSV_TABLES.items() if kind in MODELS},
}


class ImportFailed(Exception):
    """The import was refused; nothing was written. ``errors`` name the file and row."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        shown = errors[:50]
        more = f"\n... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(
            f"import failed, nothing was changed ({len(errors)} problem"
            f"{'s' if len(errors) != 1 else ''}):\n" + "\n".join(shown) + more
        )


@dataclass
class Row:
    kind: str
    data: dict
    where: str
    owned: bool = True  # False: a copy embedded in another record (may repeat)
    mergeable: bool = False  # JSON: the same record may be nested in several places


@dataclass
class ImportResult:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    service_ids: list = field(default_factory=list)
    dry_run: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        parts = []
        for kind in ORDER:
            c, u = self.created.get(kind, 0), self.updated.get(kind, 0)
            if c or u:
                parts.append(f"{kind}: {c} new, {u} updated")
        head = "dry run, nothing written" if self.dry_run else "imported"
        return f"{head} in {self.seconds:.1f}s: " + ("; ".join(parts) or "nothing")


class _DryRun(Exception):
    pass


# --- reading ------------------------------------------------------------------------------------


class Reader:
    def __init__(self):
        self.rows: dict[str, list[Row]] = defaultdict(list)
        self.warnings: list[str] = []
        self.not_stored: Counter = Counter()

    # JSON -----------------------------------------------------------------------------------
    def read_json(self, path: Path, label: str):
        try:
            doc = json.loads(path.read_text(encoding="utf-8-sig"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ImportFailed([f"{label}: not valid JSON ({exc})"]) from exc
        hint = _kind_from_name(path.stem)
        if isinstance(doc, dict) and doc and all(str(k).endswith(".csv") for k in doc):
            for name, rows in doc.items():  # the spec's examples/tabular.json layout
                self.read_table(name[:-4], rows or [], f"{label} {name}")
            return
        if isinstance(doc, dict) and isinstance(doc.get("contents"), list):
            items, prefix = doc["contents"], "$.contents"
        elif isinstance(doc, list):
            items, prefix = doc, "$"
        elif isinstance(doc, dict):
            items, prefix = [doc], None
        else:
            raise ImportFailed([f"{label}: expected an HSDS object, a list or an API page"])
        for i, item in enumerate(items):
            where = f"{label} {prefix}[{i}]" if prefix else f"{label} $"
            if not isinstance(item, dict):
                raise ImportFailed([f"{where}: expected an object"])
            kind = _guess_kind(item, hint)
            if kind is None:
                raise ImportFailed([f"{where}: cannot tell which HSDS object this is"])
            self.add_object(kind, item, where, {}, owned=True)

    def add_object(self, kind: str, obj: dict, where: str, refs: dict, owned: bool) -> str:
        """Flatten one nested HSDS object into rows; returns its (source) id."""
        data = {k: v for k, v in obj.items() if not isinstance(v, (list, dict))}
        data.update({k: v for k, v in refs.items() if not data.get(k)})
        if not _s(data.get("id")).strip():
            data["id"] = _generated_id(kind, data)
        own_id = str(data["id"]).strip()
        for key, (child_kind, ref) in EMBEDDED.get(kind, {}).items():
            sub = obj.get(key)
            if isinstance(sub, dict) and sub:
                sub_id = self.add_object(child_kind, sub, f"{where}.{key}", {}, False)
                if not _s(data.get(ref)).strip():
                    data[ref] = sub_id
        if kind == "attribute":
            data.setdefault("_link_kind", refs.get("_link_kind", ""))
        self.rows[kind].append(Row(kind, data, where, owned, mergeable=True))
        for key, value in obj.items():
            if key in NESTED.get(kind, {}) and isinstance(value, list):
                child_kind, ref = NESTED[kind][key]
                for i, child in enumerate(value):
                    if isinstance(child, dict):
                        self.add_object(
                            child_kind, child, f"{where}.{key}[{i}]", {ref: own_id}, owned
                        )
            elif key == "attributes" and isinstance(value, list):
                for i, child in enumerate(value):
                    if isinstance(child, dict):
                        self.add_object(
                            "attribute",
                            child,
                            f"{where}.attributes[{i}]",
                            {"link_id": own_id, "_link_kind": kind},
                            owned,
                        )
            elif key in NOT_STORED and isinstance(value, (list, dict)) and value:
                self.not_stored[key] += len(value) if isinstance(value, list) else 1
        return own_id

    # CSV ------------------------------------------------------------------------------------
    def read_csv_folder(self, folder: Path, label_prefix: str = ""):
        names = {}
        package = folder / "datapackage.json"
        if package.exists():
            try:
                descriptor = json.loads(package.read_text(encoding="utf-8-sig"))
                for res in descriptor.get("resources", []):
                    if res.get("path") and res.get("name"):
                        names[Path(res["path"]).name] = res["name"]
            except (json.JSONDecodeError, AttributeError, TypeError):
                self.warnings.append("datapackage.json: not readable, file names used instead")
        for path in sorted(folder.glob("*.csv")):
            table = names.get(path.name)
            label = f"{label_prefix}{path.name}"
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                rows = (
                    {(k or "").strip().lower(): v for k, v in row.items() if k is not None}
                    for row in reader
                )
                self.read_table(path.stem, rows, label, resource=table)

    def read_table(self, stem: str, rows: Iterable[dict], label: str, resource: str | None = None):
        stem = stem.lower()
        spec = None
        if resource:
            spec = RESOURCE_KINDS.get(resource) or CSV_TABLES.get(resource)
        spec = spec or CSV_TABLES.get(stem)
        if spec is None:
            if stem in NOT_STORED or (resource or "") in NOT_STORED:
                self.warnings.append(f"{label}: not imported (Lantern does not store {stem})")
            else:
                self.warnings.append(f"{label}: not an HSDS table Lantern knows, skipped")
            return
        kind, fixed = spec
        for n, raw in enumerate(rows, start=2):
            data = {
                k: (v.strip() if isinstance(v, str) else v)
                for k, v in raw.items()
                if v not in (None, "")
            }
            for k, v in fixed.items():
                data.setdefault(k, v)
            where = f"{label} row {n}"
            if not any(v for k, v in data.items() if not k.startswith("_") and k not in fixed):
                continue  # blank line
            if kind == "address":
                extra = [data.pop(k) for k in ("address_3", "address_4") if data.get(k)]
                if extra:
                    data["address_2"] = ", ".join([data.get("address_2", "")] + extra).strip(", ")
            if kind == "attribute" and "service_id" in data and "link_id" not in data:
                data["link_id"] = data.pop("service_id")
                if "taxonomy_term_id" not in data and "taxonomy_id" in data:
                    data["taxonomy_term_id"] = data.pop("taxonomy_id")
            if not _s(data.get("id")).strip():
                data["id"] = _generated_id(kind, data)
            if kind == "phone" and data.get("language"):
                for lang in str(data.pop("language")).split(","):
                    if lang.strip():
                        self.rows["language"].append(
                            Row(
                                "language",
                                {
                                    "id": _generated_id("language", {"p": data["id"], "l": lang}),
                                    "name": lang.strip(),
                                    "phone_id": data["id"],
                                },
                                where,
                                owned=False,
                            )
                        )
            self.rows[kind].append(Row(kind, data, where, owned=True))


def _s(value) -> str:
    return "" if value is None else str(value)


def _generated_id(kind: str, data: dict) -> str:
    """A record with no id gets one derived from its content, so re-importing finds it again."""
    content = json.dumps(
        {k: v for k, v in data.items() if not k.startswith("_")}, sort_keys=True, default=str
    )
    return str(lantern_taxonomy.stable_id(kind, "generated", content))


def _kind_from_name(stem: str) -> str | None:
    stem = stem.lower()
    for prefix, kind in (
        ("service_at_location", "service_at_location"),
        ("services_at_location", "service_at_location"),
        ("taxonomy_term", "taxonomy_term"),
        ("taxonom", "taxonomy"),
        ("service", "service"),
        ("organization", "organization"),
        ("location", "location"),
    ):
        if stem.startswith(prefix):
            return kind
    return None


def _guess_kind(obj: dict, hint: str | None) -> str | None:
    if "status" in obj or "service_at_locations" in obj:
        return "service"
    if "location" in obj or ("service_id" in obj and "location_id" in obj and "name" not in obj):
        return "service_at_location"
    if "location_type" in obj or "addresses" in obj:
        return "location"
    if hint:
        return hint
    if {"taxonomy_detail", "taxonomy_id", "parent_id", "code", "term_uri"} & obj.keys():
        return "taxonomy_term"
    if "name" in obj and "description" in obj:
        if {"services", "website", "tax_id", "organization_identifiers", "locations"} & obj.keys():
            return "organization"
        if "version" in obj and len(obj.keys() - {"id", "name", "description", "uri"}) <= 1:
            return "taxonomy"
        return "organization"
    return None


def read_path(path: Path) -> Reader:
    reader = Reader()
    if path.is_dir():
        csvs = list(path.glob("*.csv"))
        if csvs:
            reader.read_csv_folder(path)
        for sub in sorted(path.glob("*.json")):
            if sub.name == "datapackage.json" and csvs:
                continue
            reader.read_json(sub, sub.name)
        for sub in sorted(p for p in path.iterdir() if p.is_dir()):
            if list(sub.glob("*.csv")):
                reader.read_csv_folder(sub, f"{sub.name}/")
    elif path.suffix.lower() == ".csv":
        reader.read_csv_folder(path.parent)
    elif path.exists():
        reader.read_json(path, path.name)
    else:
        raise ImportFailed([f"{path}: no such file or folder"])
    return reader


# --- checking and writing -----------------------------------------------------------------------


def _chunks(items: list, size: int = 2000):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing(model, ids: Iterable, fields: list[str] | None = None) -> dict:
    """id -> {field: value} (or id -> {} without fields) for the ids already in the database."""
    ids = list(ids)
    out = {}
    for chunk in _chunks(ids):
        if fields:
            for values in model.objects.filter(pk__in=chunk).values("pk", *fields):
                out[values.pop("pk")] = values
        else:
            out.update(
                {pk: {} for pk in model.objects.filter(pk__in=chunk).values_list("pk", flat=True)}
            )
    return out


class Importer:
    def __init__(self, reader: Reader, *, progress: bool | None = None):
        self.reader = reader
        self.warnings: list[str] = list(reader.warnings)
        self.errors: list[str] = []
        self.progress = progress
        # kind -> uuid -> (Row, fields)
        self.records: dict[str, dict] = {k: {} for k in ORDER}
        self.source_ids: dict[str, dict] = {k: {} for k in ORDER}
        self.sal_alias: dict = {}
        self.org_type: dict = {}
        self.populations: dict = defaultdict(list)
        self.flags: dict = defaultdict(dict)
        self.service_terms: dict = defaultdict(set)
        self.attributes: dict = {}
        self.eligibility: dict = defaultdict(list)
        self.db_known: dict[str, set] = {k: set() for k in ORDER}
        self.result = ImportResult()

    def warn(self, where: str, message: str):
        self.warnings.append(f"{where}: {message}")

    def error(self, where: str, message: str):
        self.errors.append(f"{where}: {message}")

    def bar(self, iterable, desc: str, total: int | None = None):
        return tqdm(
            iterable,
            desc=desc,
            total=total,
            file=sys.stderr,
            disable=self.progress is False or (self.progress is None and not sys.stderr.isatty()),
            leave=False,
            unit="rows",
        )

    # ids ----------------------------------------------------------------------------------------
    def assign_ids(self):
        """Map every id to a UUID. The same record may appear in several places of a nested
        JSON document (a phone under its contact and under its organization): such copies are
        merged. Two CSV rows with one id, or two copies that disagree, fail the run."""
        for kind in ORDER:
            seen: dict = {}
            for row in self.reader.rows.get(kind, []):
                pk, source = hsds.to_uuid(kind, row.data.get("id"))
                first = seen.get(pk)
                if first is None:
                    seen[pk] = row
                elif not (row.owned and first.owned) or row.mergeable and first.mergeable:
                    conflict = _merge(first, row)
                    if conflict:
                        self.error(row.where, f"duplicate {kind} id {row.data.get('id')!r} with "
                                   f"a different {conflict} (also at {first.where})")  # fmt: skip
                else:
                    self.error(row.where, f"duplicate {kind} id {row.data.get('id')!r} (also at "
                               f"{first.where})")  # fmt: skip
                if source:
                    self.source_ids[kind][pk] = source
            self.records[kind] = {pk: (row, None) for pk, row in seen.items()}

    def ref_uuid(self, target: str, raw):
        pk, _ = hsds.to_uuid(target, raw)
        if target == "service_at_location":
            pk = self.sal_alias.get(pk, pk)
        return pk

    def known(self, target: str, pk) -> bool:
        return pk in self.records[target] or pk in self.db_known[target]

    def load_db_refs(self, kind: str):
        """Which of the ids this kind refers to (outside the import) exist in the database."""
        wanted: dict[str, set] = defaultdict(set)
        for row, _ in self.records[kind].values():
            for name, (_, target, _) in REFS[kind].items():
                raw = _s(row.data.get(name)).strip()
                if raw:
                    pk = self.ref_uuid(target, raw)
                    if pk not in self.records[target]:
                        wanted[target].add(pk)
        for target, ids in wanted.items():
            self.db_known[target] |= set(_existing(MODELS[target], ids - self.db_known[target]))

    # one kind -----------------------------------------------------------------------------------
    def check_kind(self, kind: str):
        parser = hsds.PARSERS[kind]
        self.load_db_refs(kind)
        keep = {}
        for pk, (row, _) in self.bar(self.records[kind].items(), f"checking {kind}"):
            problems: list[str] = []
            try:
                fields = parser(row.data, problems.append)
            except hsds.RowError as exc:
                self.error(row.where, str(exc))
                continue
            except ValueError as exc:  # schedules: the whole schedule is unusable
                self.warn(row.where, f"schedule not imported: {exc}")
                continue
            for p in problems:
                self.warn(row.where, p)
            dropped = False
            linked = False
            for name, (attname, target, required) in REFS[kind].items():
                raw = _s(row.data.get(name)).strip()
                if not raw:
                    if required:
                        if (kind, name) in FAIL_ON_BROKEN:
                            self.error(row.where, f"required field {name} is missing")
                        else:
                            self.warn(row.where, f"{kind} not imported: {name} is missing")
                        dropped = True
                    fields[attname] = None
                    continue
                ref = self.ref_uuid(target, raw)
                if target == kind and ref == pk:
                    self.warn(row.where, f"{name} refers to the record itself, left out")
                    fields[attname] = None
                    continue
                if not self.known(target, ref):
                    if (kind, name) in FAIL_ON_BROKEN:
                        self.error(row.where, f"{name} {raw!r} refers to no {target}")
                        dropped = True
                    elif required:
                        self.warn(row.where, f"{kind} not imported: {name} {raw!r} refers to "
                                  f"no {target}")  # fmt: skip
                        dropped = True
                    else:
                        self.warn(row.where, f"{name} {raw!r} refers to no {target}, left out")
                    fields[attname] = None
                    continue
                fields[attname] = ref
                linked = True
            if dropped:
                continue
            if kind in NEEDS_A_LINK and not linked:
                self.warn(row.where, f"{kind} not imported: it belongs to no record in the "
                          "directory")  # fmt: skip
                continue
            keep[pk] = (row, fields)
        self.records[kind] = keep
        if kind == "service_at_location":
            self.dedupe_service_at_locations()

    def dedupe_service_at_locations(self):
        """(service, location) is unique: a second link reuses the first's id."""
        pairs = {}
        keep = {}
        for pk, (row, fields) in self.records["service_at_location"].items():
            pair = (fields["service_id"], fields["location_id"])
            if pair in pairs:
                self.warn(row.where, "this service is already linked to this location "
                          f"({pairs[pair][0].where}); merged")  # fmt: skip
                self.sal_alias[pk] = pairs[pair][1]
                continue
            pairs[pair] = (row, pk)
            keep[pk] = (row, fields)
        services = list({p[0] for p in pairs})
        for chunk in _chunks(services, 500):
            for sal_id, sid, lid in ServiceAtLocation.objects.filter(
                service_id__in=chunk
            ).values_list("pk", "service_id", "location_id"):
                entry = pairs.get((sid, lid))
                if entry and entry[1] != sal_id:
                    row, new_pk = entry
                    self.sal_alias[new_pk] = sal_id
                    keep[sal_id] = keep.pop(new_pk)
        self.records["service_at_location"] = keep

    def check_attributes(self):
        lantern_terms = hsds.attribute_term_ids()
        type_taxonomy = hsds.service_types_taxonomy_id()
        term_rows = self.records["taxonomy_term"]
        wanted_terms = set()
        for row, _ in self.records["attribute"].values():
            raw = _s(row.data.get("taxonomy_term_id")).strip()
            if raw:
                wanted_terms.add(self.ref_uuid("taxonomy_term", raw))
        db_terms = {}
        for chunk in _chunks(list(wanted_terms - set(term_rows))):
            for pk, tax in TaxonomyTerm.objects.filter(pk__in=chunk).values_list(
                "pk", "taxonomy_ref_id"
            ):
                db_terms[pk] = tax
        db_links: dict[str, set] = defaultdict(set)
        wanted_links: dict[str, set] = defaultdict(set)
        for row, _ in self.records["attribute"].values():
            kind = self.link_kind(row)
            raw = _s(row.data.get("link_id")).strip()
            if kind and raw:
                pk = self.ref_uuid(kind, raw)
                if pk not in self.records[kind]:
                    wanted_links[kind].add(pk)
        for kind, ids in wanted_links.items():
            db_links[kind] = set(_existing(MODELS[kind], ids))
        keep = {}
        for pk, (row, _) in self.bar(self.records["attribute"].items(), "checking attribute"):
            problems: list[str] = []
            fields = hsds.parse_attribute(row.data, problems.append)
            for p in problems:
                self.warn(row.where, p)
            kind = self.link_kind(row)
            raw_link = _s(row.data.get("link_id")).strip()
            if not raw_link:
                self.warn(row.where, "attribute not imported: link_id is missing")
                continue
            if kind is None:
                self.warn(row.where, "attribute not imported: link_entity "
                          f"{row.data.get('link_entity')!r} is not an HSDS table")  # fmt: skip
                continue
            link = self.ref_uuid(kind, raw_link)
            if link not in self.records[kind] and link not in db_links[kind]:
                self.warn(row.where, f"attribute not imported: link_id {raw_link!r} refers to "
                          f"no {kind}")  # fmt: skip
                continue
            raw_term = _s(row.data.get("taxonomy_term_id")).strip()
            term = self.ref_uuid("taxonomy_term", raw_term) if raw_term else None
            if term is not None and term not in term_rows and term not in db_terms:
                self.warn(row.where, f"attribute not imported: unknown taxonomy term {raw_term!r}")
                continue
            value = fields["value"]
            code = lantern_terms.get(term)
            lantern_field = code and code != hsds.ATTR_SOURCE_ID
            if lantern_field and self.apply_lantern(kind, link, code, value, row):
                continue
            if term is not None and kind == "service" and code is None:
                if term_rows.get(term):
                    tax = term_rows[term][1].get("taxonomy_ref_id")
                else:
                    tax = db_terms.get(term)
                if tax == type_taxonomy or not value:
                    self.service_terms[link].add(term)
                    continue
            # link_entity is the HSDS table the link_id points into
            fields.update(link_id=link, link_entity=kind, taxonomy_term_id=term)
            keep[pk] = (row, fields)
        self.records["attribute"] = keep

    def link_kind(self, row: Row) -> str | None:
        kind = row.data.get("_link_kind") or ""
        if kind:
            return kind
        entity = _s(row.data.get("link_entity")).strip().lower()
        return ENTITY_NAMES.get(entity) or ENTITY_NAMES.get(entity.rstrip("s"))

    def apply_lantern(self, kind: str, link, code: str, value: str, row: Row) -> bool:
        """Lantern's own attribute -> its field. False when it does not apply (kept as is)."""
        if code == hsds.ATTR_ORGANIZATION_TYPE and kind == "organization":
            parsed = hsds.parse_organization_type(value)
            if parsed is None:
                self.warn(row.where, f"organization type {value!r} unknown, left out")
            else:
                self.org_type[link] = parsed
            return True
        if code == hsds.ATTR_POPULATION and kind == "service":
            parsed = hsds.parse_population(value)
            if parsed is None:
                self.warn(row.where, f"population {value!r} unknown, left out")
            elif parsed not in self.populations[link]:
                self.populations[link].append(parsed)
            return True
        if code in (hsds.ATTR_24_7, hsds.ATTR_TRAINING) and kind == "service":
            parsed = hsds.parse_bool(value)
            if parsed is None:
                self.warn(row.where, f"{code} value {value!r} is not true or false, left out")
            else:
                name = "available_24_7" if code == hsds.ATTR_24_7 else "trafficking_training"
                self.flags[link][name] = parsed
            return True
        return False

    def check_eligibility(self):
        for row in self.reader.rows.get("eligibility", []):
            raw = _s(row.data.get("service_id")).strip()
            text = _s(row.data.get("eligibility") or row.data.get("description")).strip()
            pk = self.ref_uuid("service", raw) if raw else None
            if pk not in self.records["service"]:
                self.warn(row.where, f"eligibility not imported: service_id {raw!r} is not in "
                          "this import")  # fmt: skip
                continue
            if text:
                self.eligibility[pk].append(text)

    def add_source_ids(self):
        source_term = lantern_taxonomy.attribute_term_id(hsds.ATTR_SOURCE_ID)
        for kind in ORDER:
            for pk, source in self.source_ids[kind].items():
                if pk not in self.records[kind] or kind == "attribute":
                    continue
                row = self.records[kind][pk][0]
                if kind == "organization":
                    ident_id = lantern_taxonomy.stable_id("organization_identifier", "source_id",
                                                          str(pk))  # fmt: skip
                    self.records["organization_identifier"][ident_id] = (
                        row,
                        {
                            "organization_id": pk,
                            "identifier_scheme": "",
                            "identifier_type": "source_id",
                            "identifier": source[:300],
                        },
                    )
                else:
                    attr_id = lantern_taxonomy.stable_id("attribute", "source-id", kind, str(pk))
                    self.records["attribute"][attr_id] = (
                        row,
                        {
                            "link_id": pk,
                            "link_entity": kind,
                            "link_type": "",
                            "taxonomy_term_id": source_term,
                            "value": source,
                        },
                    )

    # writing ------------------------------------------------------------------------------------
    def write(self):
        for kind in ORDER:
            model = MODELS[kind]
            records = self.records[kind]
            if not records:
                continue
            preserved = PRESERVED.get(kind, [])
            existing = _existing(model, records, preserved)
            if kind == "service":
                for pk, (_, fields) in records.items():
                    if pk in self.eligibility:
                        extra = "\n".join(self.eligibility[pk])
                        base = fields["eligibility_description"]
                        fields["eligibility_description"] = f"{base}\n{extra}" if base else extra
            if kind == "location":
                self.fill_time_zones(records, existing)
            objs = []
            for pk, (_, fields) in records.items():
                values = dict(fields)
                old = existing.get(pk)
                for name in preserved:
                    if name not in values and old is not None:
                        values[name] = old[name]
                if kind == "organization" and pk in self.org_type:
                    values["organization_type"] = self.org_type[pk]
                if kind == "service":
                    if pk in self.populations:
                        values["populations"] = self.populations[pk]
                    values.update(self.flags.get(pk, {}))
                objs.append(model(pk=pk, **values))
            update_fields = [
                f.name
                for f in model._meta.concrete_fields
                if not f.primary_key and f.name != "created_at"
            ]
            for chunk in self.bar(
                list(_chunks(objs, BATCH)), f"writing {kind}", total=-(-len(objs) // BATCH)
            ):
                model.objects.bulk_create(
                    chunk, update_conflicts=True, unique_fields=["id"], update_fields=update_fields
                )
            self.result.created[kind] = sum(1 for pk in records if pk not in existing)
            self.result.updated[kind] = len(records) - self.result.created[kind]
        self.write_outside_fields()
        self.write_service_terms()

    def fill_time_zones(self, records: dict, existing: dict):
        zips = {}
        for _, fields in self.records["address"].values():
            loc = fields["location_id"]
            if fields["address_type"] != "postal" or loc not in zips:
                zips[loc] = fields["postal_code"]
        for pk, (_, fields) in records.items():
            if (existing.get(pk) or {}).get("time_zone"):
                continue
            place = geo.place_for_zip(zips.get(pk, ""))
            fields["time_zone"] = place.time_zone if place and place.time_zone else ""

    def write_outside_fields(self):
        """Lantern attributes that describe organizations or services not in this import."""
        for pk, value in self.org_type.items():
            if pk not in self.records["organization"]:
                Organization.objects.filter(pk=pk).update(organization_type=value)
        touched = (set(self.populations) | set(self.flags)) - set(self.records["service"])
        for pk in touched:
            values = dict(self.flags.get(pk, {}))
            if pk in self.populations:
                values["populations"] = self.populations[pk]
            Service.objects.filter(pk=pk).update(**values)

    def write_service_terms(self):
        through = Service.taxonomy_terms.through
        services = list(self.service_terms)
        for chunk in _chunks(services, 500):
            through.objects.filter(service_id__in=chunk).delete()
        rows = [
            through(service_id=sid, taxonomyterm_id=tid)
            for sid, tids in self.service_terms.items()
            for tid in sorted(tids, key=str)
        ]
        through.objects.bulk_create(rows, batch_size=BATCH)

    def affected_services(self) -> list:
        ids = set(self.records["service"]) | set(self.service_terms)
        ids |= set(self.populations) | set(self.flags)
        locations = list(self.records["location"])
        for chunk in _chunks(locations, 500):
            ids |= set(
                ServiceAtLocation.objects.filter(location_id__in=chunk).values_list(
                    "service_id", flat=True
                )
            )
        orgs = list(self.records["organization"])
        for chunk in _chunks(orgs, 500):
            ids |= set(
                Service.objects.filter(organization_id__in=chunk).values_list("pk", flat=True)
            )
        for kind in ("phone", "language", "schedule", "service_area", "contact"):
            for _, fields in self.records[kind].values():
                if fields.get("service_id"):
                    ids.add(fields["service_id"])
        for _, fields in self.records["service_at_location"].values():
            ids.add(fields["service_id"])
        return sorted(ids, key=str)

    def reindex(self, ids: list):
        for chunk in self.bar(list(_chunks(ids, 5000)), "reindexing", total=-(-len(ids) // 5000)):
            indexing.reindex_services(chunk)

    def run(self, *, dry_run: bool, actor, source: str) -> ImportResult:
        started = time.monotonic()
        self.assign_ids()
        for kind in ORDER:
            if kind == "attribute":
                self.check_attributes()
            else:
                self.check_kind(kind)
        self.check_eligibility()
        if self.errors:
            raise ImportFailed(self.errors[:MAX_ERRORS])
        self.add_source_ids()
        if self.reader.not_stored:
            listed = ", ".join(f"{k} ({n})" for k, n in sorted(self.reader.not_stored.items()))
            self.warnings.append(f"not imported (Lantern does not store them): {listed}")
        result = self.result
        result.dry_run = dry_run
        try:
            with transaction.atomic():
                self.write()
                result.service_ids = self.affected_services()
                if not dry_run:
                    self.reindex(result.service_ids)
                    audit.record(
                        actor,
                        "import_directory",
                        object_type="directory",
                        object_id=source[:100],
                        changes={
                            "created": dict(result.created),
                            "updated": dict(result.updated),
                            "warnings": len(self.warnings),
                        },
                    )
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        result.warnings = self.warnings
        result.seconds = time.monotonic() - started
        return result


def _merge(first: Row, other: Row) -> str:
    """Fill ``first`` with what ``other`` adds; returns the name of a field they disagree on."""
    for key, value in other.data.items():
        if value in (None, "") or key.startswith("_"):
            continue
        mine = first.data.get(key)
        if mine in (None, ""):
            first.data[key] = value
        elif str(mine).strip() != str(value).strip():
            try:
                if float(mine) == float(value):
                    continue
            except (TypeError, ValueError):
                pass
            return key
    first.owned = first.owned or other.owned
    return ""


def import_directory(
    path, *, dry_run: bool = False, actor=None, progress: bool | None = None
) -> ImportResult:
    """Import a file or folder (see the module docstring). Raises ImportFailed, writing nothing."""
    path = Path(path)
    reader = read_path(path)
    importer = Importer(reader, progress=progress)
    return importer.run(dry_run=dry_run, actor=actor or "import_directory", source=path.name)
