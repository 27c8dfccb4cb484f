"""Everything under LANTERN_DATA_DIR is for Lantern's user only (issue 16, item 11): files 0600,
folders 0700, whatever umask the shell had, through every entry point."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

LANTERN = str(Path(sys.executable).with_name("lantern"))
# the asgi entry point, with the database open and written: the WAL and its index exist now
AFTER_ASGI = """
import os, sys
import lantern.asgi  # noqa
from lantern.audit import actions
actions.record("system-test", "update", object_type="test")
from django.db import connection
for root, dirs, files in os.walk(sys.argv[1]):
    for name in dirs + files:
        path = os.path.join(root, name)
        print(oct(os.stat(path).st_mode & 0o777), os.path.relpath(path, sys.argv[1]))
"""


def _loose_umask():
    os.umask(0o022)


def test_database_wal_logs_and_folders_are_private(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "LANTERN_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)
    run = dict(env=env, capture_output=True, text=True, timeout=180, preexec_fn=_loose_umask)
    result = subprocess.run([LANTERN, "migrate", "--noinput"], **run)
    assert result.returncode == 0, result.stderr[-2000:]
    result = subprocess.run([sys.executable, "-c", AFTER_ASGI, str(data)], **run)
    assert result.returncode == 0, result.stderr[-2000:]
    listed = dict(reversed(line.split(" ", 1)) for line in result.stdout.splitlines())
    for name in ("lantern.sqlite3", "lantern.sqlite3-wal", "logs/lantern.log", "keys/secret_key"):
        assert name in listed, sorted(listed)
    loose = {name: mode for name, mode in listed.items() if int(mode, 8) & 0o077}
    assert not loose, loose
    assert stat.S_IMODE(data.stat().st_mode) == 0o700


def test_wsgi_entry_point_sets_the_umask(tmp_path):
    env = {**os.environ, "LANTERN_DATA_DIR": str(tmp_path)}
    code = "import os; import lantern.wsgi; print(oct(os.umask(0)))"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
        preexec_fn=_loose_umask,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "0o77"


def test_an_existing_open_data_folder_is_closed(tmp_path):
    tmp_path.chmod(0o755)
    env = {**os.environ, "LANTERN_DATA_DIR": str(tmp_path)}
    result = subprocess.run([LANTERN, "check"], env=env, capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o700
