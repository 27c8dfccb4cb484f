"""The dispatcher: runs ``routing.engine.tick`` every half second, and at once when kicked
(``routing.kick``).

Each server process runs one in a background thread (started by ``lantern.asgi``), but only one
process of the whole hotline dispatches: the **leader**, elected by a lock it holds for as long
as it lives (a PostgreSQL session advisory lock on a connection of its own, or an ``flock`` of
``<database>-dispatch.lock`` beside an SQLite database). The others stand by and try again every
``STANDBY_RETRY`` seconds; when the leader's process dies, its lock goes with it and one of them
takes over. A contact that arrives on another server waits at most one interval for the
leader's next pass. Every step of a tick is idempotent anyway. A tick that fails is logged and
the next one retries: nothing is lost, because what waits for routing is in the database (open
contacts without a task, pending offers with their expiry).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time

from django.db import close_old_connections, connection

from lantern.core import locks
from lantern.routing import kick as kicking
from lantern.routing import sql
from lantern.routing.engine import tick

log = logging.getLogger(__name__)
INTERVAL = float(os.environ.get("LANTERN_DISPATCH_INTERVAL", "0.5"))
# At most this often, however many kicks: under a burst of webhooks, kicks arriving during a pass
# are served together by the next one, and routing never crowds out the webhooks themselves.
MIN_GAP = 0.1
# its own key: the audit chain has another (lantern.core.locks)
_ADVISORY_KEY = [locks.NAMESPACE, locks.ROUTING_DISPATCH]


STANDBY_RETRY = 2.0  # seconds between a standing-by process's tries to become the leader


class Leadership:
    """Whether this process is the hotline's one dispatcher (see the module's docstring)."""

    def __init__(self):
        self._conn = None  # PostgreSQL: the connection that holds the session lock
        self._fd: int | None = None  # SQLite: the file descriptor that holds the flock
        self._next_try = 0.0

    def held(self) -> bool:
        """True while this process leads; tries to become the leader when it may."""
        if self._conn is not None or self._fd is not None:
            if self._still_held():
                return True
            self.release()
        if time.monotonic() < self._next_try:
            return False
        self._next_try = time.monotonic() + STANDBY_RETRY
        return self._acquire()

    def _still_held(self) -> bool:
        if self._fd is not None:
            return True
        try:
            self._conn.execute(sql.STILL_CONNECTED)
        except Exception:  # the connection (and with it the lock) is gone
            log.warning("routing: lost the dispatcher's lock; another process takes over")
            return False
        return True

    def _acquire(self) -> bool:
        if connection.vendor == "postgresql":
            conn = connection.get_new_connection(connection.get_connection_params())
            conn.autocommit = True
            got = conn.execute(sql.TRY_LEAD, _ADVISORY_KEY).fetchone()
            if got and got[0]:
                self._conn = conn
                log.info("routing: this process is the dispatcher")
                return True
            conn.close()
            return False
        name = str(connection.settings_dict["NAME"])
        if not name or name == ":memory:" or name.startswith("file:"):
            self._fd = -1  # an in-memory database belongs to this process alone
            return True
        fd = os.open(name + "-dispatch.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None
        if self._fd is not None:
            if self._fd >= 0:
                os.close(self._fd)  # releases the flock
            self._fd = None


class Dispatcher:
    def __init__(self, interval: float = INTERVAL):
        self.interval = interval
        self.leadership = Leadership()
        self._wake = kicking.wake
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._timers_due = 0.0

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
                if self.leadership.held():
                    # a kick (something arrived) routes it at once; the clock's steps over
                    # every open task run once per interval
                    timers = time.monotonic() >= self._timers_due
                    tick(timers=timers)
                    if timers:
                        self._timers_due = time.monotonic() + self.interval
            except Exception:
                log.exception("routing: a dispatch failed; the next one retries")
            self._stop.wait(MIN_GAP)
        self.leadership.release()


dispatcher = Dispatcher()
