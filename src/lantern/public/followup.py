"""Coming back to a web tip with its receipt code."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from lantern.contacts import actions as contacts
from lantern.contacts import queries as contact_queries
from lantern.privacy import receipts


class TooManyAttempts(Exception):
    pass


def open_with_code(typed: str):
    """The conversation a receipt code opens, or None; raises TooManyAttempts under attack."""
    # No address is kept to limit per person, so the limit is global (and generous).
    if cache.get("receipt-failures", 0) >= settings.LANTERN_RECEIPT_FAILURES_PER_MINUTE:
        raise TooManyAttempts
    code = receipts.normalize(typed)
    conversation = (
        contact_queries.conversation_by_receipt(receipts.code_hash(code)) if code else None
    )
    if conversation is None and not cache.add("receipt-failures", 1, timeout=60):
        cache.incr("receipt-failures")
    return conversation


def make_available(message_id, *, attempt: int = 1) -> None:
    """The web form channel's sender: an answer is delivered when the tipster can read it."""
    message = contact_queries.message_for_sending(message_id)
    if message is not None and message.status == "queued":
        contacts.do_update_message_status(message, "sent")
