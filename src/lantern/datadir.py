"""Where Lantern keeps its state: the SQLite database, keys, logs and collected static files.

Everything lives under ``$LANTERN_DATA_DIR`` (default ``./var``). Secrets are generated on first
use with file mode 0600 unless they are given by environment, so a fresh checkout runs without
any manual set-up and a production deployment can inject its own.

Everything Lantern creates there is for its own user only (files 0600, folders 0700): every entry
point (``lantern``, ``lantern.asgi``, ``lantern.wsgi``, the settings) calls ``private_umask``
first, so the database, its WAL and shared-memory files, the logs and the keys are created that
way by SQLite and the logging modules too, and the data folder itself loses any access for others.
"""

import base64
import contextlib
import os
import secrets
from pathlib import Path

PRIVATE_UMASK = 0o077


def private_umask() -> None:
    """New files 0600 and folders 0700, whatever the shell's umask was."""
    os.umask(PRIVATE_UMASK)


def data_dir() -> Path:
    private_umask()
    path = Path(os.environ.get("LANTERN_DATA_DIR", "var")).resolve()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # a folder made by someone else keeps its mode
        if path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
            path.chmod(0o700)  # made before this version, or by a hand with umask 022
    return path


def keys_dir() -> Path:
    path = data_dir() / "keys"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def write_secret_file(path: Path, content: str) -> None:
    """Create ``path`` with mode 0600 atomically; never overwrite an existing key."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(content)


def read_or_create_secret(name: str, env_var: str, nbytes: int = 32) -> str:
    """Return a secret from ``env_var`` or from ``keys/<name>``, generating the file if needed."""
    if value := os.environ.get(env_var):
        return value
    path = keys_dir() / name
    if not path.exists():
        secret = base64.urlsafe_b64encode(secrets.token_bytes(nbytes)).decode()
        with contextlib.suppress(FileExistsError):  # another process created it first
            write_secret_file(path, secret)
    return path.read_text().strip()
