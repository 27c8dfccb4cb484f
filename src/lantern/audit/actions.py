"""Writing to the audit log. Every action in every app calls ``record`` inside its transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from lantern.audit import sql
from lantern.audit.models import GENESIS_HASH, AuditEvent
from lantern.core import locks, rows

# Events are chained in CHAINS parallel hash chains (decision 0011): each database connection
# appends to one, so two transactions that both write the audit log wait for each other only
# when their connections share a chain, not always, as with one chain and one lock.
CHAINS = 64


def _chain() -> int:
    """The chain this connection appends to: fixed per connection, so a transaction only ever
    holds one chain's lock (two transactions taking two chains in opposite orders would
    deadlock). SQLite serialises writers itself: one chain."""
    if connection.vendor != "postgresql":
        return 1
    connection.ensure_connection()
    return connection.connection.info.backend_pid % CHAINS + 1


def _lock_chain(chain: int) -> None:
    """Serialise appends to one chain so two transactions never link to the same previous row.
    Held to the end of the caller's transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql.LOCK_CHAIN, [locks.NAMESPACE, locks.AUDIT_CHAIN_BASE + chain])


def _last_hash(chain: int) -> str:
    last = rows.fetch_one(sql.LAST_HASH, [chain])
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
        chain = _chain()
        _lock_chain(chain)
        prev = _last_hash(chain)
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
                chain=chain,
                **who,
            )
            event.hash = prev = event.compute_hash()
            events.append(event)
        rows.insert(*events)
    return events
