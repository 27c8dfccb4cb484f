"""Reading and verifying the audit log."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from lantern.audit.models import GENESIS_HASH, AuditEvent


def events_for_object(object_type: str, object_id: str):
    return AuditEvent.objects.filter(
        object_type=object_type, object_id=str(object_id)
    ).select_related("actor")


def events(*, object_type: str = "", object_id: str = "", actor_label: str = "", action: str = ""):
    qs = AuditEvent.objects.select_related("actor")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=str(object_id))
    if actor_label:
        qs = qs.filter(actor_label=actor_label)
    if action:
        qs = qs.filter(action=action)
    return qs


@dataclass
class ChainReport:
    checked: int
    first_bad_id: int | None = None
    problem: str = ""
    heads: dict = field(default_factory=dict)  # chain -> its newest entry's hash

    @property
    def anchor(self) -> str:
        """One digest of every chain's head: written down outside the hotline (a ticket, a
        printed log book), it shows later that no chain lost entries from its end."""
        text = ",".join(
            f"{chain or 0}:{head}"
            for chain, head in sorted(self.heads.items(), key=lambda item: item[0] or 0)
        )
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def verify_chain(batch_size: int = 5000, *, using: str = "default") -> ChainReport:
    """Walk the whole log in id order and recompute every hash and every link to the previous
    entry of the same chain (in the database ``using`` names: ``copy_database`` checks its
    target). Within a chain, id order is append order: ids are drawn under the chain's lock."""
    heads: dict[int | None, str] = {}
    checked = 0
    last_id = 0
    while True:
        batch = list(
            AuditEvent.objects.using(using).filter(id__gt=last_id).order_by("id")[:batch_size]
        )
        if not batch:
            return ChainReport(checked=checked, heads=heads)
        for event in batch:
            if event.prev_hash != heads.get(event.chain, GENESIS_HASH):
                return ChainReport(checked, event.id, "does not link to the previous entry")
            if event.compute_hash() != event.hash:
                return ChainReport(checked, event.id, "content does not match its hash")
            heads[event.chain] = event.hash
            checked += 1
            last_id = event.id


def chain_length() -> int:
    """Entries in the audit log (metrics): the newest entry's number, not a count of the table."""
    from django.db.models import Max

    return AuditEvent.objects.aggregate(n=Max("pk"))["n"] or 0
