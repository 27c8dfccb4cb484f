"""Coming back to a web tip with its receipt code."""

from __future__ import annotations

from lantern.contacts import actions as contacts
from lantern.contacts import queries as contact_queries
from lantern.core import pow
from lantern.privacy import receipts


def open_with_code(typed: str):
    """The conversation a receipt code opens, or None.

    Never refused for load: with no address to limit per person, a site-wide lock would let one
    guesser keep every tipster out (issue 16). A wrong code instead raises the proof of work the
    next tries cost, everyone's (``lantern.core.pow``); a right one always opens."""
    code = receipts.normalize(typed)
    conversation = (
        contact_queries.conversation_by_receipt(receipts.code_hash(code)) if code else None
    )
    if conversation is None:
        pow.count(pow.RECEIPT)
    return conversation


def make_available(message_id, *, attempt: int = 1) -> None:
    """The web form channel's sender: an answer is delivered when the tipster can read it."""
    message = contact_queries.message_for_sending(message_id)
    if message is not None and message.status == "queued":
        contacts.do_update_message_status(message, "sent")
