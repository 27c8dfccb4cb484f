"""Read: HSDS JSON files and CSV datapackages -> flat rows per HSDS table, each remembering
where it came from (``phones.csv row 7``, counting the header as row 1, or
``services.json $[3].phones[0]``).

``read_batches`` streams: a JSON array (the layout ``export_directory`` writes, and the HSDS
API's) is parsed one object at a time with ``ijson``, and a ``Reader`` holding about ``size``
top-level objects is handed on at a time, so a national feed is never in memory whole. CSV
datapackages and the other JSON layouts (an API page, the spec's ``tabular.json``, one object)
are read whole, as one batch.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import ijson

from lantern.core import spreadsheet
from lantern.directory import taxonomy as lantern_taxonomy
from lantern.directory.hsds import as_text
from lantern.directory.importing.result import (
    COLUMN_MAPPED,
    NOT_STORED,
    TABLE_SKIPPED,
    ImportFailed,
    Problem,
)
from lantern.directory.importing.tables import (
    COLUMN_ALIASES,
    CSV_TABLES,
    EMBEDDED,
    NESTED,
    RESOURCE_KINDS,
)
from lantern.directory.importing.tables import NOT_STORED as NOT_STORED_TABLES

csv.field_size_limit(sys.maxsize)


@dataclass
class Row:
    kind: str
    data: dict
    where: str
    owned: bool = True  # False: a copy embedded in another record (may repeat)
    mergeable: bool = False  # JSON: the same record may be nested in several places


class Reader:
    def __init__(self):
        self.rows: dict[str, list[Row]] = defaultdict(list)
        self.problems: list[Problem] = []
        self.not_stored: Counter = Counter()

    # JSON -----------------------------------------------------------------------------------
    def read_json(self, path: Path, label: str):
        try:
            doc = json.loads(path.read_text(encoding="utf-8-sig"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ImportFailed([f"{label}: not valid JSON ({exc})"]) from exc
        self.read_document(doc, _kind_from_name(path.stem), label)

    def read_document(self, doc, hint: str | None, label: str):
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
            self.add_item(item, f"{label} {prefix}[{i}]" if prefix else f"{label} $", hint)

    def add_item(self, item, where: str, hint: str | None):
        """One top-level object of a JSON file."""
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
        if not as_text(data.get("id")).strip():
            data["id"] = _generated_id(kind, data)
        own_id = str(data["id"]).strip()
        for key, (child_kind, ref) in EMBEDDED.get(kind, {}).items():
            sub = obj.get(key)
            if isinstance(sub, dict) and sub:
                sub_id = self.add_object(child_kind, sub, f"{where}.{key}", {}, False)
                if not as_text(data.get(ref)).strip():
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
            elif key in NOT_STORED_TABLES and isinstance(value, (list, dict)) and value:
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
                self.note("datapackage.json", "not readable, file names used instead",
                          COLUMN_MAPPED)  # fmt: skip
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
            if stem in NOT_STORED_TABLES or (resource or "") in NOT_STORED_TABLES:
                self.note(label, f"not imported (Lantern does not store {stem})", NOT_STORED)
            else:
                self.note(label, "not an HSDS table Lantern knows, skipped", TABLE_SKIPPED)
            return
        kind, fixed = spec
        aliases = COLUMN_ALIASES.get(kind, {})
        mapped: set[str] = set()
        for n, raw in enumerate(rows, start=2):
            data = {
                # a cell Lantern's own export protected from spreadsheets ('=...) reads back
                k: (spreadsheet.restore(v).strip() if isinstance(v, str) else v)
                for k, v in raw.items()
                if v not in (None, "")
            }
            for old, new in aliases.items():
                if old in data and new not in data:
                    data[new] = data.pop(old)
                    mapped.add(f"{old!r} read as {new!r}")
            for k, v in fixed.items():
                data.setdefault(k, v)
            where = f"{label} row {n}"
            if not any(v for k, v in data.items() if not k.startswith("_") and k not in fixed):
                continue  # blank line
            if fixed.get("_holiday"):
                _holiday_to_schedule(data)
            if kind == "address":
                extra = [data.pop(k) for k in ("address_3", "address_4") if data.get(k)]
                if extra:
                    data["address_2"] = ", ".join([data.get("address_2", "")] + extra).strip(", ")
            if kind == "attribute" and "service_id" in data and "link_id" not in data:
                data["link_id"] = data.pop("service_id")
                if "taxonomy_term_id" not in data and "taxonomy_id" in data:
                    data["taxonomy_term_id"] = data.pop("taxonomy_id")
            if not as_text(data.get("id")).strip():
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
        for mapping in sorted(mapped):
            self.note(label, f"column {mapping} (HSDS 2.0 name)", COLUMN_MAPPED)

    def note(self, where: str, problem: str, action: str):
        self.problems.append(Problem(where, problem, action))


_TRUE = {"true", "1", "yes", "y", "t", "closed"}


def _holiday_to_schedule(data: dict) -> None:
    """HSDS 2.0 ``holiday_schedules`` row -> a dated 3.0 schedule: special hours on those days,
    or, when ``closed``, a "Closed" line that opening hours treat as no opening."""
    closed = str(data.pop("closed", "")).strip().lower() in _TRUE
    data.pop("_holiday", None)
    label = "Closed (holiday)" if closed else "Holiday hours"
    if closed:
        data.pop("opens_at", None)
        data.pop("closes_at", None)
    data["description"] = f"{label}. {data['description']}" if data.get("description") else label


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


_FILE_ORDER = ["taxonomy", "taxonomy_term", "organization", "location", "service",
               "service_at_location"]  # fmt: skip


def _json_order(path: Path) -> tuple:
    """JSON files in dependency order (taxonomies, terms, organizations, locations, services,
    services at locations), so a record is written before a later batch refers to it; other
    names last, by name."""
    kind = _kind_from_name(path.stem)
    return (_FILE_ORDER.index(kind) if kind in _FILE_ORDER else len(_FILE_ORDER), path.name)


def _json_items(path: Path, label: str, reader: Reader) -> Iterator[tuple]:
    """(item, where, hint, bytes read) for each top-level object of a JSON array file, parsed
    one at a time; any other layout is read whole into ``reader`` (yielding nothing)."""
    hint = _kind_from_name(path.stem)
    with path.open("rb") as handle:
        head = handle.read(3)
        if head != b"\xef\xbb\xbf":  # a UTF-8 byte order mark
            handle.seek(0)
        start = handle.tell()
        while (byte := handle.read(1)) and byte.isspace():
            pass
        handle.seek(start)
        if byte != b"[":
            reader.read_json(path, label)
            return
        try:
            for i, item in enumerate(ijson.items(handle, "item", use_float=True)):
                yield item, f"{label} $[{i}]", hint, handle.tell()
        except (ijson.JSONError, UnicodeDecodeError) as exc:
            raise ImportFailed([f"{label}: not valid JSON ({exc})"]) from exc


def read_batches(path: Path, size: int) -> Iterator[tuple[Reader, int, int]]:
    """(reader, bytes read, bytes in all) per batch of about ``size`` top-level JSON objects;
    CSV datapackages and other layouts come whole, in one batch."""
    jsons = []
    if path.is_dir() and not list(path.glob("*.csv")):
        if any(sub.is_dir() and list(sub.glob("*.csv")) for sub in path.iterdir()):
            yield read_path(path), 1, 1
            return
        jsons = sorted(path.glob("*.json"), key=_json_order)
    elif path.is_file() and path.suffix.lower() != ".csv":
        jsons = [path]
    if not jsons:
        yield read_path(path), 1, 1
        return
    total = sum(p.stat().st_size for p in jsons) or 1
    done = 0
    reader = Reader()
    count = 0
    for sub in jsons:
        position = 0
        for item, where, hint, position in _json_items(sub, sub.name, reader):
            reader.add_item(item, where, hint)
            count += 1
            if count >= size:
                yield reader, done + position, total
                reader, count = Reader(), 0
        done += sub.stat().st_size
    yield reader, total, total


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
