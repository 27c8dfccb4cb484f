"""Writing to the audit log. Every action in every app calls ``record`` inside its transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from lantern.audit.models import GENESIS_HASH, AuditEvent
from lantern.core import locks, rows


def _lock_chain() -> None:
    """Serialise appends so two transactions never chain onto the same previous row.

    SQLite already serialises writers (transactions start IMMEDIATE, see settings).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [locks.NAMESPACE, locks.AUDIT_CHAIN]
            )


_LAST_HASH = "SELECT hash FROM audit_auditevent ORDER BY id DESC LIMIT 1"


def _last_hash() -> str:
    last = rows.fetch_one(_LAST_HASH)
    return last[0] if last else GENESIS_HASH


def actor_fields(actor) -> dict:
    if actor is None:
        return {"actor": None, "actor_label": "system"}
    if isinstance(actor, str):
        return {"actor": None, "actor_label": actor}
    return {"actor": actor, "actor_label": actor.get_username()}


def record(
    actor,
    action: str,
    obj=None,
    *,
    object_type: str = "",
    object_id: str = "",
    changes: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event. ``actor`` is a user, ``None`` (system) or a label such as ``"public"``."""
    return record_many(
        actor,
        action,
        [obj] if obj is not None else [None],
        object_type=object_type,
        object_id=object_id,
        changes=changes,
        reason=reason,
    )[0]


def record_many(
    actor,
    action: str,
    objs: Iterable,
    *,
    object_type: str = "",
    object_id: str = "",
    changes: dict | None = None,
    reason: str = "",
) -> list[AuditEvent]:
    """Append one event per object (e.g. one ``read_pii`` per contact shown in a list)."""
    with transaction.atomic(savepoint=False):
        _lock_chain()
        prev = _last_hash()
        now = timezone.now()
        who = actor_fields(actor)
        events = []
        for obj in objs:
            event = AuditEvent(
                at=now,
                action=action,
                object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
                object_id=object_id or (str(obj.pk) if obj is not None else ""),
                changes=changes or {},
                reason=reason[:500],
                prev_hash=prev,
                **who,
            )
            event.hash = prev = event.compute_hash()
            events.append(event)
        rows.insert(*events)
    return events
