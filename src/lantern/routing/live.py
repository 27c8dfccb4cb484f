"""Telling open consoles that routing changed: the supervisor board and an advocate's offers.

Messages carry no personal data, only "look again": each console renders what its user may see
(``console.live``). They are sent after the transaction commits, and coalesced: a notifier
thread sends each changed group once per ``COALESCE`` seconds, so a burst of five hundred new
contacts is one message to the board, and neither a request nor the dispatcher waits for the
channel layer.
"""

from __future__ import annotations

import logging
import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

BOARD = "routing.board"
COALESCE = 0.1  # seconds
log = logging.getLogger(__name__)

_lock = threading.Lock()
_dirty: set[str] = set()
_wake = threading.Event()
_thread: threading.Thread | None = None


def advocate_group(user_id) -> str:
    return f"routing.advocate.{user_id}"


def changed(*advocate_ids) -> None:
    """After this transaction commits: the board, and these advocates' offer panels, look again."""
    groups = {BOARD, *(advocate_group(a) for a in advocate_ids if a)}
    transaction.on_commit(lambda: _mark(groups))


def _mark(groups: set[str]) -> None:
    global _thread
    with _lock:
        _dirty.update(groups)
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_notifier, name="routing-live", daemon=True)
            _thread.start()
    _wake.set()


def _notifier() -> None:
    while True:
        _wake.wait()
        _wake.clear()
        threading.Event().wait(COALESCE)  # let the rest of a burst arrive
        with _lock:
            groups = set(_dirty)
            _dirty.clear()
        if groups:
            flush(groups)


def flush(groups) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for group in groups:
        try:
            async_to_sync(layer.group_send)(group, {"type": "routing.changed"})
        except Exception:  # a console that misses one update gets the next, or its timer
            log.warning("routing: could not notify %s", group, exc_info=True)
