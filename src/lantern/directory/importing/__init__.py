"""Import HSDS 3.0 JSON and HSDS CSV datapackages (3.0 and the 2.0 layout) into the directory.

``import_directory(path, dry_run=False, strict=False, actor=None)`` is the one entry point (the
``lantern import_directory`` command is a thin wrapper). It is a pipeline, and ONE transaction.

The feed is **streamed**: a JSON array is read a batch of ``BATCH`` top-level objects at a
time, and each batch goes through the three steps below and is written before the next is read
(CSV datapackages come in one batch). Of earlier batches only ids and digests are kept, in a
temporary SQLite file (``seen.Seen``); references to records of earlier batches are resolved in
the database, which holds them already inside the import's transaction. Memory so stays bounded
by the batch size, not the feed's.

1. **read** (``read.py``) the files into flat rows per HSDS table, each remembering where it came
   from (``phones.csv row 7`` counting the header as row 1, or ``services.json $[3].phones[0]``);
   HSDS 2.0 names (``term``, ``regular_schedules.csv``, ``holiday_schedules.csv``, weekday names
   and ranges) are read as their 3.0 equivalents;
2. **check** (``check.py``) into a ``Plan``: ids are mapped (UUIDs kept, anything else becomes
   ``stable_id(kind, source_id)`` and the source id is kept, as an ``OrganizationIdentifier`` of
   type ``source_id`` for organizations and a ``source-id`` attribute for everything else), rows
   parsed, references resolved. Real feeds are messy, so by default the check is **lenient**: a
   reused id on rows that differ gets a stable id derived from the row, a reference that lists
   several ids takes the first known one, a row that cannot be stored is skipped. ``strict=True``
   refuses the run instead (``ImportFailed``, listing every problem with file and row): the
   batches are still written, so that later ones are checked against them, and the transaction
   is rolled back at the end. Either way every problem is reported with what was done
   (``ImportResult.problems``);
3. **write** (``write.py``) with plain-SQL upserts keyed on id (re-importing updates in place; no
   duplicates), then reindex the batch's services (``indexing.reindex_services``); services
   touched only through their organization or location are reindexed once, at the end.

Lantern-only fields that HSDS cannot carry (``Location.confidential``, ``Service.verified_by``)
are never changed by an import; Lantern's attribute-borne fields (organization type,
populations, 24/7, training, service types) change only when the import carries them.
Rows that an import does not mention are left alone: import never deletes.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from django.db import transaction

from lantern.audit import actions as audit
from lantern.directory import indexing
from lantern.directory.importing.check import Checker, progress_bar
from lantern.directory.importing.read import read_batches
from lantern.directory.importing.result import (
    NOT_STORED,
    ImportFailed,
    ImportResult,
    Problem,
    report,
)
from lantern.directory.importing.seen import Seen
from lantern.directory.importing.tables import EMBEDDED, MAX_ERRORS, MODELS, NESTED, ORDER
from lantern.directory.importing.write import Writer, reindex

__all__ = [
    "BATCH",
    "EMBEDDED",
    "MODELS",
    "NESTED",
    "ORDER",
    "ImportFailed",
    "ImportResult",
    "Problem",
    "import_directory",
    "report",
]

# top-level JSON objects per batch: a few thousand rows of each table, a few MB of Python objects
BATCH = 1000


class _Rollback(Exception):
    pass


def import_directory(
    path,
    *,
    dry_run: bool = False,
    strict: bool = False,
    actor=None,
    progress: bool | None = None,
    batch: int = BATCH,
) -> ImportResult:
    """Import a file or folder (see the module docstring). Raises ImportFailed, writing nothing,
    when the feed cannot be read at all or, with ``strict``, on any problem a lenient run fixes."""
    started = time.monotonic()
    path = Path(path)
    result = ImportResult(dry_run=dry_run, strict=strict)
    errors: list[str] = []
    seen, not_stored = Seen(), Counter()
    bar = progress_bar(None, "importing", progress, total=100)
    bar.unit, bar.bar_format = "%", "{desc}: {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}]"
    try:
        with transaction.atomic():
            for reader, done, total in read_batches(path, batch):
                inner = progress if total == 1 else False  # a feed read whole: a bar per step
                checker = Checker(reader, strict=strict, progress=inner, seen=seen)
                plan = checker.check()
                result.problems += checker.problems
                errors += checker.errors
                not_stored.update(reader.not_stored)
                del reader, checker
                writer = Writer(plan, progress=inner)
                writer.write()
                result.created.update(writer.created)
                result.updated.update(writer.updated)
                direct, indirect = writer.affected_services()
                seen.defer(indirect)
                seen.undefer(direct)
                result.services += len(direct)
                if not (errors or dry_run):
                    reindex(direct)
                bar.update(round(100 * done / total) - bar.n)
            bar.close()
            if not_stored:
                listed = ", ".join(f"{k} ({n})" for k, n in sorted(not_stored.items()))
                result.problems.append(Problem(
                    "(all files)", f"not imported (Lantern does not store them): {listed}",
                    NOT_STORED,
                ))  # fmt: skip
            if errors:
                raise ImportFailed(errors[:MAX_ERRORS], result.problems)
            result.services += seen.deferred_count()
            if dry_run:
                raise _Rollback
            for chunk in seen.deferred(indexing.BATCH):
                reindex(chunk)
            audit.record(
                actor or "import_directory",
                "import_directory",
                object_type="directory",
                object_id=path.name[:100],
                changes={
                    "created": dict(result.created),
                    "updated": dict(result.updated),
                    "warnings": len(result.problems),
                },
            )
    except _Rollback:
        pass
    finally:
        bar.close()
        seen.close()
    result.seconds = time.monotonic() - started
    return result
