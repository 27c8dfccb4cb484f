"""Backups and restores (``lantern backup OUTDIR``, ``lantern restore OUTDIR``).

A backup directory holds:

* ``lantern.sqlite3`` (SQLite's online backup API: a consistent copy while the server writes) or
  ``lantern.pgdump`` (``pg_dump --format=custom``, one consistent snapshot);
* ``keys.json`` (the data keys, the blind-index key and Django's secret key) or, with a
  passphrase, ``keys.json.enc`` (AES-256-GCM under a key derived from the passphrase with
  scrypt), so the database and its keys can be stored apart;
* ``manifest.json``: when, from which database, the key ids, the audit chain's length and each
  file's SHA-256 (no personal data).

A restore goes into an empty ``LANTERN_DATA_DIR`` (or the empty database ``DATABASE_URL``
names), checks each file's checksum first, and never overwrites a key or a database.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings
from django.db import connection

from lantern.audit import queries as audit_queries
from lantern.datadir import keys_dir, write_secret_file
from lantern.privacy import crypto

KEY_FILES = ("data-keys.json", "index_key", "secret_key")
SQLITE_FILE, PG_FILE = "lantern.sqlite3", "lantern.pgdump"
KEYS_PLAIN, KEYS_SEALED = "keys.json", "keys.json.enc"


class BackupError(Exception):
    """Why a backup or restore cannot go on (the message is for the operator)."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _kdf(salt: bytes) -> Scrypt:
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1)


def seal_keys(doc: dict, passphrase: str) -> bytes:
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    key = _kdf(salt).derive(passphrase.encode())
    sealed = AESGCM(key).encrypt(nonce, json.dumps(doc).encode(), b"lantern-backup-keys")
    wrapper = {"v": 1, "kdf": "scrypt", "salt": salt.hex(), "nonce": nonce.hex()}
    wrapper["ciphertext"] = base64.b64encode(sealed).decode()
    return json.dumps(wrapper).encode()


def open_keys(blob: bytes, passphrase: str) -> dict:
    try:
        wrapper = json.loads(blob)
        key = _kdf(bytes.fromhex(wrapper["salt"])).derive(passphrase.encode())
        plain = AESGCM(key).decrypt(
            bytes.fromhex(wrapper["nonce"]),
            base64.b64decode(wrapper["ciphertext"]),
            b"lantern-backup-keys",
        )
    except Exception:  # noqa: BLE001 - wrong passphrase or a damaged file: one answer
        raise BackupError(f"{KEYS_SEALED}: wrong passphrase, or the file is damaged") from None
    return json.loads(plain)


def _current_keys() -> dict:
    """The key files as they are (from files, or from the environment when set there)."""
    doc = {}
    env = {"data-keys.json": None, "index_key": "LANTERN_INDEX_KEY", "secret_key": None}
    if os.environ.get("LANTERN_DATA_KEYS"):
        ring = crypto.read_keyring()
        keys = {k: crypto._b64e(v) for k, v in ring.keys.items()}
        doc["data-keys.json"] = json.dumps({"active": ring.active_id, "keys": keys}, indent=2)
    for name in KEY_FILES:
        if name in doc:
            continue
        if env.get(name) and os.environ.get(env[name]):
            doc[name] = os.environ[env[name]]
            continue
        if name == "secret_key" and os.environ.get("LANTERN_SECRET_KEY"):
            doc[name] = os.environ["LANTERN_SECRET_KEY"]
            continue
        path = keys_dir() / name
        if path.exists():
            doc[name] = path.read_text()
    if "data-keys.json" not in doc:
        raise BackupError("there are no data keys to back up (keys/data-keys.json is missing)")
    return doc


def backup(outdir: Path, *, passphrase: str = "") -> dict:
    """Write a backup into ``outdir`` (new or empty); returns the manifest."""
    outdir.mkdir(parents=True, exist_ok=True)
    if any(outdir.iterdir()):
        raise BackupError(f"{outdir} is not empty: back up into a new directory")
    os.chmod(outdir, 0o700)
    keys = _current_keys()
    if connection.vendor == "sqlite":
        target = outdir / SQLITE_FILE
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        copy = sqlite3.connect(str(target))
        try:
            with copy:
                source.backup(copy, pages=4096)  # steps: the server's writers are not held up
        finally:
            copy.close()
            source.close()
        os.chmod(target, 0o600)
    elif connection.vendor == "postgresql":
        target = outdir / PG_FILE
        _run_pg("pg_dump", "--format=custom", "--no-owner", f"--file={target}")
        os.chmod(target, 0o600)
    else:
        raise BackupError(f"backups of {connection.vendor} are not supported")
    if passphrase:
        keys_file = outdir / KEYS_SEALED
        keys_file.write_bytes(seal_keys(keys, passphrase))
    else:
        keys_file = outdir / KEYS_PLAIN
        keys_file.write_text(json.dumps(keys, indent=2))
    os.chmod(keys_file, 0o600)
    ring = json.loads(keys["data-keys.json"])
    manifest = {
        "lantern_backup": 1,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "key_ids": sorted(ring["keys"]),
        "keys_sealed": bool(passphrase),
        "audit_entries": audit_queries.chain_length(),
        "files": {p.name: _sha256(p) for p in (target, keys_file)},
    }
    (outdir / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def _pg_env() -> dict:
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGUSER": db.get("USER") or "",
           "PGHOST": db.get("HOST") or "", "PGPORT": str(db.get("PORT") or "")}  # fmt: skip
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return {k: v for k, v in env.items() if v != ""}


def _run_pg(tool: str, *args: str) -> None:
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    result = subprocess.run(  # noqa: S603 - fixed tool, arguments from our own settings
        [tool, *args], env=_pg_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()[-500:]}")


def restore(indir: Path, *, passphrase: str = "") -> dict:
    """Restore a backup into an empty data directory / database; returns the manifest."""
    try:
        manifest = json.loads((indir / "manifest.json").read_text())
    except (OSError, ValueError):
        raise BackupError(f"{indir} has no readable manifest.json: not a Lantern backup") from None
    for name, digest in manifest["files"].items():
        path = indir / name
        if not path.exists() or _sha256(path) != digest:
            raise BackupError(f"{path} is missing or damaged (its checksum does not match)")
    if manifest["keys_sealed"]:
        if not passphrase:
            raise BackupError("the keys in this backup are sealed: give the passphrase")
        keys = open_keys((indir / KEYS_SEALED).read_bytes(), passphrase)
    else:
        keys = json.loads((indir / KEYS_PLAIN).read_text())
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"this is a {manifest['database']} backup and the configured database is "
            f"{connection.vendor} (set DATABASE_URL, or lantern copy_database afterwards)"
        )
    # Django's secret key is made at start-up (this command's too) and only signs sessions
    existing = [n for n in KEY_FILES if n != "secret_key" and (keys_dir() / n).exists()]
    if existing:
        raise BackupError(
            f"{keys_dir()} already holds {', '.join(existing)}: restore into an empty "
            "LANTERN_DATA_DIR, never over live keys"
        )
    if connection.introspection.table_names():
        raise BackupError("the target database is not empty: restore into an empty database")
    if connection.vendor == "sqlite":
        target = Path(settings.DATABASES["default"]["NAME"])
        connection.close()
        source = sqlite3.connect(str(indir / SQLITE_FILE))
        copy = sqlite3.connect(str(target))
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        os.chmod(target, 0o600)
    else:
        connection.close()
        database = _pg_env()["PGDATABASE"]
        _run_pg("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={database}",
                str(indir / PG_FILE))  # fmt: skip
    for name, content in keys.items():
        if name in KEY_FILES:
            path = keys_dir() / name
            if name == "secret_key" and path.exists():
                path.unlink()
            write_secret_file(path, content)
    crypto.reset_cache()
    return manifest
