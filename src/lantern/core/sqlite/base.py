"""Django's SQLite backend, with one write transaction at a time, queued on a lock.

SQLite allows one writer. With ``transaction_mode: IMMEDIATE`` a second writer's ``BEGIN``
waits in SQLite's busy handler, which sleeps in steps of up to 100 ms: under a burst of webhooks
the waits, not the work, set the latency (bench/intake.py). Here writers queue on a lock instead
and start the moment the previous transaction ends: threads of one process on a thread lock, and
processes (``lantern serve --workers 2``, a management command beside the server) on an
exclusive ``flock`` of a file next to the database, which the kernel hands to the next waiter
as soon as it is released. SQLite's own locking stays underneath as the guarantee.

The wait is bounded (``LANTERN_SQLITE_LOCK_WAIT`` seconds, default 10, below the 15 s Twilio
waits for a webhook's answer): past it the transaction fails with ``WriteLockTimeout`` (a
``django.db.OperationalError``), which the API answers as a JSON 503 and a webhook as a 503 that
Twilio retries (``lantern.operations.errors``), instead of waiting for ever behind a writer that
never finishes.

In tests: a test wrapped in a transaction (pytest-django's ``db``) holds the lock for its whole
length, so a test in which another thread writes (an SMTP receiver) uses ``live_db``.
"""

import fcntl
import os
import threading
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base

LOCK_WAIT = float(os.environ.get("LANTERN_SQLITE_LOCK_WAIT", "10"))


class WriteLockTimeout(OperationalError):
    """Another writer held the database for longer than ``LOCK_WAIT``: try again later."""


def _flock_within(fd: int, deadline: float) -> bool:
    """An exclusive flock by ``deadline``. flock itself cannot time out: a blocked taker polls,
    in steps from 0.2 up to 5 ms (the lock is only contended between processes)."""
    step = 0.0002
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(step)
            step = min(step * 2, 0.005)


_write_lock = threading.Lock()
_files_lock = threading.Lock()
_lock_files: dict[str, int] = {}  # database path -> descriptor of its lock file, per process


def _lock_file(name) -> int | None:
    """The descriptor of ``<database>-writer.lock``; None for an in-memory database."""
    name = str(name)
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    if name not in _lock_files:
        _lock_files[name] = os.open(name + "-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    return _lock_files[name]


class DatabaseWrapper(base.DatabaseWrapper):
    _holds_write_lock = False

    def _start_transaction_under_autocommit(self):
        deadline = time.monotonic() + LOCK_WAIT
        if not _write_lock.acquire(timeout=LOCK_WAIT):
            raise WriteLockTimeout(f"database busy: no write lock within {LOCK_WAIT:g} s")
        fd = None
        locked = False
        try:
            with _files_lock:
                fd = _lock_file(self.settings_dict["NAME"])
            if fd is not None:
                locked = _flock_within(fd, deadline)
                if not locked:
                    raise WriteLockTimeout(
                        f"database busy: another process held the write lock over {LOCK_WAIT:g} s"
                    )
            super()._start_transaction_under_autocommit()
        except BaseException:
            if locked:
                fcntl.flock(fd, fcntl.LOCK_UN)
            _write_lock.release()
            raise
        self._holds_write_lock = fd if fd is not None else True

    def _release_write_lock(self):
        held, self._holds_write_lock = self._holds_write_lock, False
        if held is False:
            return
        if held is not True:
            fcntl.flock(held, fcntl.LOCK_UN)
        _write_lock.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_write_lock()
