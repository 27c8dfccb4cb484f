"""What routing tells a person on its own, through the channel adapters (``intake``), which
register the senders when Django starts, as they do for ``contacts.outbound``.

Today: ``after_hours``, for a non-urgent text, chat or email queued while its queue is closed.
A notice is sent on a thread of its own after the task is stored: a slow provider never holds
up the dispatcher (a crisis may be waiting behind it).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import connection, transaction

log = logging.getLogger(__name__)
_senders: dict[str, Callable] = {}


def register(kind: str, sender: Callable) -> None:
    """``sender(task_id)`` sends the ``kind`` notice for one task."""
    _senders[kind] = sender


def send_after_commit(kind: str, task_id) -> None:
    sender = _senders.get(kind)
    if sender is not None:
        transaction.on_commit(lambda: _start(sender, task_id, kind))


def _start(sender, task_id, kind) -> None:
    def run():
        try:
            sender(task_id)
        except Exception:
            log.exception("routing: the %s notice for task %s failed", kind, task_id)
        finally:
            connection.close()

    threading.Thread(target=run, name=f"notice-{kind}", daemon=True).start()
