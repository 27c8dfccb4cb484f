"""Model fields that keep personal data encrypted at rest.

``EncryptedTextField`` stores a ciphertext (see ``crypto``) and loads as a ``Sealed`` value, which
never turns into clear text by accident: ``str()``, ``repr()`` and templates show a placeholder.
Code that is entitled to the clear text calls ``.reveal()``; the query layer decides who is and
records the read in the audit log.
"""

from __future__ import annotations

from django.db import models

from lantern.privacy import crypto

PLACEHOLDER = "[encrypted]"


class Sealed:
    """An encrypted value as loaded from the database."""

    __slots__ = ("ciphertext", "context")

    def __init__(self, ciphertext: str, context: str):
        self.ciphertext = ciphertext
        self.context = context

    def reveal(self) -> str:
        return crypto.decrypt(self.ciphertext, self.context)

    @property
    def key_id(self) -> str:
        return crypto.key_id_of(self.ciphertext)

    def __str__(self) -> str:
        return PLACEHOLDER

    __repr__ = __str__

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other) -> bool:
        return isinstance(other, Sealed) and other.ciphertext == self.ciphertext

    def __hash__(self) -> int:
        return hash(self.ciphertext)


def reveal(value) -> str | None:
    """Clear text of a Sealed value, a plain str that has not been saved yet, or None."""
    if value is None or isinstance(value, str):
        return value
    return value.reveal()


class EncryptedTextField(models.TextField):
    """A text column holding AES-GCM ciphertext; ``None`` stays ``NULL`` (absence is not secret).

    ``period_key=True`` seals each value under the key of the month it is written in
    (``crypto.encrypt_in_period``): for the fields the retention schedule shreds, so that a
    month's key can be destroyed once none of them is left (``privacy.periods``). It changes no
    column, so migrations do not carry it.
    """

    def __init__(self, *args, period_key: bool = False, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        self.period_key = period_key
        super().__init__(*args, **kwargs)

    @property
    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return Sealed(value, self.context)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, Sealed):
            return value.ciphertext
        if self.period_key:
            return crypto.encrypt_in_period(str(value), self.context)
        return crypto.encrypt(str(value), self.context)

    def value_to_string(self, obj):
        # Serialisers (dumpdata) get the ciphertext, never the clear text.
        value = self.value_from_object(obj)
        return value.ciphertext if isinstance(value, Sealed) else self.get_prep_value(value)
