"""Keys that cannot be lost silently: the database remembers every key id it was written under.

Each data key and the blind-index key has a row in ``privacy.DataKey`` with a canary only that
key opens. ``check()`` (run by ``lantern serve``, every ``lantern`` command, the ASGI application
and ``/readyz``) raises ``KeysUnavailable`` naming the key when one the database needs is missing
from ``keys/`` (or ``LANTERN_DATA_KEYS``), unreadable, or not the key that wrote the data.

New keys are made only for a database that holds no encrypted data, or by ``lantern
rotate_keys``; their ids carry the date and random bits, so a second ``k1`` never appears. A
database from before the registry is scanned once for the key ids its values name.
"""

from __future__ import annotations

import hmac
import os

from django.db import DatabaseError, connection
from django.utils import timezone

from lantern.privacy import crypto, periods
from lantern.privacy.choices import DataKeyPurposeChoices as Purpose
from lantern.privacy.crypto import KeysUnavailable
from lantern.privacy.models import DataKey

CANARY_CONTEXT = "privacy.datakey.canary"
INDEX_ID = "index"
HELP = "restore keys/ from the backup that goes with this database (docs/operations.md, Keys)"

__all__ = ["KeysUnavailable", "check", "prepare", "add_data_key"]


def _registry() -> dict[tuple[str, str], str] | None:
    """``(purpose, key id) -> canary``; None before the table exists (an unmigrated database)."""
    if DataKey._meta.db_table not in connection.introspection.table_names():
        return None
    return {
        (k.purpose, k.key_id): k.canary for k in DataKey.objects.filter(destroyed_at__isnull=True)
    }


def _data_ids(registry) -> set[str]:
    return {key_id for purpose, key_id in registry if purpose == Purpose.DATA}


def _encrypted_columns():
    from lantern.privacy.rotation import encrypted_fields

    for model, names in encrypted_fields():
        for name in names:
            yield model, name


def key_ids_in_use(known=()) -> dict[str, tuple[str, str]]:
    """Key ids the stored values name, each with one sample ``(ciphertext, context)``.

    One query per column and key id found: used once, for a database from before the registry.
    """
    found: dict[str, tuple[str, str]] = {}
    for model, name in _encrypted_columns():
        while True:
            qs = model._base_manager.filter(**{f"{name}__isnull": False})
            for key_id in (*known, *found):
                qs = qs.exclude(**{f"{name}__startswith": f"{crypto.PREFIX}:{key_id}:"})
            sample = list(qs.values_list(name, flat=True)[:1])
            if not sample:
                break
            found[sample[0].key_id] = (sample[0].ciphertext, sample[0].context)
    return found


def _any_encrypted_value() -> bool:
    return any(
        model._base_manager.filter(**{f"{name}__isnull": False}).exists()
        for model, name in _encrypted_columns()
    )


def _missing(ids, what: str) -> KeysUnavailable:
    """Names the keys, the active ones first and at most three (then the month keys counted)."""
    months = set()
    if DataKey._meta.db_table in connection.introspection.table_names():
        rows = DataKey.objects.filter(key_id__in=list(ids)).exclude(period="")
        months = set(rows.values_list("key_id", flat=True))
    ordered = sorted(ids, key=lambda key_id: (key_id in months, key_id))
    named = ", ".join(ordered[:3])
    if len(ordered) > 3:
        named += f" and {len(ordered) - 3} more"
    return KeysUnavailable(
        f"the database holds personal data encrypted under key {named}, which {what}; "
        f"Lantern will not start or make a new key over it: {HELP}"
    )


def _register_data_key(ring: crypto.Keyring, key_id: str) -> None:
    canary = crypto.seal_with(ring, key_id, f"lantern key {key_id}", CANARY_CONTEXT)
    DataKey.objects.get_or_create(
        purpose=Purpose.DATA,
        key_id=key_id,
        defaults={"canary": canary, "period": ring.key_periods.get(key_id, "")},
    )


def _destroyed_in_registry() -> dict:
    """Month keys the registry says were destroyed: key id -> when."""
    rows = DataKey.objects.filter(purpose=Purpose.DATA, destroyed_at__isnull=False)
    return dict(rows.values_list("key_id", "destroyed_at"))


def _register_new_keys(ring: crypto.Keyring, registry, destroyed=None) -> None:
    destroyed = _destroyed_in_registry() if destroyed is None else destroyed
    for key_id in ring.keys:
        if (Purpose.DATA, key_id) not in registry and key_id not in destroyed:
            _register_data_key(ring, key_id)


def _follow_destroyed(ring: crypto.Keyring, destroyed: dict) -> crypto.Keyring:
    """Keep the key file and the registry agreeing on destroyed month keys: a key another server
    destroyed leaves this file too; a tombstone in this file (an older database restored) marks
    the registry. Writes only when they disagree (this runs on every ``/readyz``). Returns the
    keyring as it now is."""
    gone = {key_id: when for key_id, when in destroyed.items() if key_id in ring.keys}
    if gone and not os.environ.get("LANTERN_DATA_KEYS"):
        when = min(gone.values()).date().isoformat()
        ring = periods.forget(ring, gone, when)
        crypto.write_keyring(ring)
        crypto.reset_cache()
    if unmarked := set(ring.destroyed) - set(destroyed):
        DataKey.objects.filter(
            purpose=Purpose.DATA, key_id__in=list(unmarked), destroyed_at__isnull=True
        ).update(destroyed_at=timezone.now(), canary="")
    return ring


def _index_canary(key: bytes) -> str:
    return crypto.index_with(key, "canary", "lantern")


def check() -> list[str]:
    """Raise KeysUnavailable unless every key the database needs loads and opens its canary.

    Registers keys the database does not know yet (with their canaries). Returns the data key
    ids checked. A database with no tables yet has nothing to check."""
    registry = _registry()
    if registry is None:
        crypto.read_keyring()  # a damaged file is reported all the same
        crypto.read_index_key()
        return []
    ring = crypto.read_keyring()
    destroyed = _destroyed_in_registry()
    if ring is not None:
        ring = _follow_destroyed(ring, destroyed)
        registry = {key: c for key, c in registry.items() if key[1] not in ring.destroyed}
    source = crypto.keyring_source()
    needed = _data_ids(registry)
    samples = {} if needed else key_ids_in_use(ring.destroyed if ring else ())
    needed |= set(samples)
    if ring is None:
        if needed:
            raise _missing(needed, f"{source} should hold but that file does not exist")
    else:
        absent = needed - set(ring.keys)
        if absent:
            raise _missing(absent, f"{source} does not have")
        for key_id in sorted(needed):
            canary = registry.get((Purpose.DATA, key_id))
            ciphertext, context = (canary, CANARY_CONTEXT) if canary else samples[key_id]
            try:
                crypto.open_with(ring, ciphertext, context)
            except crypto.DecryptionError:
                raise KeysUnavailable(
                    f"key {key_id} in {source} does not decrypt this database's data: the key "
                    f"file is damaged or belongs to another deployment; {HELP}"
                ) from None
        _register_new_keys(ring, registry, destroyed)
    _check_index_key(registry, has_data=_any_encrypted_value)
    return sorted(needed)


def _check_index_key(registry, *, has_data) -> None:
    key = crypto.read_index_key()
    canary = registry.get((Purpose.INDEX, INDEX_ID))
    where = "LANTERN_INDEX_KEY" if os.environ.get("LANTERN_INDEX_KEY") else "keys/index_key"
    if key is None:
        if canary or has_data():
            raise KeysUnavailable(
                f"the blind-index key ({where}) is missing but the database holds data indexed "
                f"with it; Lantern will not start or make a new one: {HELP}"
            )
        return
    if canary is None:
        DataKey.objects.get_or_create(
            purpose=Purpose.INDEX, key_id=INDEX_ID, defaults={"canary": _index_canary(key)}
        )
    elif not hmac.compare_digest(canary, _index_canary(key)):
        raise KeysUnavailable(
            f"the blind-index key in {where} is not the one this database was indexed with "
            f"(damaged, or from another deployment); {HELP}"
        )


def prepare() -> list[str]:
    """``check()``, then make the first keys for a database that holds nothing encrypted yet
    (start-up: the first contact does not wait for key generation)."""
    checked = check()
    try:
        tables_exist = _registry() is not None
    except DatabaseError:
        return checked
    if tables_exist:
        crypto.load_keyring()
        crypto._index_key()
    return checked


def create_first_data_key() -> None:
    """The keyring file does not exist: make one, only if the database holds no encrypted data.

    Called by ``crypto.load_keyring`` under its lock (so it must not call ``load_keyring``)."""
    registry = _registry() or {}
    needed = _data_ids(registry) or set(key_ids_in_use())
    if needed:
        where = crypto.keyring_source()
        raise _missing(needed, f"{where} should hold but that file does not exist")
    crypto.create_data_key(_data_ids(registry), first=True, extend=periods.extend)
    if (registry := _registry()) is not None:
        _register_new_keys(crypto.read_keyring(), registry)


def create_first_index_key() -> None:
    registry = _registry() or {}
    if (Purpose.INDEX, INDEX_ID) in registry or _any_encrypted_value():
        _check_index_key(registry, has_data=lambda: True)  # raises: the key is missing
    crypto.create_index_key()
    if _registry() is not None:
        DataKey.objects.get_or_create(
            purpose=Purpose.INDEX,
            key_id=INDEX_ID,
            defaults={"canary": _index_canary(crypto.read_index_key())},
        )


def add_data_key() -> str:
    """A new active data key (``lantern rotate_keys``), registered with its canary."""
    if os.environ.get("LANTERN_DATA_KEYS"):
        raise RuntimeError(
            "keys come from LANTERN_DATA_KEYS: add the new key there (first = active)"
        )
    check()
    registry = _registry() or {}
    key_id = crypto.create_data_key(_data_ids(registry), first=False, extend=periods.renew)
    crypto.reset_cache()
    _register_new_keys(crypto.read_keyring(), registry)
    return key_id


def extend_periods(ahead: int = periods.MONTHS_AHEAD) -> list[str]:
    """Make month keys up to ``ahead`` months on (``lantern period_keys --extend``); registered.
    Returns the months added."""
    if os.environ.get("LANTERN_DATA_KEYS"):
        raise RuntimeError("keys come from LANTERN_DATA_KEYS, which holds no month keys")
    check()
    ring = crypto.read_keyring()
    if ring is None:
        crypto.load_keyring()  # the first keys, months included
        return sorted(crypto.read_keyring().periods)
    longer = periods.extend(ring, _data_ids(_registry() or {}), ahead=ahead)
    crypto.write_keyring(longer)
    crypto.reset_cache()
    _register_new_keys(longer, _registry() or {})
    return sorted(set(longer.periods) - set(ring.periods))


def register() -> None:
    """Let ``privacy.crypto`` make the first keys through this module (``PrivacyConfig.ready``)."""
    crypto.register_first_keys(data=create_first_data_key, index=create_first_index_key)
