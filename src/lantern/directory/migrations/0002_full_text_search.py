"""Full-text search over ``SearchEntry.text``.

SQLite: an FTS5 table with external content (``directory_searchentry``), kept in step by
triggers, so ORM writes need no extra code. Porter stemming: "shelters" finds "shelter".
PostgreSQL: a GIN expression index on ``to_tsvector('english', text)``; queries use the same
expression so the planner picks the index.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE VIRTUAL TABLE directory_search_fts USING fts5(
        text, content='directory_searchentry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER directory_search_fts_ai AFTER INSERT ON directory_searchentry BEGIN
        INSERT INTO directory_search_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER directory_search_fts_ad AFTER DELETE ON directory_searchentry BEGIN
        INSERT INTO directory_search_fts(directory_search_fts, rowid, text)
        VALUES ('delete', old.id, old.text);
    END""",
    """CREATE TRIGGER directory_search_fts_au AFTER UPDATE OF text ON directory_searchentry BEGIN
        INSERT INTO directory_search_fts(directory_search_fts, rowid, text)
        VALUES ('delete', old.id, old.text);
        INSERT INTO directory_search_fts(rowid, text) VALUES (new.id, new.text);
    END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS directory_search_fts_au",
    "DROP TRIGGER IF EXISTS directory_search_fts_ad",
    "DROP TRIGGER IF EXISTS directory_search_fts_ai",
    "DROP TABLE IF EXISTS directory_search_fts",
]
POSTGRES_UP = [
    "CREATE INDEX directory_se_fts ON directory_searchentry "
    "USING GIN (to_tsvector('english', text))",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS directory_se_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
