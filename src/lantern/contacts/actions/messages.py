"""Messages out: an advocate's (or an automatic) reply queued for the outbound queue, and what
the provider reports about it afterwards."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.contacts import outbound, queries, sql
from lantern.contacts.actions.records import INTAKE, MAX_MESSAGE
from lantern.contacts.choices import (
    MessageDirectionChoices,
    MessageStatusChoices,
)
from lantern.contacts.exceptions import ContactValidationError
from lantern.contacts.models import (
    Conversation,
    Message,
)
from lantern.core import coerce, rows


def _add_message(message: Message) -> None:
    """Store a message and move its conversation's ``last_message_at`` to it."""
    rows.insert(message)
    rows.execute(
        sql.SET_LAST_MESSAGE_AT,
        [
            rows.db_value(Conversation, "last_message_at", message.created_at),
            rows.db_value(Conversation, "id", message.conversation_id),
        ],
    )


def do_send_message(
    conversation: Conversation, body: str, *, actor, answer_inline: bool = False
) -> Message:
    """An advocate's reply (or an automatic one, ``actor`` None): stored as queued, handed to
    the channel's sender after commit. ``answer_inline``: the adapter puts it in its own answer
    to the provider (a TwiML ``<Message>``), so it is recorded as sent and nothing else sends it.
    """
    # None: an automatic reply
    rules.require(actor, "edit_contact", conversation.contact, system=True)
    body = (body or "").strip()
    if not body:
        raise ContactValidationError({"body": "write a message first"})
    try:
        coerce.check_text(body)
    except coerce.Invalid as exc:
        raise ContactValidationError({"body": str(exc)}) from None
    if len(body) > MAX_MESSAGE:
        raise ContactValidationError({"body": f"at most {MAX_MESSAGE} characters"})
    if not answer_inline and not outbound.can_send(conversation.channel):
        raise ContactValidationError({"body": f"replies cannot be sent on {conversation.channel}"})
    with transaction.atomic():
        message = Message(
            conversation=conversation,
            direction=MessageDirectionChoices.OUTBOUND,
            body=body,
            status=MessageStatusChoices.SENT if answer_inline else MessageStatusChoices.QUEUED,
            sent_by=actor,
        )
        _add_message(message)
        audit.record(actor or INTAKE, Audit.CREATE, message, changes={"direction": "outbound"})
        if not answer_inline:
            outbound.send_after_commit(conversation.channel, message.pk)
    return message


# A message's status only moves forward; a late "sent" callback never undoes "delivered".
_STATUS_ORDER = {
    MessageStatusChoices.QUEUED: 0,
    MessageStatusChoices.SENT: 1,
    MessageStatusChoices.UNDELIVERED: 2,
    MessageStatusChoices.FAILED: 2,
    MessageStatusChoices.DELIVERED: 3,
    MessageStatusChoices.READ: 4,
}


def message_not_sent(message_id, reason: str) -> None:
    """The outbox gave up on a queued message (``outbound.register``'s ``on_dead``): it is
    marked failed, with the reason, on its conversation."""
    message = queries.message_for_sending(message_id)
    if message is not None:
        do_update_message_status(message, "failed", error=f"not sent: {reason}")


def do_update_message_status(
    message: Message, status: str, *, provider_id: str = "", error: str = ""
) -> bool:
    """Record what the provider says happened to an outbound message. Returns False when it
    changes nothing (a repeated or out-of-order callback)."""
    if _STATUS_ORDER.get(status, -1) <= _STATUS_ORDER.get(message.status, -1):
        return False
    message.status = status
    message.error = error[:200]
    if provider_id and not message.provider_id:
        message.provider_id = provider_id
    with transaction.atomic():
        message.save(update_fields=["status", "error", "provider_id"])
        audit.record(INTAKE, Audit.UPDATE, message, changes={"status": status})
    return True


def do_shred_conversations(conversation_ids) -> int:
    """Remove every message body and the participant (address, blind index) of these closed
    conversations; the contact and its counts stay. Returns how many were shredded now."""
    with transaction.atomic():
        ids = list(
            Conversation.objects.filter(
                pk__in=conversation_ids, shredded_at__isnull=True
            ).values_list("pk", flat=True)
        )
        Message.objects.filter(conversation_id__in=ids).update(body=None)
        return Conversation.objects.filter(pk__in=ids).update(
            participant=None, participant_index="", shredded_at=timezone.now()
        )


def do_delete_attachments(attachments) -> int:
    """Delete these attachments (name and bytes); the message says it had them. Retention."""
    from lantern.contacts.models import Attachment

    return Attachment.objects.filter(pk__in=attachments).delete()[1].get("contacts.Attachment", 0)
