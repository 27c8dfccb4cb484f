"""Relevance and service types for entries indexed before.

``SearchEntry.focus`` holds the stems of a service's own words (name, description, eligibility,
terms) so a hit there ranks above one that matched only the organization's name, and
``SearchEntry.terms`` now also holds the Lantern service types a feed's own terms mean
(``taxonomy.service_types_for``). ``indexing`` fills both for new rows; this fills existing
rows, a batch of services at a time, from the historical models. On SQLite the new column
makes Django rebuild the table, so the full-text triggers are created again, as in 0003.
"""

import importlib
from collections import defaultdict

from django.db import migrations, models

BATCH = 2000
restore_fts_triggers = importlib.import_module(
    "lantern.directory.migrations.0003_searchentry_hours"
).restore_fts_triggers


def fill_existing(apps, schema_editor):
    from lantern.directory.stemming import fold, words_column
    from lantern.directory.taxonomy import MAX_PARENT_DEPTH, service_types_for

    SearchEntry = apps.get_model("directory", "SearchEntry")
    Service = apps.get_model("directory", "Service")
    TaxonomyTerm = apps.get_model("directory", "TaxonomyTerm")
    Through = Service.taxonomy_terms.through
    term_fields = ("id", "code", "name", "parent_id")
    service_ids = sorted(set(SearchEntry.objects.values_list("service_id", flat=True)))
    for start in range(0, len(service_ids), BATCH):
        chunk = service_ids[start : start + BATCH]
        services = Service.objects.filter(pk__in=chunk).values(
            "id", "name", "alternate_name", "description", "eligibility_description"
        )
        links = list(
            Through.objects.filter(service_id__in=chunk).values_list(
                "service_id", "taxonomyterm_id"
            )
        )
        terms = {
            t["id"]: t
            for t in TaxonomyTerm.objects.filter(pk__in={t for _, t in links}).values(*term_fields)
        }
        parents: dict = {}
        wanted = {t["parent_id"] for t in terms.values()} - {None}
        for _ in range(MAX_PARENT_DEPTH):
            if not wanted:
                break
            batch = {
                t["id"]: t for t in TaxonomyTerm.objects.filter(pk__in=wanted).values(*term_fields)
            }
            parents.update(batch)
            wanted = {t["parent_id"] for t in batch.values()} - {None} - parents.keys()
        by_service = defaultdict(list)
        for service_id, term_id in links:
            by_service[service_id].append(terms[term_id])
        for service in services:
            own_terms = by_service[service["id"]]
            own = " ".join(
                filter(
                    None,
                    [
                        service["name"],
                        service["alternate_name"],
                        service["description"],
                        service["eligibility_description"],
                        " ".join(t["name"] for t in own_terms),
                    ],
                )
            )
            codes = {t["code"] or str(t["id"]) for t in own_terms}
            codes |= service_types_for(own_terms, parents)
            tokens = " ".join(sorted({c.strip().lower() for c in codes if c.strip()}))
            SearchEntry.objects.filter(service_id=service["id"]).update(
                focus=words_column(fold(own)), terms=f" {tokens} " if tokens else ""
            )


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_fold_accents_in_search_text")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="focus",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(restore_fts_triggers, restore_fts_triggers),
        migrations.RunPython(fill_existing, migrations.RunPython.noop, elidable=True),
    ]
