"""Re-encrypting every encrypted column under the active key (``lantern rotate_keys``)."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction

from lantern.privacy import crypto
from lantern.privacy.fields import EncryptedTextField, Sealed


def encrypted_fields():
    """``(model, [field names])`` for every model with encrypted columns."""
    for model in apps.get_models():
        names = [f.name for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


def target_key(ring: crypto.Keyring, key_id: str) -> str:
    """The key a value under ``key_id`` belongs under now: its month's newest key for a month key
    (so months stay apart, and each can still be destroyed on its own), else the active key."""
    month = ring.key_periods.get(key_id)
    return ring.periods.get(month, ring.active_id) if month else ring.active_id


def reencrypt_all(batch_size: int = 500, progress=None) -> dict[str, int]:
    """Rewrite every value not under the key it belongs under (``target_key``). Returns rows
    rewritten per model. Values under a destroyed month key are past reading and stay as they
    are (retention removes them).

    Works in batches, each in its own transaction, so a large table does not hold one long lock
    and an interrupted run can simply be started again.
    """
    ring = crypto.load_keyring()
    counts = {}
    for model, names in encrypted_fields():
        rewritten = 0
        last_pk = None
        manager = model._base_manager
        while True:
            qs = manager.order_by("pk").only("pk", *names)
            if last_pk is not None:
                qs = qs.filter(pk__gt=last_pk)
            batch = list(qs[:batch_size])
            if not batch:
                break
            last_pk = batch[-1].pk
            stale = []
            for obj in batch:
                changed = False
                for name in names:
                    value = getattr(obj, name)
                    if not isinstance(value, Sealed) or value.key_id in ring.destroyed:
                        continue
                    target = target_key(ring, value.key_id)
                    if value.key_id != target:
                        sealed = crypto.seal_with(ring, target, value.reveal(), value.context)
                        setattr(obj, name, Sealed(sealed, value.context))
                        changed = True
                if changed:
                    stale.append(obj)
            if stale:
                with transaction.atomic():
                    manager.bulk_update(stale, names)
                rewritten += len(stale)
            if progress:
                progress(model._meta.label, rewritten)
        counts[model._meta.label] = rewritten
    return counts
