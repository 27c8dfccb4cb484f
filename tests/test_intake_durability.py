"""No lost contact: SIGKILL ``lantern serve`` while signed Twilio webhooks pour in, restart it,
replay what got no answer as Twilio would, and every answered MessageSid is stored exactly
once. The full-size run (2,000 webhooks at concurrency 32) is ``bench/intake.py --kill``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "intake.py"


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="runs lantern serve on SQLite; the SQLite pass runs it",
)
@pytest.mark.parametrize("workers", [1, 2])  # 2: processes sharing SQLite through its lock file
def test_killing_the_server_loses_and_doubles_nothing(workers):
    result = subprocess.run(  # noqa: S603 (our own benchmark script)
        [
            sys.executable,
            str(BENCH),
            "--kill",
            "--messages",
            "400",
            "--concurrency",
            "16",
            "--workers",
            str(workers),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "answered but not stored: 0" in result.stdout
    assert "every answered MessageSid is stored exactly once" in result.stdout
    replayed = [line for line in result.stdout.splitlines() if "replayed" in line][0]
    assert "0 failed" in replayed and "0 missing" in replayed and "0 stored twice" in replayed
    unanswered = int(replayed.split("replayed ")[1].split(" unanswered")[0].replace(",", ""))
    assert unanswered > 0  # the kill really cut requests off mid-way


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="runs lantern serve on SQLite; the SQLite pass runs it",
)
def test_serving_with_two_workers_warns_that_chat_needs_redis(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "LANTERN_DATA_DIR": str(tmp_path)}
    env.pop("LANTERN_REDIS_URL", None)
    lantern = str(Path(sys.executable).with_name("lantern"))
    server = subprocess.Popen(  # noqa: S603 (our own command)
        [lantern, "serve", "--no-migrate", "--workers", "2", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        first = server.stderr.readline()
    finally:
        os.killpg(server.pid, 15)
        server.communicate(timeout=30)
    assert "live chat needs LANTERN_REDIS_URL" in first and "2 worker processes" in first
