"""What a streamed import remembers between batches, kept out of memory (see ``Seen``)."""

from __future__ import annotations

import sqlite3
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from lantern.directory.importing.tables import ORDER


class Seen:
    """What a streamed import remembers of the batches already written: each record's id and a
    digest of its values (not the rows), so a copy of a record in a later batch (a location
    nested under every service it serves) is recognised and not written twice.

    A national feed holds about ten records per service, so even ids and digests would take
    about a gigabyte of Python objects at a million services: they are kept in a private
    temporary SQLite file instead (deleted when the import ends), whose page cache stays small.
    """

    def __init__(self):
        self.db = sqlite3.connect("")  # "": a temporary on-disk database, removed on close
        self.db.execute("CREATE TABLE seen (kind INTEGER, key BLOB, digest INTEGER, "
                        "PRIMARY KEY (kind, key)) WITHOUT ROWID")  # fmt: skip
        self.db.execute("CREATE TABLE later (id BLOB PRIMARY KEY) WITHOUT ROWID")
        self.occurrences: dict[str, Counter] = defaultdict(Counter)

    def close(self):
        self.db.close()

    def get(self, kind: str, pks: Iterable) -> dict[bytes, int]:
        """key -> digest for those of ``pks`` an earlier batch held."""
        keys = list({seen_key(pk) for pk in pks})
        found = {}
        number = ORDER.index(kind)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self.db.execute(
                f"SELECT key, digest FROM seen WHERE kind = ? AND key IN ({marks})",  # noqa: S608
                [number, *chunk],
            ).fetchall())  # fmt: skip
        return found

    def add(self, kind: str, digests: Iterable[tuple]):
        number = ORDER.index(kind)
        self.db.executemany(
            "INSERT OR REPLACE INTO seen VALUES (?, ?, ?)",
            ((number, seen_key(pk), digest) for pk, digest in digests),
        )

    def defer(self, ids: Iterable):
        """Services to reindex once at the end (touched through their organization or
        location); kept here too, as they may be every service of a national directory."""
        self.db.executemany("INSERT OR IGNORE INTO later VALUES (?)", ((i.bytes,) for i in ids))

    def undefer(self, ids: Iterable):
        self.db.executemany("DELETE FROM later WHERE id = ?", ((i.bytes,) for i in ids))

    def deferred_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM later").fetchone()[0]

    def deferred(self, size: int) -> Iterator[list]:
        """The deferred services, ``size`` at a time (in id order)."""
        cursor = self.db.execute("SELECT id FROM later ORDER BY id")
        while rows := cursor.fetchmany(size):
            yield [uuid.UUID(bytes=b) for (b,) in rows]


def seen_key(pk) -> bytes:
    """The record's id as its 16 bytes: the whole id, so two records never share a key."""
    return pk.bytes
