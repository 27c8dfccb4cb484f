"""Move a hotline to another database: ``lantern copy_database --to postgresql://…``.

The target is an existing, empty PostgreSQL database. The command migrates it, then copies every
table in one transaction, row by row as stored: encrypted columns keep their ciphertext (the
keys in ``LANTERN_DATA_DIR`` stay the same), timestamps and ids are kept, and the audit chain is
checked on the target before the command reports success. Foreign keys are checked at commit
(Django makes them deferrable on PostgreSQL), so tables are copied in any order. The server is
stopped while it runs: a source that changed during the copy is reported and nothing is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice

import dj_database_url
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connections, transaction

from lantern.audit.queries import verify_chain
from lantern.operations import sql

TARGET = "copy_target"
BATCH = 1000


class CopyError(Exception):
    """The copy cannot start or did not succeed; nothing was kept in the target."""


def _models() -> list:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]


def _open_target(url: str):
    try:
        config = dj_database_url.parse(url)
    except ValueError as exc:
        raise CopyError(f"--to is not a database URL: {exc}") from None
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise CopyError("--to must name a PostgreSQL database (postgresql://user@host/name)")
    source = connections["default"].settings_dict
    if source["ENGINE"] == config["ENGINE"] and all(
        str(source.get(k) or "") == str(config.get(k) or "") for k in ("NAME", "HOST", "PORT")
    ):
        raise CopyError("--to names the database this hotline already uses")
    filled = connections.configure_settings({"default": {**source}, TARGET: config})
    connections.settings[TARGET] = filled[TARGET]
    target = connections[TARGET]
    try:
        target.ensure_connection()
        tables = target.introspection.table_names()
    except DatabaseError as exc:
        raise CopyError(f"cannot reach the target database: {str(exc).strip()[:300]}") from None
    if tables:
        raise CopyError(
            f"the target database is not empty ({len(tables)} tables): create an empty one"
        )
    return target


@contextmanager
def _timestamps_as_stored(models):
    """``auto_now`` fields would stamp the copy's time on every row: keep the stored one."""
    changed = []
    for model in models:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                changed.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in changed:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _batches(rows: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(rows, size)):
        yield batch


def copy_database(url: str, *, say: Callable[[str], None] = lambda line: None) -> dict[str, int]:
    """Copy every table of the configured database into the empty one ``url`` names; returns
    the rows copied per table. Raises ``CopyError`` with the reason (the target keeps nothing)."""
    target = _open_target(url)
    try:
        say("migrating the target database…")
        call_command("migrate", database=TARGET, interactive=False, verbosity=0)
        models = _models()
        counts: dict[str, int] = {}
        with transaction.atomic(using=TARGET), _timestamps_as_stored(models):
            tables = ", ".join(target.ops.quote_name(m._meta.db_table) for m in models)
            with target.cursor() as cursor:  # rows the migrations made are replaced by ours
                cursor.execute(sql.TRUNCATE_TABLES.format(tables=tables))
            for model in models:
                label = model._meta.label_lower
                rows = model._base_manager.using("default").order_by("pk").iterator(BATCH)
                n = 0
                for batch in _batches(rows, BATCH):
                    model._base_manager.using(TARGET).bulk_create(batch)
                    n += len(batch)
                counts[label] = n
                if n:
                    say(f"{label}: {n}")
            with target.cursor() as cursor:
                for statement in target.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
            changed = [
                m._meta.label_lower
                for m in models
                if m._base_manager.using("default").count() != counts[m._meta.label_lower]
                or m._base_manager.using(TARGET).count() != counts[m._meta.label_lower]
            ]
            if changed:
                raise CopyError(
                    "the hotline changed during the copy (" + ", ".join(changed[:5]) + "): "
                    "stop the server, dispatcher and SMTP intake, then run it again"
                )
            report = verify_chain(using=TARGET)
            if not report.ok:
                raise CopyError(
                    f"the audit chain does not verify on the target at entry "
                    f"{report.first_bad_id}: {report.problem}"
                )
            say(f"audit chain: {report.checked} entries verified on the target")
        return counts
    except DatabaseError as exc:
        raise CopyError(f"the copy failed, the target keeps nothing: {str(exc)[:300]}") from None
    finally:
        target.close()
