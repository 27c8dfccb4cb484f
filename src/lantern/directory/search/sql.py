"""The search's raw SQL: the entry columns a candidate carries, full-text fragments, and
the narrow queries a page's details come from. Only constant fragments are joined here; every
user value travels as a parameter."""

from __future__ import annotations

from uuid import UUID

from django.db import connection

_COLUMNS = (
    "se.id, se.service_id, se.latitude, se.longitude, se.reach, se.reach_states, se.state, "
    "se.time_zone, se.hours, se.name, se.confidential, se.available_24_7"
)
_ID, _SERVICE, _LAT, _LON, _REACH, _REACH_STATES, _STATE, _TZ, _HOURS, _NAME, _CONF, _247 = range(
    12
)
_TIER = 12  # the ", <focus tier>" a located search selects after the columns


def _like_token(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


_PG_MATCH = "se.text_tsv @@ to_tsquery('english', %s)"  # migration 0005
_PG_RANK = "ts_rank(se.text_tsv, to_tsquery('english', %s))"
_FTS_JOIN = "JOIN directory_search_fts ON directory_search_fts.rowid = se.id"


def _fetch(where: list[str], params: list, extra_from: str = "", select: str = "") -> list:
    """Light candidate rows. ``extra_from`` is a constant: a join or an index hint."""
    # Only constant SQL fragments are joined here; every user value travels as a parameter.
    sql = f"SELECT {_COLUMNS}{select} FROM directory_searchentry se {extra_from} WHERE "  # noqa: S608
    sql += " AND ".join(where)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# What a page shows, read with plain SQL: this runs on every search, and the ORM's query building
# cost more than the queries themselves (bench/directory.py). Columns are listed once here.
_ENTRY_SQL = """
    SELECT se.id, se.service_id, se.organization_id, se.location_id, se.service_at_location_id,
           se.confidential, se.state, se.terms, se.available_24_7, se.hours, se.assured_date,
           s.name, s.alert, s.eligibility_description, o.name
    FROM directory_searchentry se
    JOIN directory_service s ON s.id = se.service_id
    JOIN directory_organization o ON o.id = se.organization_id
    WHERE se.id IN ({})"""
_ENTRY_KEYS = (
    "id", "service_id", "organization_id", "location_id", "service_at_location_id",
    "confidential", "state", "terms", "available_24_7", "hours", "assured_date",
    "service_name", "alert", "eligibility", "organization_name",
)  # fmt: skip
_OWNED_COLUMNS = {
    "directory_phone": (
        "id", "service_id", "location_id", "service_at_location_id",
        "number", "extension", "type", "description",
    ),
    "directory_language": ("id", "service_id", "location_id", "code"),
    "directory_schedule": (
        "id", "service_id", "location_id", "service_at_location_id",
        "freq", "byday", "bymonthday", "byweekno", "byyearday", "opens_at", "closes_at",
        "valid_from", "valid_to", "description",
    ),
}  # fmt: skip
_ADDRESS_SQL = """
    SELECT location_id, address_1, address_2, city, state_province, postal_code, country
    FROM directory_address WHERE location_id IN ({})
    ORDER BY CASE WHEN address_type = 'postal' THEN 1 ELSE 0 END"""
_ADDRESS_KEYS = ("address_1", "address_2", "city", "state_province", "postal_code", "country")


def _select(sql: str, params: list) -> list[tuple]:
    """Rows of a constant SQL statement; every value travels as a parameter."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _in(values) -> str:
    return ", ".join(["%s"] * len(values))


def _db_uuid(value: UUID):
    return value.hex if connection.vendor == "sqlite" else value


def _uuid(value) -> UUID | None:
    """A UUID column as read: SQLite gives its 32 hex digits, PostgreSQL a UUID."""
    if value is None or isinstance(value, UUID):
        return value
    return UUID(value)
