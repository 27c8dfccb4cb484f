"""Import HSDS 3.0 JSON and HSDS CSV datapackages (3.0 and the 2.0 layout) into the directory.

``import_directory(path, dry_run=False, strict=False, actor=None)`` is the one entry point (the
``lantern import_directory`` command is a thin wrapper). It is a pipeline, and ONE transaction:

1. **read** (``read.py``) every file into flat rows per HSDS table, each remembering where it came
   from (``phones.csv row 7`` counting the header as row 1, or ``services.json $[3].phones[0]``);
   HSDS 2.0 names (``term``, ``regular_schedules.csv``, ``holiday_schedules.csv``, weekday names
   and ranges) are read as their 3.0 equivalents;
2. **check** (``check.py``) into a ``Plan``: ids are mapped (UUIDs kept, anything else becomes
   ``stable_id(kind, source_id)`` and the source id is kept, as an ``OrganizationIdentifier`` of
   type ``source_id`` for organizations and a ``source-id`` attribute for everything else), rows
   parsed, references resolved. Real feeds are messy, so by default the check is **lenient**: a
   reused id on rows that differ gets a stable id derived from the row, a reference that lists
   several ids takes the first known one, a row that cannot be stored is skipped. ``strict=True``
   refuses the run instead (``ImportFailed``, listing every problem with file and row). Either
   way every problem is reported with what was done (``ImportResult.problems``);
3. **write** (``write.py``) with bulk upserts keyed on id (re-importing updates in place; no
   duplicates), then reindex the services the import touched (``indexing.reindex_services``).

Lantern-only fields that HSDS cannot carry (``Location.confidential``, ``Service.verified_by``)
are never changed by an import; Lantern's attribute-borne fields (organization type,
populations, 24/7, training, service types) change only when the import carries them.
Rows that an import does not mention are left alone: import never deletes.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.db import transaction

from lantern.audit import actions as audit
from lantern.directory.importing.check import Checker
from lantern.directory.importing.read import read_path
from lantern.directory.importing.result import ImportFailed, ImportResult, Problem, report
from lantern.directory.importing.tables import EMBEDDED, MAX_ERRORS, MODELS, NESTED, ORDER
from lantern.directory.importing.write import Writer

__all__ = [
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


class _DryRun(Exception):
    pass


def import_directory(
    path,
    *,
    dry_run: bool = False,
    strict: bool = False,
    actor=None,
    progress: bool | None = None,
) -> ImportResult:
    """Import a file or folder (see the module docstring). Raises ImportFailed, writing nothing,
    when the feed cannot be read at all or, with ``strict``, on any problem a lenient run fixes."""
    started = time.monotonic()
    path = Path(path)
    checker = Checker(read_path(path), strict=strict, progress=progress)
    plan = checker.check()
    if checker.errors:
        raise ImportFailed(checker.errors[:MAX_ERRORS], checker.problems)
    result = ImportResult(problems=checker.problems, dry_run=dry_run, strict=strict)
    writer = Writer(plan, progress=progress)
    try:
        with transaction.atomic():
            writer.write()
            result.service_ids = writer.affected_services()
            if dry_run:
                raise _DryRun
            writer.reindex(result.service_ids)
            audit.record(
                actor or "import_directory",
                "import_directory",
                object_type="directory",
                object_id=path.name[:100],
                changes={
                    "created": dict(writer.created),
                    "updated": dict(writer.updated),
                    "warnings": len(result.problems),
                },
            )
    except _DryRun:
        pass
    result.created, result.updated = writer.created, writer.updated
    result.seconds = time.monotonic() - started
    return result
