"""Check: rows read from a feed -> a ``Plan`` of model field values to write, and the problems.

Lenient (the default) imports what it can: a reused id on rows that differ gets a stable id
derived from the row, a reference listing several ids takes the first one the directory knows,
and a row that cannot be stored is skipped; each is reported with its file, row and what was
done. ``strict`` refuses the whole run on any of those, as every import did before.
Problems with optional fields (a bad e-mail, coordinates out of range) drop just the value in
both modes. A row is either written whole or not at all.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from tqdm import tqdm

from lantern.directory import hsds
from lantern.directory import taxonomy as lantern_taxonomy
from lantern.directory.hsds import as_text
from lantern.directory.importing.read import Reader, Row
from lantern.directory.importing.result import (
    FIRST_COPY_KEPT,
    FIRST_VALID_TAKEN,
    KEPT_NEW_ID,
    MERGED,
    REFUSED,
    ROW_SKIPPED,
    VALUE_LEFT_OUT,
    Problem,
    action_for,
)
from lantern.directory.importing.seen import Seen, seen_key
from lantern.directory.importing.tables import (
    ENTITY_NAMES,
    FAIL_ON_BROKEN,
    MODELS,
    NEEDS_A_LINK,
    ORDER,
    REFS,
)
from lantern.directory.models import ServiceAtLocation, TaxonomyTerm

_SEVERAL = re.compile(r"[,;|]")


def chunks(items: list, size: int = 2000):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing(model, ids: Iterable, fields: list[str] | None = None) -> dict:
    """id -> {field: value} (or id -> {} without fields) for the ids already in the database."""
    ids = list(ids)
    out = {}
    for chunk in chunks(ids):
        if fields:
            for values in model.objects.filter(pk__in=chunk).values("pk", *fields):
                out[values.pop("pk")] = values
        else:
            out.update(
                {pk: {} for pk in model.objects.filter(pk__in=chunk).values_list("pk", flat=True)}
            )
    return out


def progress_bar(iterable, desc: str, progress: bool | None, total: int | None = None):
    return tqdm(
        iterable,
        desc=desc,
        total=total,
        file=sys.stderr,
        disable=progress is False or (progress is None and not sys.stderr.isatty()),
        leave=False,
        unit="rows",
    )


@dataclass
class Plan:
    """Everything the write step needs; built by ``Checker.plan()``."""

    # kind -> uuid -> (Row, model field values)
    records: dict[str, dict] = field(default_factory=lambda: {k: {} for k in ORDER})
    source_ids: dict[str, dict] = field(default_factory=lambda: {k: {} for k in ORDER})
    org_type: dict = field(default_factory=dict)
    populations: dict = field(default_factory=lambda: defaultdict(list))
    flags: dict = field(default_factory=lambda: defaultdict(dict))
    service_terms: dict = field(default_factory=lambda: defaultdict(set))
    eligibility: dict = field(default_factory=lambda: defaultdict(list))


class Checker:
    def __init__(
        self,
        reader: Reader,
        *,
        strict: bool = False,
        progress: bool | None = None,
        seen: Seen | None = None,
    ):
        self.reader = reader
        self.strict = strict
        self.progress = progress
        self.seen = seen or Seen()
        self.problems: list[Problem] = list(reader.problems)
        self.errors: list[str] = []
        self.plan = Plan()
        self.sal_alias: dict = {}
        self.db_known: dict[str, set] = {k: set() for k in ORDER}

    # reporting ----------------------------------------------------------------------------------
    def warn(self, where: str, message: str, action: str = VALUE_LEFT_OUT):
        self.problems.append(Problem(where, message, action))

    def fault(self, where: str, message: str, action: str):
        """A problem that fails a strict run; a lenient one does ``action`` and goes on."""
        if self.strict:
            self.errors.append(f"{where}: {message}")
            self.problems.append(Problem(where, message, REFUSED))
        else:
            self.problems.append(Problem(where, message, action))

    def bar(self, iterable, desc: str):
        return progress_bar(iterable, desc, self.progress)

    # the whole check ----------------------------------------------------------------------------
    def check(self) -> Plan:
        self.assign_ids()
        for kind in ORDER:
            if kind == "attribute":
                self.check_attributes()
            else:
                self.check_kind(kind)
        self.check_eligibility()
        if not self.errors:
            self.add_source_ids()
        return self.plan

    # ids ----------------------------------------------------------------------------------------
    def assign_ids(self):
        """Map every id to a UUID. The same record may appear in several places of a nested
        JSON document (a phone under its contact and under its organization): such copies are
        merged. Rows that reuse one id: identical ones are merged; ones that differ keep the
        first row's id and each later one gets an id derived from its own references."""
        records, source_ids = self.plan.records, self.plan.source_ids
        for kind in ORDER:
            occurrences = self.seen.occurrences[kind]
            seen: dict = {}
            rows = self.reader.rows.get(kind, [])
            earlier = self.seen.get(kind, (hsds.to_uuid(kind, r.data.get("id"))[0] for r in rows))
            for row in rows:
                raw = row.data.get("id")
                pk, source = hsds.to_uuid(kind, raw)
                first = seen.get(pk)
                if first is None and earlier and seen_key(pk) in earlier:
                    self._seen_before(kind, row, raw, earlier[seen_key(pk)])
                    continue
                if first is None:
                    seen[pk] = row
                elif not (row.owned and first.owned) or row.mergeable and first.mergeable:
                    # copies of one JSON record: they must agree; the first wins where not
                    conflict = _merge(first, row)
                    if conflict:
                        message = (f"duplicate {kind} id {raw!r} with a different {conflict} "
                                   f"(also at {first.where})")  # fmt: skip
                        self.fault(row.where, message, FIRST_COPY_KEPT)
                elif _same(first, row):
                    self.fault(row.where, f"duplicate {kind} id {raw!r} (also at {first.where})",
                               MERGED)  # fmt: skip
                else:
                    pk = self._new_id(kind, row, occurrences)
                    self.fault(row.where, f"duplicate {kind} id {raw!r} (also at {first.where})",
                               KEPT_NEW_ID)  # fmt: skip
                    seen[pk] = row
                if source:
                    source_ids[kind][pk] = source
            records[kind] = {pk: (row, None) for pk, row in seen.items()}
            self.seen.add(kind, ((pk, _digest(row)) for pk, row in seen.items()))

    def _seen_before(self, kind: str, row: Row, raw, digest: int):
        """A row whose id a batch already written holds: an identical copy is left out quietly
        (as ``_merge`` does within a batch); one that differs keeps what was written first."""
        if _digest(row) == digest:
            return
        message = f"duplicate {kind} id {raw!r} with different values (also earlier in the feed)"
        self.fault(row.where, message, FIRST_COPY_KEPT)

    @staticmethod
    def _new_id(kind: str, row: Row, occurrences: Counter):
        """A stable id for a row that reuses another row's id: derived from the id it had and
        what it belongs to, so re-importing the same (or a corrected) feed finds it again."""
        refs = {name: str(row.data.get(name, "")) for name in REFS[kind]}
        key = (str(row.data.get("id")), json.dumps(refs, sort_keys=True))
        occurrences[key] += 1
        return lantern_taxonomy.stable_id(kind, "duplicate-id", *key, str(occurrences[key]))

    def ref_uuid(self, target: str, raw):
        pk, _ = hsds.to_uuid(target, raw)
        if target == "service_at_location":
            pk = self.sal_alias.get(pk, pk)
        return pk

    def known(self, target: str, pk) -> bool:
        return pk in self.plan.records[target] or pk in self.db_known[target]

    def load_db_refs(self, kind: str):
        """Which of the ids this kind refers to (outside the import) exist in the database."""
        wanted: dict[str, set] = defaultdict(set)
        for row, _ in self.plan.records[kind].values():
            for name, (_, target, _) in REFS[kind].items():
                raw = as_text(row.data.get(name)).strip()
                if not raw:
                    continue
                for part in [raw, *_parts(raw)]:
                    pk = self.ref_uuid(target, part)
                    if pk not in self.plan.records[target]:
                        wanted[target].add(pk)
        for target, ids in wanted.items():
            self.db_known[target] |= set(existing(MODELS[target], ids - self.db_known[target]))

    def resolve(self, kind: str, name: str, target: str, raw: str, where: str):
        """The uuid a reference names, or None. A lenient run takes the first known id of a
        list ("org-1, org-2"), which real feeds use for a service run by several bodies."""
        ref = self.ref_uuid(target, raw)
        if self.known(target, ref) or self.strict:
            return ref
        parts = _parts(raw)
        for part in parts:
            candidate = self.ref_uuid(target, part)
            if self.known(target, candidate):
                self.warn(where, f"{name} {raw!r} names several {target}s",
                          FIRST_VALID_TAKEN.format(target=target))  # fmt: skip
                return candidate
        return ref

    # one kind -----------------------------------------------------------------------------------
    def check_kind(self, kind: str):
        parser = hsds.PARSERS[kind]
        self.load_db_refs(kind)
        keep = {}
        for pk, (row, _) in self.bar(self.plan.records[kind].items(), f"checking {kind}"):
            problems: list[str] = []
            try:
                fields = parser(row.data, problems.append)
            except hsds.RowError as exc:
                self.fault(row.where, str(exc), ROW_SKIPPED)
                continue
            except ValueError as exc:  # schedules: the whole schedule is unusable
                self.warn(row.where, f"schedule not imported: {exc}", ROW_SKIPPED)
                continue
            for p in problems:
                self.warn(row.where, p, action_for(p))
            dropped = False
            linked = False
            for name, (attname, target, required) in REFS[kind].items():
                raw = as_text(row.data.get(name)).strip()
                if not raw:
                    if required:
                        if (kind, name) in FAIL_ON_BROKEN:
                            self.fault(row.where, f"required field {name} is missing", ROW_SKIPPED)
                        else:
                            self.warn(row.where, f"{kind} not imported: {name} is missing",
                                      ROW_SKIPPED)  # fmt: skip
                        dropped = True
                    fields[attname] = None
                    continue
                ref = self.resolve(kind, name, target, raw, row.where)
                if target == kind and ref == pk:
                    self.warn(row.where, f"{name} refers to the record itself, left out")
                    fields[attname] = None
                    continue
                if not self.known(target, ref):
                    if (kind, name) in FAIL_ON_BROKEN:
                        self.fault(row.where, f"{name} {raw!r} refers to no {target}", ROW_SKIPPED)
                        dropped = True
                    elif required:
                        self.warn(row.where, f"{kind} not imported: {name} {raw!r} refers to "
                                  f"no {target}", ROW_SKIPPED)  # fmt: skip
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
                          "directory", ROW_SKIPPED)  # fmt: skip
                continue
            keep[pk] = (row, fields)
        # a reference to a record of the same kind that was itself skipped (a term's parent)
        for name, (attname, target, _) in REFS[kind].items():
            if target != kind:
                continue
            for row, fields in keep.values():
                ref = fields.get(attname)
                if ref is not None and ref not in keep and ref not in self.db_known[kind]:
                    self.warn(row.where, f"{name} refers to a {kind} that was not imported, "
                              "left out")  # fmt: skip
                    fields[attname] = None
        self.plan.records[kind] = keep
        if kind == "service_at_location":
            self.dedupe_service_at_locations()

    def dedupe_service_at_locations(self):
        """(service, location) is unique: a second link reuses the first's id."""
        pairs = {}
        keep = {}
        for pk, (row, fields) in self.plan.records["service_at_location"].items():
            pair = (fields["service_id"], fields["location_id"])
            if pair in pairs:
                self.warn(row.where, "this service is already linked to this location "
                          f"({pairs[pair][0].where}); merged", MERGED)  # fmt: skip
                self.sal_alias[pk] = pairs[pair][1]
                continue
            pairs[pair] = (row, pk)
            keep[pk] = (row, fields)
        services = list({p[0] for p in pairs})
        for chunk in chunks(services, 500):
            for sal_id, sid, lid in ServiceAtLocation.objects.filter(
                service_id__in=chunk
            ).values_list("pk", "service_id", "location_id"):
                entry = pairs.get((sid, lid))
                if entry and entry[1] != sal_id:
                    row, new_pk = entry
                    self.sal_alias[new_pk] = sal_id
                    keep[sal_id] = keep.pop(new_pk)
        self.plan.records["service_at_location"] = keep

    def check_attributes(self):
        records = self.plan.records
        lantern_terms = hsds.attribute_term_ids()
        type_taxonomy = hsds.service_types_taxonomy_id()
        term_rows = records["taxonomy_term"]
        wanted_terms = set()
        for row, _ in records["attribute"].values():
            raw = as_text(row.data.get("taxonomy_term_id")).strip()
            if raw:
                wanted_terms.add(self.ref_uuid("taxonomy_term", raw))
        db_terms = {}
        for chunk in chunks(list(wanted_terms - set(term_rows))):
            for pk, tax in TaxonomyTerm.objects.filter(pk__in=chunk).values_list(
                "pk", "taxonomy_ref_id"
            ):
                db_terms[pk] = tax
        db_links: dict[str, set] = defaultdict(set)
        wanted_links: dict[str, set] = defaultdict(set)
        for row, _ in records["attribute"].values():
            kind = self.link_kind(row)
            raw = as_text(row.data.get("link_id")).strip()
            if kind and raw:
                pk = self.ref_uuid(kind, raw)
                if pk not in records[kind]:
                    wanted_links[kind].add(pk)
        for kind, ids in wanted_links.items():
            db_links[kind] = set(existing(MODELS[kind], ids))
        keep = {}
        for pk, (row, _) in self.bar(records["attribute"].items(), "checking attribute"):
            problems: list[str] = []
            fields = hsds.parse_attribute(row.data, problems.append)
            for p in problems:
                self.warn(row.where, p, action_for(p))
            kind = self.link_kind(row)
            raw_link = as_text(row.data.get("link_id")).strip()
            if not raw_link:
                self.warn(row.where, "attribute not imported: link_id is missing", ROW_SKIPPED)
                continue
            if kind is None:
                self.warn(row.where, "attribute not imported: link_entity "
                          f"{row.data.get('link_entity')!r} is not an HSDS table",
                          ROW_SKIPPED)  # fmt: skip
                continue
            link = self.ref_uuid(kind, raw_link)
            if link not in records[kind] and link not in db_links[kind]:
                self.warn(row.where, f"attribute not imported: link_id {raw_link!r} refers to "
                          f"no {kind}", ROW_SKIPPED)  # fmt: skip
                continue
            raw_term = as_text(row.data.get("taxonomy_term_id")).strip()
            term = self.ref_uuid("taxonomy_term", raw_term) if raw_term else None
            if term is not None and term not in term_rows and term not in db_terms:
                self.warn(row.where, f"attribute not imported: unknown taxonomy term {raw_term!r}",
                          ROW_SKIPPED)  # fmt: skip
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
                    self.plan.service_terms[link].add(term)
                    continue
            # link_entity is the HSDS table the link_id points into
            fields.update(link_id=link, link_entity=kind, taxonomy_term_id=term)
            keep[pk] = (row, fields)
        records["attribute"] = keep

    def link_kind(self, row: Row) -> str | None:
        kind = row.data.get("_link_kind") or ""
        if kind:
            return kind
        entity = as_text(row.data.get("link_entity")).strip().lower()
        return ENTITY_NAMES.get(entity) or ENTITY_NAMES.get(entity.rstrip("s"))

    def apply_lantern(self, kind: str, link, code: str, value: str, row: Row) -> bool:
        """Lantern's own attribute -> its field. False when it does not apply (kept as is)."""
        plan = self.plan
        if code == hsds.ATTR_ORGANIZATION_TYPE and kind == "organization":
            parsed = hsds.parse_organization_type(value)
            if parsed is None:
                self.warn(row.where, f"organization type {value!r} unknown, left out")
            else:
                plan.org_type[link] = parsed
            return True
        if code == hsds.ATTR_POPULATION and kind == "service":
            parsed = hsds.parse_population(value)
            if parsed is None:
                self.warn(row.where, f"population {value!r} unknown, left out")
            elif parsed not in plan.populations[link]:
                plan.populations[link].append(parsed)
            return True
        if code in (hsds.ATTR_24_7, hsds.ATTR_TRAINING) and kind == "service":
            parsed = hsds.parse_bool(value)
            if parsed is None:
                self.warn(row.where, f"{code} value {value!r} is not true or false, left out")
            else:
                name = "available_24_7" if code == hsds.ATTR_24_7 else "trafficking_training"
                plan.flags[link][name] = parsed
            return True
        return False

    def check_eligibility(self):
        for row in self.reader.rows.get("eligibility", []):
            raw = as_text(row.data.get("service_id")).strip()
            text = as_text(row.data.get("eligibility") or row.data.get("description")).strip()
            pk = self.ref_uuid("service", raw) if raw else None
            if pk not in self.plan.records["service"]:
                self.warn(row.where, f"eligibility not imported: service_id {raw!r} is not in "
                          "this import", ROW_SKIPPED)  # fmt: skip
                continue
            if text:
                self.plan.eligibility[pk].append(text)

    def add_source_ids(self):
        records = self.plan.records
        source_term = lantern_taxonomy.attribute_term_id(hsds.ATTR_SOURCE_ID)
        for kind in ORDER:
            for pk, source in self.plan.source_ids[kind].items():
                if pk not in records[kind] or kind == "attribute":
                    continue
                row = records[kind][pk][0]
                if kind == "organization":
                    ident_id = lantern_taxonomy.stable_id("organization_identifier", "source_id",
                                                          str(pk))  # fmt: skip
                    records["organization_identifier"][ident_id] = (
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
                    records["attribute"][attr_id] = (
                        row,
                        {
                            "link_id": pk,
                            "link_entity": kind,
                            "link_type": "",
                            "taxonomy_term_id": source_term,
                            "value": source,
                        },
                    )


def _parts(raw: str) -> list[str]:
    return [p.strip() for p in _SEVERAL.split(raw) if p.strip()] if _SEVERAL.search(raw) else []


def _digest(row: Row) -> int:
    """The row's values as one number (copies of one JSON record are usually identical)."""
    return hash(frozenset(item for item in row.data.items() if item[1] != "" and item[1] is not None
                          and not item[0].startswith("_")))  # fmt: skip


def _same(first: Row, other: Row) -> bool:
    def visible(row):
        return {k: str(v).strip() for k, v in row.data.items() if not k.startswith("_") and v}

    return visible(first) == visible(other)


def _merge(first: Row, other: Row) -> str:
    """Fill ``first`` with what ``other`` adds, unless they disagree on a field: then nothing
    changes and the field's name is returned."""
    additions = {}
    for key, value in other.data.items():
        if value in (None, "") or key.startswith("_"):
            continue
        mine = first.data.get(key)
        if mine in (None, ""):
            additions[key] = value
        elif str(mine).strip() != str(value).strip():
            try:
                if float(mine) == float(value):
                    continue
            except (TypeError, ValueError):
                pass
            return key
    first.data.update(additions)
    first.owned = first.owned or other.owned
    return ""
