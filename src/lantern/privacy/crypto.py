"""Field encryption (AES-256-GCM) and keyed blind indexes (HMAC-SHA256).

Ciphertexts are text: ``v1:<key id>:<base64url(nonce || ciphertext+tag)>``. The key id travels
with every value so keys can be rotated (``lantern rotate_keys``): new values use the active key,
old values stay readable with the key that wrote them until they are re-encrypted.

The associated data binds a value to its column (``contacts.contact.caller_name``), so a
ciphertext copied into another column does not decrypt.

Keys live outside the database: ``$LANTERN_DATA_DIR/keys/data-keys.json`` (mode 0600) or the
``LANTERN_DATA_KEYS`` environment variable (``id:base64key,id:base64key``; the first is active).
The blind-index key is separate (``keys/index_key`` or ``LANTERN_INDEX_KEY``) and is not rotated
by ``rotate_keys``: rotating it means re-indexing, see docs/privacy.md.

Keys are generated only for a database that holds no encrypted data (``privacy.keys`` decides and
registers every key id with a canary); a missing or damaged key file raises ``KeysUnavailable``
instead of quietly starting over under a new key.

**Month keys** (crypto-shredding, docs/decisions/0012-month-keys-for-crypto-shredding.md): the
keyring file also holds one key per calendar month (UTC), made ahead of time by
``privacy.periods``. Fields whose
records the retention schedule shreds (``EncryptedTextField(period_key=True)``) are sealed under
the key of the month they are written in; everything else under the active key. Destroying a
month's key once nothing in the database is under it leaves that month unreadable in every older
database backup too.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from lantern.datadir import keys_dir, write_secret_file

PREFIX = "v1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A value could not be decrypted: unknown key id, wrong column, or tampering."""


class Shredded(DecryptionError):
    """The value's month key was destroyed (crypto-shredding): it is gone for good."""


class KeysUnavailable(Exception):
    """The keys this database needs cannot be loaded (missing, unreadable or not the right ones).

    The message names the key ids and files involved, never key material."""


def _b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Keyring:
    active_id: str
    keys: dict[str, bytes]
    periods: dict[str, str] = field(default_factory=dict)  # "2026-12" -> the key now used for it
    key_periods: dict[str, str] = field(default_factory=dict)  # every period key -> its month
    destroyed: dict[str, str] = field(default_factory=dict)  # key id -> when it was destroyed

    def cipher(self, key_id: str) -> AESGCM:
        try:
            return _aesgcm(self.keys[key_id])
        except KeyError:
            if key_id in self.destroyed:
                raise Shredded(f"key {key_id} was destroyed on {self.destroyed[key_id]}") from None
            raise DecryptionError(f"unknown key id {key_id!r}") from None


@lru_cache(maxsize=64)
def _aesgcm(key: bytes) -> AESGCM:
    return AESGCM(key)


_lock = threading.Lock()
_keyring: Keyring | None = None


def _keyring_path():
    return keys_dir() / "data-keys.json"


def _key_bytes(key_id: str, b64, where: str) -> bytes:
    try:
        raw = _b64d(b64) if isinstance(b64, str) else b""
    except ValueError:
        raw = b""
    if not key_id or ":" in key_id or len(raw) != 32:
        raise KeysUnavailable(
            f"key {key_id or '(no id)'!s} in {where} is unreadable: "
            "a key is an id and 32 bytes in base64url"
        )
    return raw


def _parse_env_keys(spec: str) -> Keyring:
    keys: dict[str, bytes] = {}
    order = []
    for item in spec.split(","):
        key_id, _, b64 = item.strip().partition(":")
        keys[key_id] = _key_bytes(key_id, b64, "LANTERN_DATA_KEYS")
        order.append(key_id)
    return Keyring(active_id=order[0], keys=keys)


def new_key_id(taken) -> str:
    """A key id no deployment of ours has used: the date and random bits (never a second k1)."""
    while True:
        key_id = f"k{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(3)}"
        if key_id not in taken:
            return key_id


def new_key_bytes() -> bytes:
    return secrets.token_bytes(32)


def keyring_source() -> str:
    """Where the data keys come from, for messages."""
    if os.environ.get("LANTERN_DATA_KEYS"):
        return "LANTERN_DATA_KEYS"
    return str(_keyring_path())


def read_keyring() -> Keyring | None:
    """The keyring as configured, or None when no key file exists yet; never creates one.

    Raises KeysUnavailable when the file or the variable cannot be read as a keyring."""
    if spec := os.environ.get("LANTERN_DATA_KEYS"):
        return _parse_env_keys(spec)
    path = _keyring_path()
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise KeysUnavailable(f"{path} is unreadable ({exc.strerror})") from None
    try:
        doc = json.loads(text)
        active, stored = doc["active"], doc["keys"]
        if not isinstance(stored, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise KeysUnavailable(f"{path} is damaged: it is not a Lantern keyring") from None
    keys = {key_id: _key_bytes(key_id, b64, str(path)) for key_id, b64 in stored.items()}
    if active not in keys:
        raise KeysUnavailable(f"{path} is damaged: its active key {active!r} is not in it")
    periods, key_periods = doc.get("periods", {}), doc.get("key_periods", {})
    destroyed = doc.get("destroyed", {})
    if not all(isinstance(d, dict) for d in (periods, key_periods, destroyed)):
        raise KeysUnavailable(f"{path} is damaged: its month keys are not a Lantern keyring's")
    if lost := sorted((set(periods.values()) | set(key_periods)) - set(keys)):
        months = sorted({key_periods.get(k, "?") for k in lost})
        raise KeysUnavailable(
            f"{path} is damaged: it names month key {', '.join(lost[:3])} "
            f"({', '.join(months[:3])}) but does not hold it; restore keys/ from its backup"
        )
    return Keyring(active, keys, periods, key_periods, destroyed)


def write_keyring(ring: Keyring, *, replace: bool = True) -> None:
    """Write the keyring file (atomically; with ``replace=False`` only if there is none yet)."""
    doc = {"active": ring.active_id, "keys": {k: _b64e(v) for k, v in ring.keys.items()}}
    if ring.key_periods or ring.destroyed:
        doc.update(periods=ring.periods, key_periods=ring.key_periods, destroyed=ring.destroyed)
    path = _keyring_path()
    if not replace:
        write_secret_file(path, json.dumps(doc, indent=2))  # FileExistsError if another won
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    write_secret_file(tmp, json.dumps(doc, indent=2))
    os.replace(tmp, path)


# What makes the first keys: ``privacy.keys`` registers its functions when the app is ready (the
# registry of key ids lives in the database, which this module does not touch).
_first_keys: dict = {}


def register_first_keys(*, data, index) -> None:
    _first_keys.update(data=data, index=index)


def _make_first(kind: str) -> None:
    if kind not in _first_keys:
        raise KeysUnavailable(f"there is no {kind} key yet, and nothing here may make one")
    _first_keys[kind]()


def load_keyring() -> Keyring:
    """Return the keyring. With no key file yet, ``privacy.keys`` makes the first key, but only
    for a database that holds no encrypted data; else KeysUnavailable."""
    global _keyring
    if _keyring is not None:
        return _keyring
    with _lock:
        if _keyring is None:
            ring = read_keyring()
            if ring is None:
                _make_first("data")
                ring = read_keyring()
            _keyring = ring
    return _keyring


def create_data_key(taken=(), *, first: bool, extend=None) -> str:
    """Write a new active key (the keyring's first when ``first``); return its id. ``extend``
    (``privacy.periods``) may add month keys to the new keyring before it is written. Callers
    register the new keys (``privacy.keys``)."""
    global _keyring
    if os.environ.get("LANTERN_DATA_KEYS"):
        raise RuntimeError(
            "keys come from LANTERN_DATA_KEYS: add the new key there (first = active)"
        )
    ring = Keyring("", {}) if first else read_keyring()
    key_id = new_key_id({*taken, *ring.keys})
    ring = Keyring(key_id, {**ring.keys, key_id: new_key_bytes()}, dict(ring.periods),
                   dict(ring.key_periods), dict(ring.destroyed))  # fmt: skip
    if extend is not None:
        ring = extend(ring, taken)
    try:
        write_keyring(ring, replace=not first)
    except FileExistsError:
        return read_keyring().active_id  # another process made the first key a moment ago
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
    return seal_with(ring, ring.active_id, plaintext, context)


def now() -> datetime:
    """The moment whose month picks a period key (tests move it)."""
    return datetime.now(UTC)


def period_of(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m}"


def encrypt_in_period(plaintext: str, context: str) -> str:
    """Seal under this month's key; under the active key when there is none (keys from
    ``LANTERN_DATA_KEYS``, a keyring from before period keys, or the months made ahead have run
    out: ``lantern doctor`` says so). A value is never left unencrypted for want of a key."""
    ring = load_keyring()
    key_id = ring.periods.get(period_of(now()), ring.active_id)
    return seal_with(ring, key_id, plaintext, context)


def seal_with(ring: Keyring, key_id: str, plaintext: str, context: str) -> str:
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = ring.cipher(key_id).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}:{key_id}:{_b64e(nonce + sealed)}"


def key_id_of(ciphertext: str) -> str:
    return ciphertext.split(":", 2)[1]


def decrypt(ciphertext: str, context: str) -> str:
    try:
        prefix, key_id, body = ciphertext.split(":", 2)
    except ValueError:
        raise DecryptionError("not a Lantern ciphertext") from None
    if prefix != PREFIX:
        raise DecryptionError(f"unknown ciphertext version {prefix!r}")
    ring = load_keyring()
    if key_id not in ring.keys and key_id not in ring.destroyed:
        # written under a key made since this process read the file (``lantern rotate_keys``
        # while the server runs, or another server's new month keys): read the file again
        reset_cache()
        ring = load_keyring()
    return open_with(ring, ciphertext, context)


def open_with(ring: Keyring, ciphertext: str, context: str) -> str:
    """Decrypt with the given keyring (the start-up checks, before one is cached)."""
    try:
        _prefix, key_id, body = ciphertext.split(":", 2)
        raw = _b64d(body)
    except ValueError:
        raise DecryptionError("not a Lantern ciphertext") from None
    try:
        plain = ring.cipher(key_id).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except DecryptionError:
        raise
    except Exception:
        raise DecryptionError("ciphertext does not authenticate") from None
    return plain.decode()


def index_key_path():
    return keys_dir() / "index_key"


def read_index_key() -> bytes | None:
    """The blind-index key, or None when no key file exists yet; never creates one."""
    where = "LANTERN_INDEX_KEY"
    text = os.environ.get("LANTERN_INDEX_KEY")
    if not text:
        where = str(index_key_path())
        try:
            text = index_key_path().read_text().strip()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise KeysUnavailable(f"{where} is unreadable ({exc.strerror})") from None
    try:
        raw = _b64d(text)
    except ValueError:
        raw = b""
    if len(raw) < 16:
        raise KeysUnavailable(f"the blind-index key in {where} is damaged")
    return raw


def create_index_key() -> None:
    secret = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    with contextlib.suppress(FileExistsError):  # another process created it first
        write_secret_file(index_key_path(), secret)


@lru_cache(maxsize=1)
def _index_key() -> bytes:
    key = read_index_key()
    if key is None:
        _make_first("index")
        key = read_index_key()
    return key


def blind_index(kind: str, normalized_value: str) -> str:
    """A keyed, deterministic token for equality lookups (``phone``, ``email``).

    Callers normalise first (E.164 phone, lower-cased email) so that equal values meet.
    """
    return index_with(_index_key(), kind, normalized_value)


def index_with(key: bytes, kind: str, normalized_value: str) -> str:
    digest = hmac.new(key, f"{kind}:{normalized_value}".encode(), hashlib.sha256)
    return digest.hexdigest()[:40]
