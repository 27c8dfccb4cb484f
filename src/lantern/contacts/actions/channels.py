"""What arrives through the channels: calls, texts, emails, web tips and chats, each stored as
an open contact (with its conversation) before anything else happens."""

from __future__ import annotations

import base64

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.contacts import queries, sql
from lantern.contacts.actions.messages import _add_message
from lantern.contacts.actions.records import GUESS_LANGUAGE_FROM, INTAKE, _apply
from lantern.contacts.choices import (
    ContactChannelChoices,
    ContactStatusChoices,
    ConversationStateChoices,
    MessageDirectionChoices,
    MessageStatusChoices,
    TipUrgencyChoices,
    VenueChoices,
    YesNoUnknownChoices,
)
from lantern.contacts.definitions import active_form
from lantern.contacts.exceptions import ContactValidationError, DuplicateSubmission
from lantern.contacts.models import (
    HAS_PROVIDER_ID,
    Attachment,
    Contact,
    Conversation,
    Message,
)
from lantern.core import rows
from lantern.privacy import crypto


def _new_open_contact(
    channel: str,
    *,
    received_at,
    urgent: bool = False,
    language: str = "",
    provider_id: str = "",
    phone: str = "",
    email: str = "",
    language_hint: str = "",
) -> Contact:
    contact = Contact(
        form_version=active_form(),
        channel=channel,
        status=ContactStatusChoices.OPEN,
        received_at=received_at,
        urgent=urgent,
        provider_id=provider_id,
        language_hint=language_hint,
    )
    if language:
        contact.language = language
    _apply(contact, {"caller_phone": phone or "", "caller_email": email or ""})
    contact.save(force_insert=True)
    audit.record(
        INTAKE,
        Audit.CREATE,
        contact,
        changes={"channel": channel, "status": contact.status, "urgent": urgent},
    )
    return contact


def do_receive_call(
    *, provider_id: str, caller: str = "", received_at=None
) -> tuple[Contact, bool]:
    """A phone call arriving (Twilio CallSid as ``provider_id``): an open contact, once.

    Returns ``(contact, created)``; a retried webhook gets the same contact and ``False``.
    """
    if not provider_id:
        raise ContactValidationError({"provider_id": "a call needs the provider's call id"})
    existing = Contact.objects.filter(HAS_PROVIDER_ID, provider_id=provider_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            contact = _new_open_contact(
                ContactChannelChoices.PHONE,
                received_at=received_at or timezone.now(),
                provider_id=provider_id,
                phone=caller,
            )
    except IntegrityError:  # the same call id stored by a concurrent retry: that one stands
        return Contact.objects.filter(HAS_PROVIDER_ID).get(provider_id=provider_id), False
    return contact, True


def do_note_call_progress(
    contact: Contact,
    *,
    language: str = "",
    interpreter: bool = False,
    urgent: bool | None = None,
    ended_at=None,
    reason: str = "",
) -> Contact:
    """What the caller chose in the phone menu, or that the call ended. Urgency only rises."""
    changes = {}
    if language and language != contact.language:
        contact.language = changes["language"] = language
    if interpreter and not contact.interpreter_used:
        contact.interpreter_used = changes["interpreter_used"] = True
    if urgent and not contact.urgent:
        contact.urgent = changes["urgent"] = True
    if ended_at is not None and contact.ended_at is None:
        contact.ended_at = ended_at
        changes["ended_at"] = ended_at.isoformat()
    if changes:
        with transaction.atomic():
            contact.save(update_fields=[*(k for k in changes), "updated_at"])
            audit.record(INTAKE, Audit.UPDATE, contact, changes=changes, reason=reason)
    return contact


def do_receive_message(
    *,
    channel: str,
    hotline_address: str,
    participant: str,
    body: str,
    provider_id: str = "",
    media_count: int = 0,
    received_at=None,
    contact: Contact | None = None,
    detect_language=None,
    attachments: tuple = (),
    thread_ids: tuple = (),
) -> tuple[Message, bool]:
    """Store one message from a person on a text channel, threading it into their open
    conversation (or opening a contact and a conversation for it).

    ``participant`` is their phone number (E.164) or email address, "" when anonymous.
    ``contact``: the message belongs to this contact (a voicemail left during its call).
    ``detect_language``: a function guessing a text's language (BCP 47, or ""); it runs on a
    person's first ``GUESS_LANGUAGE_FROM`` texts while the contact has no hint yet, and the
    contact keeps the first one found.
    ``attachments``: ``(filename, content_type, bytes)`` triples, stored encrypted.
    ``thread_ids``: provider ids this message answers (an email's In-Reply-To and References):
    when one is a message of an open conversation, this message joins that conversation.
    Idempotent on ``provider_id``: a retry returns the stored message and ``created=False``.

    This is every webhook's path, so the common case (a text in an open conversation) is a
    handful of plain statements (``lantern.core.rows``) rather than ORM queries.
    """
    if provider_id and (stored := queries.message_id_by_provider_id(provider_id)):
        return queries.message_with_contact(stored), False
    kind = "email" if channel == ContactChannelChoices.EMAIL else "phone"
    index = crypto.blind_index(kind, participant) if participant else ""
    now = received_at or timezone.now()
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _store_inbound(
                    channel,
                    hotline_address,
                    participant,
                    index,
                    body,
                    provider_id,
                    media_count,
                    now,
                    contact or _replied_contact(thread_ids),
                    detect_language,
                    attachments,
                ), True
        except IntegrityError:
            # a concurrent delivery stored this message, or opened this person's conversation
            if provider_id and (stored := queries.message_id_by_provider_id(provider_id)):
                return queries.message_with_contact(stored), False
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _store_inbound(
    channel,
    hotline_address,
    participant,
    index,
    body,
    provider_id,
    media_count,
    now,
    contact,
    detect_language,
    attachments=(),
) -> Message:
    conversation = None
    if contact is not None:
        conversation = Conversation.objects.filter(contact=contact).first()
    elif index:
        conversation = queries.open_thread(channel, hotline_address, index, participant)
    hint = ""
    if conversation is None:
        if contact is None:
            hint = detect_language(body) if detect_language else ""
            email = participant if channel == ContactChannelChoices.EMAIL else ""
            phone = participant if not email else ""
            contact = _new_open_contact(
                channel, received_at=now, phone=phone, email=email, language_hint=hint
            )
        else:
            index = ""  # the contact is known: this conversation is not found by its sender
        conversation = Conversation(
            contact=contact,
            channel=channel,
            hotline_address=hotline_address,
            participant=participant,
            participant_index=index,
            opened_at=now,
            last_message_at=now,
        )
        rows.insert(conversation)
    elif (
        detect_language
        and not conversation.contact.language_hint
        and queries.inbound_count(conversation.pk, limit=GUESS_LANGUAGE_FROM) < GUESS_LANGUAGE_FROM
    ):
        hint = detect_language(body)
        if hint:
            rows.execute(
                sql.SET_LANGUAGE_HINT, [hint, rows.db_value(Contact, "id", conversation.contact_id)]
            )
            conversation.contact.language_hint = hint
    message = Message(
        conversation=conversation,
        direction=MessageDirectionChoices.INBOUND,
        body=body,
        provider_id=provider_id,
        status=MessageStatusChoices.RECEIVED,
        media_count=media_count,
        created_at=now,
    )
    _add_message(message)
    if attachments:
        rows.insert(
            *(
                Attachment(
                    message=message,
                    filename=filename,
                    content_type=content_type[:100],
                    size=len(data),
                    content=base64.b64encode(data).decode(),
                )
                for filename, content_type, data in attachments
            )
        )
    audit.record(
        INTAKE,
        Audit.CREATE,
        message,
        changes={"direction": "inbound", "attachments": len(attachments)},
    )
    return message


def _replied_contact(thread_ids) -> Contact | None:
    """The contact of the open conversation an answer refers to, if any."""
    ids = [i for i in thread_ids if i][:50]
    if not ids:
        return None
    earlier = (
        Message.objects.filter(
            HAS_PROVIDER_ID, provider_id__in=ids, conversation__state=ConversationStateChoices.OPEN
        )
        .select_related("conversation__contact")
        .order_by("-created_at")
        .first()
    )
    return earlier.conversation.contact if earlier else None


def _tip_summary(tip: dict, urgency: str, what: str) -> str:
    facts = [
        ("Urgency", TipUrgencyChoices(urgency).label),
        (
            "Where",
            ", ".join(filter(None, [tip.get("city"), tip.get("state"), tip.get("postal_code")])),
        ),
        ("When", tip.get("when")),
        ("Venue or work", VenueChoices(tip["venue"]).label if tip.get("venue") else ""),
        ("People involved", tip.get("people")),
        ("Minors involved", YesNoUnknownChoices(tip["minors"]).label if tip.get("minors") else ""),
    ]
    return "\n".join(f"{k}: {v}" for k, v in facts if v) + "\n\n" + what


def do_receive_tip(tip: dict, *, receipt_hash: str, submission_key: str = "") -> Contact:
    """A web tip (``public`` app): an open contact, its summary composed from the form, and a
    follow-up conversation that only the receipt code's hash leads back to.

    ``tip`` holds cleaned values: ``what_happened`` (required), ``state``, ``city``,
    ``postal_code``, ``when``, ``venue``, ``people``, ``minors``, ``urgency``, ``language``,
    ``name``, ``phone``, ``email`` and ``consent_to_share`` (True/False/None).

    ``submission_key`` (the form's once-only key, kept as the contact's ``provider_id``) makes
    sending the same form twice file one tip: the second raises ``DuplicateSubmission``.
    """
    what = (tip.get("what_happened") or "").strip()
    if not what:
        raise ContactValidationError({"what_happened": "tell us what happened"})
    if not receipt_hash:
        raise ContactValidationError({"receipt": "a tip needs its receipt code's hash"})
    urgency = tip.get("urgency") or TipUrgencyChoices.NOT_URGENT
    # the summary is for the hotline's advocates: in the hotline's language, whatever the page's
    with translation.override(settings.LANGUAGE_CODE):
        summary = _tip_summary(tip, urgency, what)
    now = timezone.now()
    try:
        return _file_tip(tip, what, summary, urgency, receipt_hash, submission_key, now)
    except IntegrityError:
        if submission_key and Contact.objects.filter(provider_id=submission_key).exists():
            raise DuplicateSubmission from None
        raise


def _file_tip(tip, what, summary, urgency, receipt_hash, submission_key, now) -> Contact:
    with transaction.atomic():
        contact = _new_open_contact(
            ContactChannelChoices.WEBFORM,
            received_at=now,
            urgent=urgency == TipUrgencyChoices.NOW,
            language=tip.get("language") or "",
            provider_id=submission_key,
            phone=tip.get("phone") or "",
            email=tip.get("email") or "",
        )
        for field in ("state", "city", "postal_code"):
            setattr(contact, field, tip.get(field) or "")
        contact.caller_name = tip.get("name") or ""
        contact.summary = summary
        contact.consent_to_share = tip.get("consent_to_share")
        contact.save()
        conversation = Conversation.objects.create(
            contact=contact,
            channel=ContactChannelChoices.WEBFORM,
            receipt_hash=receipt_hash,
            opened_at=now,
            last_message_at=now,
        )
        message = Message.objects.create(
            conversation=conversation,
            direction=MessageDirectionChoices.INBOUND,
            body=what,
            status=MessageStatusChoices.RECEIVED,
            created_at=now,
        )
        audit.record(INTAKE, Audit.CREATE, message, changes={"direction": "inbound"})
    return contact


def do_open_chat(
    *,
    language: str = "",
    state: str = "",
    safe: bool | None = None,
    heard_about: str = "",
    received_at=None,
) -> Conversation:
    """A visitor starts a web chat: an open contact (urgent when they say they are not safe)
    and an empty conversation. The visitor is anonymous: no address of any kind is kept.
    ``received_at``: when the visitor opened it (now; a replay or a simulation passes its own)."""
    now = received_at or timezone.now()
    with transaction.atomic():
        contact = _new_open_contact(
            ContactChannelChoices.CHAT, received_at=now, urgent=safe is False, language=language
        )
        if state or heard_about:
            contact.state, contact.heard_about = state, heard_about
            contact.save(update_fields=["state", "heard_about", "updated_at"])
        return Conversation.objects.create(
            contact=contact,
            channel=ContactChannelChoices.CHAT,
            hotline_address="web",
            opened_at=now,
            last_message_at=now,
        )


def do_close_conversation(conversation: Conversation, *, actor=None, reason: str = "") -> bool:
    """The person left (or an advocate ended it): no more messages join this conversation."""
    with transaction.atomic():
        closed = Conversation.objects.filter(
            pk=conversation.pk, state=ConversationStateChoices.OPEN
        ).update(state=ConversationStateChoices.CLOSED, closed_at=timezone.now())
        if closed:
            conversation.state = ConversationStateChoices.CLOSED
            audit.record(
                actor or INTAKE,
                Audit.UPDATE,
                conversation,
                changes={"state": "closed"},
                reason=reason,
            )
    return bool(closed)
