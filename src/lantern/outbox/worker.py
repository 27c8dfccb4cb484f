"""The outbound queue's worker: a thread that sends what is due, woken at once by a commit that
queued something in this process, and every ``LANTERN_OUTBOX_INTERVAL`` seconds (1) for retries
and for rows other processes queued. Several workers (server processes, ``lantern outbox``) share
the queue safely: rows are claimed under a lease (``outbox.actions.claim``)."""

from __future__ import annotations

import logging
import os
import threading

from django.db import close_old_connections

from lantern.outbox import actions

log = logging.getLogger("lantern.outbox")
INTERVAL = float(os.environ.get("LANTERN_OUTBOX_INTERVAL", "1"))


class Worker:
    def __init__(self, interval: float = INTERVAL):
        self.interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            actions.set_worker(self.kick)
            self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
            self._thread.start()

    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def kick(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                close_old_connections()
                while actions.run_once() and not self._stop.is_set():
                    pass
            except Exception:
                log.exception("outbox: a pass failed; the next one retries")


worker = Worker()
