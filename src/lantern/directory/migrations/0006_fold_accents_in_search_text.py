"""Search text without accents, so PostgreSQL finds "Español" for "espanol" as SQLite does.

``indexing`` now stores ``SearchEntry.text`` folded (``stemming.fold``) and searches fold the
words typed. Entries indexed before keep their accents until this migration folds them. SQLite's
FTS5 already removes diacritics, so only rows with non-ASCII text change, in batches.
"""

from django.db import migrations

BATCH = 2000


def fold_existing(apps, schema_editor):
    from lantern.directory.stemming import fold

    SearchEntry = apps.get_model("directory", "SearchEntry")
    last = 0
    while True:
        rows = list(
            SearchEntry.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "text")[:BATCH]
        )
        if not rows:
            return
        last = rows[-1][0]
        changed = [SearchEntry(pk=pk, text=fold(text)) for pk, text in rows if not text.isascii()]
        if changed:
            SearchEntry.objects.bulk_update(changed, ["text"])


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_postgresql_stored_tsvector")]

    operations = [migrations.RunPython(fold_existing, migrations.RunPython.noop, elidable=True)]
