"""Outbound messages leave through the sender that a channel adapter registered.

``contacts`` records an outbound message as queued; after the transaction commits it calls the
channel's sender with the message id. ``intake`` registers its senders when Django starts
(``IntakeConfig.ready``), so ``contacts`` never imports ``intake`` (DESIGN.md, decision 0003).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

_senders: dict[str, Callable] = {}


def register(channel: str, sender: Callable) -> None:
    """``sender(message_id)`` delivers one queued message and records what happened."""
    _senders[channel] = sender


def can_send(channel: str) -> bool:
    return channel in _senders


def send_after_commit(channel: str, message_id) -> None:
    sender = _senders.get(channel)
    if sender is None:
        raise LookupError(f"no sender for the {channel} channel")
    transaction.on_commit(lambda: sender(message_id))
