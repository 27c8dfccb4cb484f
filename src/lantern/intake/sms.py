"""SMS through Twilio: incoming texts, STOP/START, the first automatic reply, sending replies.

A text is stored (``contacts.actions.do_receive_message``) before Twilio gets its answer; a
retried webhook (same ``MessageSid``) gets the same answer without a second message.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from twilio.twiml.messaging_response import MessagingResponse

from lantern.contacts import actions as contacts
from lantern.contacts import outbound
from lantern.contacts import queries as contact_queries
from lantern.core import commits, language
from lantern.core.phone import normalize_phone
from lantern.intake import messages, twilio
from lantern.intake.models import SmsOptOut
from lantern.privacy import crypto
from lantern.privacy.fields import reveal

log = logging.getLogger("lantern.intake")
# Twilio's standard opt-out and opt-in keywords (a whole message, any case)
STOP_WORDS = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"}
)
START_WORDS = frozenset({"start", "unstop", "optin"})
MAX_BODY = 1600
# Twilio's statuses for an outbound message -> ours (the rest change nothing)
STATUSES = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "undelivered": "undelivered",
    "failed": "failed",
}


EMPTY = str(MessagingResponse())  # no answer: the same TwiML every time


class BadWebhook(ValueError):
    """A signed request that still does not make sense (no sender, no id)."""


def _index(number: str) -> str:
    return crypto.blind_index("phone", number)


def _sender(params) -> str:
    raw = (params.get("From") or "").strip()
    if not raw:
        raise BadWebhook("From is missing")
    try:
        return normalize_phone(raw)
    except ValueError:
        return raw[:64]  # a short code or an alphanumeric sender: kept as Twilio gave it


def receive(params) -> MessagingResponse | str:
    """Handle one incoming-message webhook; returns the TwiML answer."""
    sid = (params.get("MessageSid") or params.get("SmsSid") or "").strip()
    if not sid:
        raise BadWebhook("MessageSid is missing")
    sender, hotline = _sender(params), (params.get("To") or "").strip()[:200]
    body = (params.get("Body") or "")[:MAX_BODY]
    try:
        media = max(0, min(int(params.get("NumMedia") or 0), 10))
    except ValueError:
        media = 0
    reply = _store(sid, sender, hotline, body, media)
    if not reply:
        return EMPTY
    response = MessagingResponse()
    response.message(reply)  # a retry gets the same answer
    return response


@commits.grouped
def _store(sid: str, sender: str, hotline: str, body: str, media: int) -> str:
    """Store the text and decide the automatic answer, in a transaction intake shares between
    concurrent webhooks (lantern.core.commits): it may run twice, the first run undone."""
    message, created = contacts.do_receive_message(
        channel="sms", hotline_address=hotline, participant=sender, body=body,
        provider_id=sid, media_count=media, detect_language=language.hint,
    )  # fmt: skip
    conversation = message.conversation
    # the person's first text in this conversation: the one that opened it
    first = message.created_at == conversation.opened_at
    keyword = body.strip().lower()
    contact = conversation.contact
    # what the person chose, else what their texts were guessed to be written in
    said = contact.language_hint if contact.language in ("", "en") else contact.language
    said = said or contact.language
    if keyword in STOP_WORDS:
        if created:
            _opt_out(hotline, sender)
        reply = messages.text("sms", "stopped", said)
    elif keyword in START_WORDS and (not created or _opt_in(hotline, sender)):
        reply = messages.text("sms", "started", said)
    elif first and not _opted_out(hotline, sender):
        reply = messages.text("sms", "first_reply", said)
    else:
        reply = ""
    if reply and created:
        # the answer goes back inline, in this response: recorded as sent
        contacts.do_send_message(conversation, reply, actor=None, answer_inline=True)
    return reply


def _opted_out(hotline: str, number: str) -> bool:
    return SmsOptOut.objects.filter(
        hotline_address=hotline, participant_index=_index(number)
    ).exists()


def _opt_out(hotline: str, number: str) -> None:
    try:
        with transaction.atomic():
            SmsOptOut.objects.get_or_create(
                hotline_address=hotline, participant_index=_index(number)
            )
    except IntegrityError:
        pass  # a concurrent STOP recorded it


def _opt_in(hotline: str, number: str) -> bool:
    deleted, _ = SmsOptOut.objects.filter(
        hotline_address=hotline, participant_index=_index(number)
    ).delete()
    return bool(deleted)


def status_callback(params) -> None:
    """Twilio tells us what happened to a message we sent."""
    message = contact_queries.message_by_provider_id((params.get("MessageSid") or "").strip())
    status = STATUSES.get((params.get("MessageStatus") or "").strip().lower())
    if message is None or status is None:
        return  # an inline reply we never had an id for, or an in-between status
    error = params.get("ErrorCode") or ""
    contacts.do_update_message_status(message, status, error=f"error {error}" if error else "")


def send_queued(message_id, *, attempt: int = 1) -> None:
    """The SMS channel's sender (``contacts.outbound``): one queued reply through the REST API.

    Run by the outbound queue's worker. A retry (``attempt`` > 1) first asks Twilio whether an
    earlier attempt went out (the worker may have died after Twilio took it): then it records
    that message instead of sending a second. Raises ``outbound.Retry`` when Twilio cannot be
    reached or is busy, ``outbound.GiveUp`` when it refuses the message for good."""
    message = contact_queries.message_for_sending(message_id)
    if message is None or message.status != "queued":
        return  # sent (or settled) already
    conversation = message.conversation
    to = reveal(conversation.participant) or ""
    body = reveal(message.body) or ""
    if _opted_out(conversation.hotline_address, to):
        contacts.do_update_message_status(message, "failed", error="the person texted STOP")
        return
    try:
        if attempt > 1:
            earlier = twilio.find_sent(
                to=to, from_=conversation.hotline_address, body=body, since=message.created_at,
                known=contact_queries.message_id_by_provider_id,
            )  # fmt: skip
            if earlier:
                sid, status = earlier
                contacts.do_update_message_status(
                    message, STATUSES.get(status, "sent"), provider_id=sid
                )
                return
        callback = ""
        if settings.PUBLIC_URL:
            callback = settings.PUBLIC_URL + reverse("intake:twilio_sms_status")
        sid, status = twilio.send_sms(
            to=to, from_=conversation.hotline_address, body=body, status_callback=callback
        )
    except twilio.SendFailed as exc:
        log.warning("sms reply %s not sent (attempt %d): %s", message.pk, attempt, exc)
        raise (outbound.GiveUp if exc.permanent else outbound.Retry)(str(exc)) from None
    contacts.do_update_message_status(message, STATUSES.get(status, "sent"), provider_id=sid)
