"""Moving a column that held personal data in clear to an ``EncryptedTextField``, for the data
migrations that do it (cases 0008, 0009): existing values are encrypted in place, and undoing
the migration writes them back in clear. Idempotent: a value already encrypted is left alone."""

from __future__ import annotations

from lantern.privacy import crypto


def _raw(value) -> str:
    return getattr(value, "ciphertext", value) or ""


def encrypt_in_place(model, field: str) -> None:
    """Encrypt every clear value of ``model.field`` (a historical model whose field is already
    an ``EncryptedTextField``: it encrypts what it is given, under its own context)."""
    for pk, value in model.objects.values_list("pk", field).iterator():
        raw = _raw(value)
        if raw and not raw.startswith(crypto.PREFIX + ":"):
            model.objects.filter(pk=pk).update(**{field: raw})


def decrypt_in_place(model, field: str, context: str, max_length: int) -> None:
    """Back to clear text: a ``Sealed`` value is written as it is, so the field stores it raw."""
    from lantern.privacy.fields import Sealed

    for pk, value in model.objects.values_list("pk", field).iterator():
        raw = _raw(value)
        if raw.startswith(crypto.PREFIX + ":"):
            plain = crypto.decrypt(raw, context)[:max_length]
            model.objects.filter(pk=pk).update(**{field: Sealed(plain, context)})
