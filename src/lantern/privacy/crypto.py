"""Field encryption (AES-256-GCM) and keyed blind indexes (HMAC-SHA256).

Ciphertexts are text: ``v1:<key id>:<base64url(nonce || ciphertext+tag)>``. The key id travels
with every value so keys can be rotated (``lantern rotate_keys``): new values use the active key,
old values stay readable with the key that wrote them until they are re-encrypted.

The associated data binds a value to its column (``contacts.contact.caller_name``), so a
ciphertext copied into another column does not decrypt.

Keys live outside the database: ``$LANTERN_DATA_DIR/keys/data-keys.json`` (mode 0600, created on
first use) or the ``LANTERN_DATA_KEYS`` environment variable (``id:base64key,id:base64key``; the
first is active). The blind-index key is separate (``keys/index_key`` or ``LANTERN_INDEX_KEY``)
and is not rotated by ``rotate_keys``: rotating it means re-indexing, see docs/privacy.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from lantern.datadir import keys_dir, read_or_create_secret, write_secret_file

PREFIX = "v1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A value could not be decrypted: unknown key id, wrong column, or tampering."""


def _b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Keyring:
    active_id: str
    keys: dict[str, bytes]

    def cipher(self, key_id: str) -> AESGCM:
        try:
            return _aesgcm(self.keys[key_id])
        except KeyError:
            raise DecryptionError(f"unknown key id {key_id!r}") from None


@lru_cache(maxsize=64)
def _aesgcm(key: bytes) -> AESGCM:
    return AESGCM(key)


_lock = threading.Lock()
_keyring: Keyring | None = None


def _keyring_path():
    return keys_dir() / "data-keys.json"


def _parse_env_keys(spec: str) -> Keyring:
    keys: dict[str, bytes] = {}
    order = []
    for item in spec.split(","):
        key_id, _, b64 = item.strip().partition(":")
        raw = _b64d(b64)
        if not key_id or len(raw) != 32:
            raise ValueError("LANTERN_DATA_KEYS must be 'id:base64(32 bytes),...'")
        keys[key_id] = raw
        order.append(key_id)
    return Keyring(active_id=order[0], keys=keys)


def _new_key_id(existing) -> str:
    n = len(existing) + 1
    while f"k{n}" in existing:
        n += 1
    return f"k{n}"


def load_keyring() -> Keyring:
    """Return the keyring, creating ``keys/data-keys.json`` with one key on first use."""
    global _keyring
    if _keyring is not None:
        return _keyring
    with _lock:
        if _keyring is None:
            if spec := os.environ.get("LANTERN_DATA_KEYS"):
                _keyring = _parse_env_keys(spec)
            else:
                path = _keyring_path()
                if not path.exists():
                    try:
                        doc = {"active": "k1", "keys": {"k1": _b64e(secrets.token_bytes(32))}}
                        write_secret_file(path, json.dumps(doc, indent=2))
                    except FileExistsError:
                        pass
                doc = json.loads(path.read_text())
                _keyring = Keyring(
                    active_id=doc["active"], keys={k: _b64d(v) for k, v in doc["keys"].items()}
                )
    return _keyring


def add_data_key() -> str:
    """Generate a new data key, make it active, and return its id (file-based keyrings only)."""
    global _keyring
    if os.environ.get("LANTERN_DATA_KEYS"):
        raise RuntimeError(
            "keys come from LANTERN_DATA_KEYS: add the new key there (first = active)"
        )
    ring = load_keyring()
    key_id = _new_key_id(ring.keys)
    doc = {
        "active": key_id,
        "keys": {
            **{k: _b64e(v) for k, v in ring.keys.items()},
            key_id: _b64e(secrets.token_bytes(32)),
        },
    }
    path = _keyring_path()
    tmp = path.with_suffix(".tmp")
    if tmp.exists():
        tmp.unlink()
    write_secret_file(tmp, json.dumps(doc, indent=2))
    os.replace(tmp, path)
    with _lock:
        _keyring = None
    return key_id


def reset_cache() -> None:
    """Forget cached keys (tests and ``rotate_keys``)."""
    global _keyring
    with _lock:
        _keyring = None
    _index_key.cache_clear()


def encrypt(plaintext: str, context: str) -> str:
    ring = load_keyring()
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = ring.cipher(ring.active_id).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}:{ring.active_id}:{_b64e(nonce + sealed)}"


def key_id_of(ciphertext: str) -> str:
    return ciphertext.split(":", 2)[1]


def decrypt(ciphertext: str, context: str) -> str:
    try:
        prefix, key_id, body = ciphertext.split(":", 2)
    except ValueError:
        raise DecryptionError("not a Lantern ciphertext") from None
    if prefix != PREFIX:
        raise DecryptionError(f"unknown ciphertext version {prefix!r}")
    raw = _b64d(body)
    try:
        plain = (
            load_keyring()
            .cipher(key_id)
            .decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
        )
    except DecryptionError:
        raise
    except Exception:
        raise DecryptionError("ciphertext does not authenticate") from None
    return plain.decode()


@lru_cache(maxsize=1)
def _index_key() -> bytes:
    return _b64d(read_or_create_secret("index_key", "LANTERN_INDEX_KEY"))


def blind_index(kind: str, normalized_value: str) -> str:
    """A keyed, deterministic token for equality lookups (``phone``, ``email``).

    Callers normalise first (E.164 phone, lower-cased email) so that equal values meet.
    """
    digest = hmac.new(_index_key(), f"{kind}:{normalized_value}".encode(), hashlib.sha256)
    return digest.hexdigest()[:40]
