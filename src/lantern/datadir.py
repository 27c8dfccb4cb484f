"""Where Lantern keeps its state: the SQLite database, keys, logs and collected static files.

Everything lives under ``$LANTERN_DATA_DIR`` (default ``./var``). Secrets are generated on first
use with file mode 0600 unless they are given by environment, so a fresh checkout runs without
any manual set-up and a production deployment can inject its own.
"""

import base64
import contextlib
import os
import secrets
from pathlib import Path


def data_dir() -> Path:
    path = Path(os.environ.get("LANTERN_DATA_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
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
