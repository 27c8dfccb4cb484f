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


def reencrypt_all(batch_size: int = 500, progress=None) -> dict[str, int]:
    """Rewrite every value not under the active key. Returns rows rewritten per model.

    Works in batches, each in its own transaction, so a large table does not hold one long lock
    and an interrupted run can simply be started again.
    """
    active = crypto.load_keyring().active_id
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
                    if isinstance(value, Sealed) and value.key_id != active:
                        setattr(obj, name, value.reveal())
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
