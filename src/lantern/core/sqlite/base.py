"""Django's SQLite backend, with one write transaction at a time per process.

SQLite allows one writer. With ``transaction_mode: IMMEDIATE`` a second thread's ``BEGIN``
waits in SQLite's busy handler, which sleeps in steps of up to 100 ms: under a burst of webhooks
the waits, not the work, set the latency (bench/intake.py). Here threads of one process queue on
a lock instead and start the moment the previous transaction ends. Between processes SQLite's
own locking still applies.

In tests: a test wrapped in a transaction (pytest-django's ``db``) holds the lock for its whole
length, so a test in which another thread writes (an SMTP receiver) uses ``live_db``.
"""

import threading

from django.db.backends.sqlite3 import base

_write_lock = threading.Lock()


class DatabaseWrapper(base.DatabaseWrapper):
    _holds_write_lock = False

    def _start_transaction_under_autocommit(self):
        _write_lock.acquire()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            _write_lock.release()
            raise
        self._holds_write_lock = True

    def _release_write_lock(self):
        if self._holds_write_lock:
            self._holds_write_lock = False
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
