"""Outbound messages leave through the outbound queue (``lantern.outbox``) and the sender a
channel adapter registered.

``contacts`` records an outbound message as queued and, in the same transaction, queues it in
the outbox; a worker then calls the channel's sender, retrying with backoff. ``intake``
registers its senders when Django starts (``IntakeConfig.ready``), so ``contacts`` never imports
``intake`` (DESIGN.md, decision 0003). A message the outbox gives up on is marked failed, with
the reason, on its conversation.
"""

from __future__ import annotations

from collections.abc import Callable

from lantern.outbox import actions as outbox

Retry, GiveUp = outbox.Retry, outbox.GiveUp


def kind(channel: str) -> str:
    return f"message.{channel}"


def register(channel: str, sender: Callable, *, on_dead: Callable) -> None:
    """``sender(message_id, *, attempt)`` delivers one queued message and records what
    happened; it raises ``Retry`` (try later) or ``GiveUp`` (refused for good).
    ``on_dead(message_id, reason)`` records a message given up on: pass
    ``contacts.actions.message_not_sent`` (this module sits below the actions, which send
    through it)."""
    outbox.register(kind(channel), sender, on_dead=on_dead)


def can_send(channel: str) -> bool:
    return outbox.can_send(kind(channel))


def send_after_commit(channel: str, message_id) -> None:
    """Queue the message in the caller's transaction; it leaves once that commits."""
    outbox.enqueue(kind(channel), message_id)
