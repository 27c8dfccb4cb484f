"""What routing tells a person on its own, through the channel adapters (``intake``), which
register the senders when Django starts, as they do for ``contacts.outbound``.

Today: ``after_hours``, for a non-urgent text, chat or email queued while its queue is closed.
A notice is written after the task is stored, as a reply of the conversation: the outbound queue
sends it (decision 0010), so a slow provider never holds up the dispatcher (a crisis may be
waiting behind it). It used to be sent on a thread of its own with its own database connection,
which at 300 texts a second after hours cost more than routing them (bench/intake.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

log = logging.getLogger(__name__)
_senders: dict[str, Callable] = {}


def register(kind: str, sender: Callable) -> None:
    """``sender(task_id)`` sends the ``kind`` notice for one task."""
    _senders[kind] = sender


def send_after_commit(kind: str, task_id) -> None:
    sender = _senders.get(kind)
    if sender is not None:
        transaction.on_commit(lambda: _send(sender, task_id, kind))


def _send(sender, task_id, kind) -> None:
    try:
        sender(task_id)
    except Exception:  # the task is queued whatever happens to its notice
        log.exception("routing: the %s notice for task %s failed", kind, task_id)
