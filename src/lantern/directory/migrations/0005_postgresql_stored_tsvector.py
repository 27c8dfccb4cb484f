"""PostgreSQL: keep each entry's tsvector in a stored generated column.

Ranking a search without a location (``ts_rank``) read ``to_tsvector(text)`` for every match,
computing it again each time: ~300 ms for a common word at 100,000 services. A stored column
is computed once, on write, and the GIN index moves onto it. Django does not know the column
(like SQLite's FTS5 table), so the ORM never writes it. A later migration that changes the type
of ``text`` must drop the column first and add it back. SQLite: nothing to do.
"""

from django.db import migrations

POSTGRES_UP = [
    "DROP INDEX IF EXISTS directory_se_fts",
    "ALTER TABLE directory_searchentry ADD COLUMN text_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', text)) STORED",
    "CREATE INDEX directory_se_fts ON directory_searchentry USING GIN (text_tsv)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS directory_se_fts",
    "ALTER TABLE directory_searchentry DROP COLUMN IF EXISTS text_tsv",
    "CREATE INDEX directory_se_fts ON directory_searchentry "
    "USING GIN (to_tsvector('english', text))",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_searchentry_words_covering_indexes")]

    operations = [migrations.RunPython(_run(POSTGRES_UP), _run(POSTGRES_DOWN))]
