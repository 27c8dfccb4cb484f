"""Moving a running SQLite hotline to PostgreSQL (issue 20 part 6): ``lantern copy_database --to``
an empty PostgreSQL database copies every table, keeps the ciphertext readable with the same
keys and the audit chain valid, and the hotline then runs on it. Needs a PostgreSQL server: the
CI's (``DATABASE_URL``), or ``LANTERN_TEST_POSTGRES`` (any database on the server to connect
to); skipped without one."""

from __future__ import annotations

import os
import secrets
import subprocess

import dj_database_url
import psycopg
import pytest

from tests.browser.conftest import LANTERN, LiveLantern

SERVER = os.environ.get("LANTERN_TEST_POSTGRES") or (
    os.environ.get("DATABASE_URL", "") if os.environ.get("DATABASE_URL", "").startswith("postgres")
    else ""
)  # fmt: skip
pytestmark = pytest.mark.skipif(not SERVER, reason="needs a PostgreSQL server")


def _lantern(env, *args, check=True):
    result = subprocess.run([LANTERN, *args], env=env, capture_output=True, text=True,
                            timeout=300)  # fmt: skip
    if check:
        assert result.returncode == 0, result.stderr[-2000:]
    return result


@pytest.fixture
def empty_database():
    """A new, empty database on the test server; dropped afterwards."""
    config = dj_database_url.parse(SERVER)
    name = f"lantern_copy_{secrets.token_hex(4)}"
    admin = {"host": config["HOST"] or None, "port": config["PORT"] or None,
             "user": config["USER"] or None, "password": config["PASSWORD"] or None,
             "dbname": "postgres", "autocommit": True}  # fmt: skip (the maintenance database)
    with psycopg.connect(**admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = SERVER.rsplit("/", 1)[0] + "/" + name
    yield url
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_sqlite_hotline_moves_to_postgresql_and_runs_there(tmp_path, empty_database):
    live = LiveLantern(tmp_path / "hotline", twilio_api="http://127.0.0.1:9")
    (tmp_path / "hotline").mkdir()
    live.start()
    try:
        created = live.api_post(
            "/contacts",
            {"channel": "phone", "call_types": ["tip"],
             "caller": {"name": "Synthetic Moving Caller", "phone": "+1 202 555 0177"},
             "summary": "Synthetic summary that moves to PostgreSQL."},
        )  # fmt: skip
        live.api_post("/contacts", {"channel": "sms", "call_types": ["general_info"]})
    finally:
        live.stop()  # the hotline is stopped for the move
    source = live.env
    bad = _lantern(source, "copy_database", "--to", "sqlite:////tmp/other.sqlite3", check=False)
    assert bad.returncode != 0 and "PostgreSQL" in bad.stderr
    out = _lantern(source, "copy_database", "--to", empty_database)
    assert "the audit chain verifies on the target" in out.stdout
    again = _lantern(source, "copy_database", "--to", empty_database, check=False)
    assert again.returncode != 0 and "not empty" in again.stderr

    moved = {**source, "DATABASE_URL": empty_database}
    assert "intact" in _lantern(moved, "verify_audit").stdout
    read = _lantern(
        moved, "shell", "-c",
        "from lantern.contacts.models import Contact\n"
        "from lantern.audit import actions\n"
        "from lantern.audit.queries import verify_chain\n"
        f"c = Contact.objects.get(pk='{created['id']}')\n"
        "print(c.caller_name.reveal(), '|', c.summary.reveal(), '|', Contact.objects.count())\n"
        "actions.record('copy-test', 'update', c, changes={'note': 'after the move'})\n"
        "print('chain ok' if verify_chain().ok else 'chain broken')",
    )  # fmt: skip
    expected = "Synthetic Moving Caller | Synthetic summary that moves to PostgreSQL. | 2"
    assert expected in read.stdout
    assert "chain ok" in read.stdout  # new entries link on (ids continue after the copied ones)
