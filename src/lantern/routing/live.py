"""Telling open consoles that routing changed: the supervisor board and an advocate's offers.

Messages go through the channel layer after the transaction commits. They carry no personal
data, only "look again": each console renders what its user may see (``console.live``).
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

BOARD = "routing.board"
log = logging.getLogger(__name__)


def advocate_group(user_id) -> str:
    return f"routing.advocate.{user_id}"


def _send(group: str) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": "routing.changed"})
    except Exception:  # a console that misses one update gets the next, or reloads
        log.warning("routing: could not notify %s", group, exc_info=True)


def changed(*advocate_ids) -> None:
    """After this transaction commits: the board, and these advocates' offer panels, look again."""
    groups = {BOARD, *(advocate_group(a) for a in advocate_ids if a)}
    for group in groups:
        transaction.on_commit(lambda g=group: _send(g))
