"""Month keys: crypto-shredding for what the retention schedule removes (issue 22, part 2).

Fields the schedule shreds (``EncryptedTextField(period_key=True)``: a contact's identity and
summary, messages, attachments, a case's narrative, agency links) are sealed under the key of the
calendar month (UTC) they are written in. The keys are made ahead of time, ``MONTHS_AHEAD``
months at a time (at the first start, by ``lantern rotate_keys`` and ``lantern period_keys
--extend``), never on the fly, so servers that share a copy of ``keys/`` never make two different
keys for one month.

Once a month has ended (plus ``GRACE``) and no value in the database is under any of its keys any
more, because retention shredded everything written that month, ``lantern apply_retention``
destroys its keys: first in the database's key registry (so no server asks for them again), then
in the key file, which keeps a tombstone (the id and the date) so that restoring an older
database backup reads those values as shredded instead of refusing to start. Every database
backup made before then still holds the month's ciphertexts, and none of them can be opened
again. A value a legal hold keeps, or a case still open, keeps its month's key alive: that month
stays readable in older backups until the hold ends (docs/privacy.md).

Other servers drop a destroyed key from their own copy of ``keys/`` the next time they check
their keys (at start and on every ``/readyz``), because the registry says it is gone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta

from django.db.models import CharField, Count, Q, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from lantern.privacy import crypto
from lantern.privacy.choices import DataKeyPurposeChoices as Purpose
from lantern.privacy.models import DataKey

MONTHS_AHEAD = 24
LOW_MONTHS = 3  # lantern doctor and /readyz say so when fewer months are left
GRACE = timedelta(days=2)  # a month's keys outlive it by this much (servers' clocks differ)
KEY_ID_LENGTH = 16  # crypto.new_key_id: "k20261205-0f3a9c", as every month key is


def add_months(month: str, n: int) -> str:
    year, mon = divmod(int(month[:4]) * 12 + int(month[5:7]) - 1 + n, 12)
    return f"{year:04d}-{mon + 1:02d}"


def _with_key(ring: crypto.Keyring, month: str, taken) -> crypto.Keyring:
    key_id = crypto.new_key_id({*taken, *ring.keys, *ring.destroyed})
    return crypto.Keyring(
        ring.active_id,
        {**ring.keys, key_id: crypto.new_key_bytes()},
        {**ring.periods, month: key_id},
        {**ring.key_periods, key_id: month},
        ring.destroyed,
    )


def extend(ring: crypto.Keyring, taken=(), *, ahead: int = MONTHS_AHEAD) -> crypto.Keyring:
    """``ring`` with a key for every month from this one to ``ahead`` months on that has none."""
    this_month = crypto.period_of(crypto.now())
    for n in range(ahead + 1):
        month = add_months(this_month, n)
        if month not in ring.periods:
            ring = _with_key(ring, month, taken)
    return ring


def renew(ring: crypto.Keyring, taken=()) -> crypto.Keyring:
    """Key rotation: a new key for every month that has one (``rotation`` moves each value to its
    own month's new key, so months stay apart), then ``extend``."""
    for month in sorted(ring.periods):
        ring = _with_key(ring, month, taken)
    return extend(ring, taken)


def status(ring: crypto.Keyring | None = None) -> dict:
    """What ``lantern doctor``, ``/readyz`` and ``lantern period_keys`` say about month keys."""
    ring = ring if ring is not None else crypto.read_keyring()
    if ring is None or not ring.periods:
        return {
            "months": 0,
            "last": None,
            "left": 0,
            "destroyed": len(ring.destroyed) if ring else 0,
        }
    last = max(ring.periods)
    this_month = crypto.period_of(crypto.now())
    left = sum(1 for month in ring.periods if month >= this_month)
    return {
        "months": len(ring.periods),
        "last": last,
        "left": left,
        "destroyed": len(ring.destroyed),
    }


def keys_in_use() -> Counter:
    """How many stored values each key id seals (one grouped scan per encrypted column)."""
    from lantern.privacy.rotation import encrypted_fields

    start = len(crypto.PREFIX) + 2  # "v1:" then the key id (SQL counts from 1)
    used: Counter = Counter()
    for model, names in encrypted_fields():
        for name in names:
            rows = (
                model._base_manager.filter(**{f"{name}__isnull": False})
                .annotate(k=Substr(name, start, KEY_ID_LENGTH, output_field=CharField()))
                .values_list("k")
                .annotate(n=Count("pk"))
                .order_by()
            )
            for key_id, n in rows:
                used[key_id] += n
    return used


def due(now: datetime | None = None) -> list[str]:
    """Months whose keys may be destroyed now: ended (``GRACE`` ago) and sealing nothing."""
    ring = crypto.read_keyring()
    if ring is None or not ring.key_periods:
        return []
    # never this month or later by the clock that picks keys, whatever ``now`` says: a value
    # written under a month key after the check below would be lost with it
    moment = min(now or timezone.now(), crypto.now())
    ended_before = crypto.period_of(moment - GRACE)
    by_month = defaultdict(list)
    for key_id, month in ring.key_periods.items():
        by_month[month].append(key_id)
    used = keys_in_use()
    return sorted(
        month
        for month, ids in by_month.items()
        if month < ended_before
        and all(len(key_id) == KEY_ID_LENGTH and not used[key_id] for key_id in ids)
    )


def forget(ring: crypto.Keyring, ids, when: str) -> crypto.Keyring:
    """``ring`` without these keys, each left as a tombstone (its id and ``when``)."""
    ids = set(ids)
    return crypto.Keyring(
        ring.active_id,
        {k: v for k, v in ring.keys.items() if k not in ids},
        {m: k for m, k in ring.periods.items() if k not in ids},
        {k: m for k, m in ring.key_periods.items() if k not in ids},
        {**ring.destroyed, **dict.fromkeys(ids - set(ring.destroyed), when)},
    )


def destroy(months, now: datetime | None = None) -> list[str]:
    """Destroy every key of these months; returns the key ids. The registry first, so that a
    kill between the two steps leaves a key that ``privacy.keys.check`` then drops from the file,
    never a registered key missing from it (which would stop every server)."""
    now = now or timezone.now()
    ring = crypto.read_keyring()
    ids = [key_id for key_id, month in ring.key_periods.items() if month in set(months)]
    if not ids:
        return []
    DataKey.objects.filter(purpose=Purpose.DATA, key_id__in=ids).update(destroyed_at=now, canary="")
    crypto.write_keyring(forget(ring, ids, now.date().isoformat()))
    crypto.reset_cache()
    return ids


def clear_destroyed() -> int:
    """Remove values sealed under destroyed keys: they cannot be read, and are found only in a
    database restored from a backup older than the destruction. Each goes the way retention
    shreds: the column and its blind index (``<name>_index``) emptied, the record marked
    shredded. Returns how many values were removed."""
    from lantern.privacy.rotation import encrypted_fields

    ring = crypto.read_keyring()
    if ring is None or not ring.destroyed:
        return 0
    removed = 0
    for model, names in encrypted_fields():
        columns = {f.name for f in model._meta.concrete_fields}
        for name in names:
            under = Q()
            for key_id in ring.destroyed:
                under |= Q(**{f"{name}__startswith": f"{crypto.PREFIX}:{key_id}:"})
            changes = {name: None}
            if f"{name}_index" in columns:
                changes[f"{name}_index"] = ""
            if "shredded_at" in columns:
                changes["shredded_at"] = Coalesce("shredded_at", Value(timezone.now()))
            removed += model._base_manager.filter(under).update(**changes)
    return removed
