"""The dispatcher: runs ``routing.engine.tick`` every half second, and at once when kicked
(``routing.kick``).

Each server process runs one in a background thread (started by ``lantern.asgi``). Ticks from
several processes take turns on a lock: an ``flock`` of ``<database>-dispatch.lock`` on SQLite,
an advisory lock on PostgreSQL; every step of a tick is idempotent anyway. A tick that fails is
logged and the next one retries: nothing is lost, because what waits for routing is in the
database (open contacts without a task, pending offers with their expiry).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading

from django.db import close_old_connections, connection

from lantern.core import locks
from lantern.routing import kick as kicking
from lantern.routing.engine import tick

log = logging.getLogger(__name__)
INTERVAL = float(os.environ.get("LANTERN_DISPATCH_INTERVAL", "0.5"))
# At most this often, however many kicks: under a burst of webhooks, kicks arriving during a pass
# are served together by the next one, and routing never crowds out the webhooks themselves.
MIN_GAP = 0.1
# its own key: the audit chain has another (lantern.core.locks)
_ADVISORY_KEY = [locks.NAMESPACE, locks.ROUTING_DISPATCH]


@contextlib.contextmanager
def turn():
    """This process's turn to dispatch (blocks while another process's tick runs)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", _ADVISORY_KEY)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", _ADVISORY_KEY)
        return
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        yield
        return
    fd = os.open(name + "-dispatch.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


class Dispatcher:
    def __init__(self, interval: float = INTERVAL):
        self.interval = interval
        self._wake = kicking.wake
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="routing", daemon=True)
            self._thread.start()

    def alive(self) -> bool:
        """Started and still running (/readyz)."""
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def kick(self) -> None:
        """Something arrived or changed: tick now rather than at the next interval."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                close_old_connections()
                with turn():
                    tick()
            except Exception:
                log.exception("routing: a dispatch failed; the next one retries")
            self._stop.wait(MIN_GAP)


dispatcher = Dispatcher()
