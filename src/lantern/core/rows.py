"""Writing rows on the hot paths without the ORM's query building.

Building an INSERT through ``Model.save()`` or ``bulk_create`` costs a few hundred microseconds of
Python each time (compiling the query); the statement itself costs tens. Intake stores every
webhook this way so one server process can take hundreds a second (bench/intake.py). The values
still go through each field's own ``pre_save`` and ``get_db_prep_save``, so defaults, ``auto_now``,
encryption and each backend's conversions are the same as the ORM's. Signals are not sent:
use these only for models that have no receivers (Lantern's own records do not).

Statements go to the driver's own cursor, in the connection's current transaction, with
Django's error wrapping (an ``IntegrityError`` is still ``django.db.IntegrityError``) but
without the rest of Django's cursor layers, which cost more than a short statement does.
"""

from __future__ import annotations

import functools
import uuid

from django.db import DEFAULT_DB_ALIAS, connection, connections


def _db():
    """This thread's connection itself. ``django.db.connection`` is a proxy that looks the
    connection up again on every attribute read, a cost that showed in profiles here."""
    return connections[DEFAULT_DB_ALIAS]


@functools.cache
def _insert_plan(model, with_pk: bool, rows: int) -> tuple[tuple, str]:
    meta = model._meta
    fields = tuple(
        f for f in meta.concrete_fields if with_pk or not (f.primary_key and f.auto_created)
    )
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table = connection.ops.quote_name(meta.db_table)
    values = ", ".join([one] * rows)
    sql = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608 (names from the model)
    if not with_pk:
        sql += f" RETURNING {connection.ops.quote_name(meta.pk.column)}"
    return fields, sql


BATCH = 500  # rows per statement, well under SQLite's limit on parameters


def insert(*objs) -> None:
    """INSERT model instances of one model, as ``save(force_insert=True)`` would store them, in
    one statement per ``BATCH``. An auto-increment primary key is read back into each object."""
    for start in range(0, len(objs), BATCH):
        _insert(objs[start : start + BATCH])


def _insert(objs) -> None:
    if not objs:
        return
    model = type(objs[0])
    with_pk = objs[0].pk is not None or not model._meta.pk.auto_created
    fields, sql = _insert_plan(model, with_pk, len(objs))
    db = _db()
    params = []
    for obj in objs:
        for field in fields:
            params.append(field.get_db_prep_save(field.pre_save(obj, True), db))
    cursor = _run(sql, params, db)
    if not with_pk:
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
    for obj in objs:
        obj._state.adding = False
        obj._state.db = db.alias


@functools.cache
def _upsert_plan(model, update: tuple, rows: int) -> tuple[tuple, str]:
    fields, sql = _insert_plan(model, True, rows)
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    changes = ", ".join(
        f"{quote(f.column)} = excluded.{quote(f.column)}" for f in fields if f.name in update
    )
    return fields, f"{sql} ON CONFLICT ({pk}) DO UPDATE SET {changes}"


def upsert(objs, update_fields, *, model=None) -> None:
    """INSERT model instances with their primary keys, or UPDATE ``update_fields`` of the rows
    that have them already (``bulk_create(update_conflicts=True)`` without its query building,
    which cost a directory import a fifth of its time: bench/directory_import.py). With
    ``model``, ``objs`` may be any objects with an attribute per field (the importer's are
    lighter than model instances); each field's ``pre_save`` still runs on them."""
    update = tuple(sorted(update_fields))
    db = _db()
    for start in range(0, len(objs), BATCH):
        chunk = objs[start : start + BATCH]
        if not chunk:
            continue
        fields, sql = _upsert_plan(model or type(chunk[0]), update, len(chunk))
        params = [field.get_db_prep_save(field.pre_save(obj, True), db)
                  for obj in chunk for field in fields]  # fmt: skip
        _run(sql, params, db)


@functools.lru_cache(maxsize=256)
def _native(sql: str, vendor: str) -> str:
    """``%s`` placeholders as the driver wants them (SQLite's are ``?``)."""
    return sql.replace("%s", "?") if vendor == "sqlite" else sql


def _run(sql: str, params, db=None):
    db = db or _db()
    db.validate_no_broken_transaction()  # Django's cursor checks it; this one must too
    db.ensure_connection()
    cursor = db.connection.cursor()
    with db.wrap_database_errors:
        cursor.execute(_native(sql, db.vendor), params)
    return cursor


def fetch_one(sql: str, params=()) -> tuple | None:
    return _run(sql, params).fetchone()


def execute(sql: str, params=()) -> int:
    """Run one statement; returns the number of rows it changed."""
    return _run(sql, params).rowcount


def db_value(field_owner, field_name: str, value):
    """``value`` as the database stores ``field_owner``'s field (for a WHERE clause)."""
    field = field_owner._meta.get_field(field_name)
    return field.get_db_prep_value(value, _db(), prepared=False)


def from_db(field_owner, field_name: str, value):
    """A value read with plain SQL, as the ORM would give it (a datetime from SQLite's text)."""
    field = field_owner._meta.get_field(field_name)
    for converter in connection.ops.get_db_converters(field.get_col(field_owner._meta.db_table)):
        value = converter(value, field, connection)
    return value


def as_uuid(value) -> uuid.UUID:
    """A UUID column's raw value (a hex string on SQLite, a UUID on PostgreSQL) as a UUID."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)
