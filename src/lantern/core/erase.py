"""After personal data is deleted or overwritten: leave nothing of it readable in the database
file or its log.

SQLite runs with ``secure_delete`` (settings), so freed pages are zeroed, but the old page
images stay in the write-ahead log until a checkpoint; ``forget_deleted`` folds the log into the
database and empties it. On PostgreSQL old row versions go when VACUUM runs (autovacuum), and
its write-ahead log is the server's to manage (docs/privacy.md).
"""

from __future__ import annotations

import logging

from django.db import OperationalError, connection, transaction

log = logging.getLogger(__name__)
SQLITE_TRUNCATE_WAL = "PRAGMA wal_checkpoint(TRUNCATE)"


def forget_deleted() -> None:
    """Now, or once the transaction that deleted commits (a checkpoint cannot run inside one)."""
    if connection.vendor == "sqlite":
        transaction.on_commit(_checkpoint)


def _checkpoint() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute(SQLITE_TRUNCATE_WAL)
    except OperationalError as exc:  # busy: the next checkpoint (SQLite's own) folds it in
        log.warning("erase: the write-ahead log was not emptied now: %s", exc)
