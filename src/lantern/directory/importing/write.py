"""Write: a checked ``Plan`` -> bulk upserts keyed on id (re-importing updates in place), then the
service types, Lantern's own fields on records outside the import, and the search index."""

from __future__ import annotations

from collections import Counter

from lantern.core import geo, rows
from lantern.directory import indexing
from lantern.directory.importing.check import Plan, chunks, existing, progress_bar
from lantern.directory.importing.tables import BATCH, MODELS, ORDER, PRESERVED
from lantern.directory.models import Organization, Service, ServiceAtLocation


class _Values:
    """One row to upsert: its values, then the model's defaults. A model instance costs more to
    build than its upsert statement does (``Model.__init__`` runs every field's default); the
    upsert only reads attributes (and ``pre_save`` sets ``auto_now`` ones)."""

    def __init__(self, defaults: dict, pk, values: dict):
        self.__dict__.update(defaults)
        self.__dict__.update(values)
        self.pk = pk
        self.__dict__["id"] = pk


def _defaults(model) -> dict:
    """Each field's default by attname, evaluated once per batch (callable defaults such as a
    new list are shared by the batch's rows, which are only read)."""
    return {f.attname: f.get_default() for f in model._meta.concrete_fields if not f.primary_key}


class Writer:
    def __init__(self, plan: Plan, *, progress: bool | None = None):
        self.plan = plan
        self.progress = progress
        self.created: Counter = Counter()
        self.updated: Counter = Counter()

    def bar(self, iterable, desc: str, total: int | None = None):
        return progress_bar(iterable, desc, self.progress, total)

    def write(self):
        plan = self.plan
        for kind in ORDER:
            model = MODELS[kind]
            records = plan.records[kind]
            if not records:
                continue
            preserved = PRESERVED.get(kind, [])
            old_rows = existing(model, records, preserved)
            if kind == "service":
                for pk, (_, fields) in records.items():
                    if pk in plan.eligibility:
                        extra = "\n".join(plan.eligibility[pk])
                        base = fields["eligibility_description"]
                        fields["eligibility_description"] = f"{base}\n{extra}" if base else extra
            if kind == "location":
                self.fill_time_zones(records, old_rows)
            defaults = _defaults(model)
            objs = []
            for pk, (_, fields) in records.items():
                values = dict(fields)
                old = old_rows.get(pk)
                for name in preserved:
                    if name not in values and old is not None:
                        values[name] = old[name]
                if kind == "organization" and pk in plan.org_type:
                    values["organization_type"] = plan.org_type[pk]
                if kind == "service":
                    if pk in plan.populations:
                        values["populations"] = plan.populations[pk]
                    values.update(plan.flags.get(pk, {}))
                objs.append(_Values(defaults, pk, values))
            update_fields = [
                f.name
                for f in model._meta.concrete_fields
                if not f.primary_key and f.name != "created_at"
            ]
            for chunk in self.bar(
                list(chunks(objs, BATCH)), f"writing {kind}", total=-(-len(objs) // BATCH)
            ):
                rows.upsert(chunk, update_fields, model=model)
            self.created[kind] = sum(1 for pk in records if pk not in old_rows)
            self.updated[kind] = len(records) - self.created[kind]
        self.write_outside_fields()
        self.write_service_terms()

    def fill_time_zones(self, records: dict, old_rows: dict):
        zips = {}
        for _, fields in self.plan.records["address"].values():
            loc = fields["location_id"]
            if fields["address_type"] != "postal" or loc not in zips:
                zips[loc] = fields["postal_code"]
        for pk, (_, fields) in records.items():
            if (old_rows.get(pk) or {}).get("time_zone"):
                continue
            place = geo.place_for_zip(zips.get(pk, ""))
            fields["time_zone"] = place.time_zone if place and place.time_zone else ""

    def write_outside_fields(self):
        """Lantern attributes that describe organizations or services not in this import."""
        plan = self.plan
        for pk, value in plan.org_type.items():
            if pk not in plan.records["organization"]:
                Organization.objects.filter(pk=pk).update(organization_type=value)
        touched = (set(plan.populations) | set(plan.flags)) - set(plan.records["service"])
        for pk in touched:
            values = dict(plan.flags.get(pk, {}))
            if pk in plan.populations:
                values["populations"] = plan.populations[pk]
            Service.objects.filter(pk=pk).update(**values)

    def write_service_terms(self):
        through = Service.taxonomy_terms.through
        service_terms = self.plan.service_terms
        for chunk in chunks(list(service_terms), 500):
            through.objects.filter(service_id__in=chunk).delete()
        rows = [
            through(service_id=sid, taxonomyterm_id=tid)
            for sid, tids in service_terms.items()
            for tid in sorted(tids, key=str)
        ]
        through.objects.bulk_create(rows, batch_size=BATCH)

    def affected_services(self) -> tuple[set, set]:
        """(services this plan writes or whose own rows it writes, other services whose
        organization or location it rewrote). A streamed import reindexes the first at once
        and the second once at the end, as a later batch may rewrite them anyway."""
        plan = self.plan
        direct = set(plan.records["service"]) | set(plan.service_terms)
        direct |= set(plan.populations) | set(plan.flags)
        for kind in ("phone", "language", "schedule", "service_area", "contact"):
            for _, fields in plan.records[kind].values():
                if fields.get("service_id"):
                    direct.add(fields["service_id"])
        for _, fields in plan.records["service_at_location"].values():
            direct.add(fields["service_id"])
        indirect = set()
        for chunk in chunks(list(plan.records["location"]), 500):
            indirect |= set(
                ServiceAtLocation.objects.filter(location_id__in=chunk).values_list(
                    "service_id", flat=True
                )
            )
        for chunk in chunks(list(plan.records["organization"]), 500):
            indirect |= set(
                Service.objects.filter(organization_id__in=chunk).values_list("pk", flat=True)
            )
        return direct, indirect - direct


def reindex(ids) -> None:
    for chunk in chunks(sorted(ids, key=str), indexing.BATCH):
        indexing.reindex_services(chunk)
