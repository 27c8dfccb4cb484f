"""Receipt codes: how an anonymous tipster comes back to their report without an account.

A code is 16 random digits (about 53 bits), shown once. Only its Argon2id hash is stored, made
with a salt that is fixed per deployment (derived from the index key) so the hash itself is the
lookup key, as GlobaLeaks does: a stolen database gives no code, and every guess costs an
Argon2id run (19 MiB and tens of milliseconds) even for someone holding the keys.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from argon2.low_level import Type, hash_secret_raw

from lantern.privacy import crypto
from lantern.privacy.crypto import _index_key

DIGITS = 16
_FORMAT = re.compile(r"^\d{16}$")
# Argon2id with OWASP's recommended minimum (19 MiB, two passes): ~60 ms a guess
TIME_COST, MEMORY_KIB, PARALLELISM = 2, 19 * 1024, 1


def new_code() -> str:
    return f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"


def normalize(typed: str) -> str:
    """What a person typed (spaces, dashes) -> 16 digits, or ``""`` if it cannot be a code."""
    digits = re.sub(r"[\s-]", "", typed or "")
    return digits if _FORMAT.match(digits) else ""


def display(code: str) -> str:
    """``1234 5678 9012 3456``: easier to copy down by hand."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def _salt() -> bytes:
    return hmac.new(_index_key(), b"receipt-salt", hashlib.sha256).digest()[:16]


def code_hash(code: str) -> str:
    """The stored form of a code (hex); the same code always gives the same hash."""
    raw = hash_secret_raw(
        code.encode(),
        _salt(),
        time_cost=TIME_COST,
        memory_cost=MEMORY_KIB,
        parallelism=PARALLELISM,
        hash_len=32,
        type=Type.ID,
    )
    return raw.hex()


_SESSION_CONTEXT = "receipt-code.session"


def seal(code: str) -> str:
    """A code to keep in the visitor's session while its page may be reloaded: encrypted with
    the data key, so the session table never holds it in clear."""
    return crypto.encrypt(code, _SESSION_CONTEXT)


def unseal(sealed: str) -> str:
    """The code ``seal`` kept, or ``""`` if it cannot be read (a key rotated away, a forgery)."""
    try:
        return crypto.decrypt(sealed, _SESSION_CONTEXT)
    except (crypto.DecryptionError, KeyError, ValueError):
        return ""
