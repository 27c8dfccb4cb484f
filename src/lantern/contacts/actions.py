"""Every change to contacts. Each action validates, writes, audits and re-checks visibility in one
transaction; callers (console, API, intake) stay thin."""

from __future__ import annotations

import base64

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from lantern.accounts import rules
from lantern.accounts.choices import UserRoleChoices
from lantern.accounts.models import User
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.contacts import outbound, queries
from lantern.contacts.choices import (
    NON_DATA_CALL_TYPES,
    ContactCallTypeChoices,
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
    ContactCallType,
    Conversation,
    Message,
)
from lantern.contacts.validation import clean_contact
from lantern.core import coerce, rows
from lantern.privacy import crypto
from lantern.privacy.fields import reveal

PERSONAL_FIELDS = ("caller_name", "caller_phone", "caller_email", "summary")
MAX_MESSAGE = 1600  # Twilio's limit for one SMS body; chat and email replies share it
GUESS_LANGUAGE_FROM = 3  # a person's first texts; later ones would only cost the detector's time
HANDLER_ROLES = (UserRoleChoices.ADVOCATE, UserRoleChoices.CASE_ANALYST, UserRoleChoices.SUPERVISOR)


def _require(actor, action: str, obj=None) -> None:
    """Actors are users, or None for the system itself (intake adapters, imports)."""
    if actor is None:
        return
    rules.require(actor, action, obj)


def _resolve_handler(value, actor) -> User | None:
    if value is None:
        return actor
    if isinstance(value, User):
        return value
    user = User.objects.filter(username=value, is_active=True, role__in=HANDLER_ROLES).first()
    if user is None:
        raise ContactValidationError({"handled_by": f"no active advocate named {value!r}"})
    return user


def _apply(contact: Contact, values: dict) -> None:
    """Set cleaned values on the contact, keeping blind indexes and derived flags in step."""
    for field, value in values.items():
        if field in ("call_types", "handled_by"):
            continue
        model_field = Contact._meta.get_field(field)
        if value is None and not model_field.null:
            value = model_field.get_default()  # a cleared optional field goes back to its default
        setattr(contact, field, value)
        if field == "caller_phone":
            contact.caller_phone_index = crypto.blind_index("phone", value) if value else ""
        elif field == "caller_email":
            contact.caller_email_index = crypto.blind_index("email", value) if value else ""


def _derive_flags(contact: Contact, call_types: list[str]) -> None:
    contact.substantive = not any(t in NON_DATA_CALL_TYPES for t in call_types)
    if ContactCallTypeChoices.CRISIS in call_types:
        contact.urgent = True


def _set_call_types(contact: Contact, call_types: list[str], *, replace: bool) -> None:
    if replace:
        contact.call_types.all().delete()
    ContactCallType.objects.bulk_create(
        ContactCallType(contact=contact, call_type=value, position=i)
        for i, value in enumerate(call_types)
    )


def _ensure_visible(actor, contact: Contact) -> None:
    """House rule: an actor never writes a record they could not open afterwards."""
    if actor is not None and not rules.allows_object(actor, "view_contact", contact):
        raise PermissionDenied("the permission rules would hide this contact from you")


def _audit_changes(values: dict, before: dict | None = None) -> dict:
    """Field names and non-personal values; personal fields only say that they changed."""
    changes = {}
    for field, value in values.items():
        if field in PERSONAL_FIELDS:
            changes[field] = "changed" if before is not None else ("set" if value else "empty")
            continue
        if isinstance(value, User):
            value = value.username
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        changes[field] = [before[field], value] if before is not None else value
    return changes


def do_create_contact(data: dict, *, actor, recorded_at=None) -> Contact:
    """Record a contact from API-shaped ``data`` (see ``validation``). ``actor`` None = system.

    ``recorded_at`` is for imports of historical contacts: when the contact was first logged.
    """
    _require(actor, "create_contact")
    form = active_form()
    values = clean_contact(data, form)
    now = timezone.now()
    contact = Contact(
        form_version=form,
        received_at=values.pop("received_at", None) or now,
        created_at=recorded_at or now,
    )
    handler = _resolve_handler(values.get("handled_by"), actor)
    _apply(contact, values)
    contact.handled_by = handler
    contact.created_by = actor
    _derive_flags(contact, values["call_types"])
    with transaction.atomic():
        contact.save(force_insert=True)
        _set_call_types(contact, values["call_types"], replace=False)
        audit.record(
            actor,
            Audit.CREATE,
            contact,
            changes=_audit_changes({**values, "handled_by": handler, "urgent": contact.urgent}),
        )
        _ensure_visible(actor, contact)
    return contact


def do_update_contact(contact: Contact, data: dict, *, actor) -> Contact:
    """Apply a partial update (PATCH semantics) to ``contact``."""
    _require(actor, "edit_contact", contact)
    values = clean_contact(data, contact.form_version, partial=True)
    ended, received = (
        values.get("ended_at", contact.ended_at),
        values.get("received_at", contact.received_at),
    )
    if ended and received and ended < received:
        raise ContactValidationError({"ended_at": "is before received_at"})
    if "handled_by" in values:
        values["handled_by"] = _resolve_handler(values["handled_by"], actor)
    before = {}
    for field in values:
        if field == "call_types":
            before[field] = contact.call_type_values
        elif field in PERSONAL_FIELDS:
            before[field] = reveal(getattr(contact, field))
        else:
            before[field] = getattr(contact, field)
    changed = {f: v for f, v in values.items() if before[f] != v}
    if not changed:
        return contact
    with transaction.atomic():
        _apply(contact, changed)
        if "handled_by" in changed:
            contact.handled_by = changed["handled_by"]
        call_types = changed.get("call_types", before.get("call_types") or contact.call_type_values)
        _derive_flags(contact, call_types)
        audited = dict(changed)
        if contact.status == ContactStatusChoices.OPEN and call_types:
            # an advocate logs a contact that arrived through a channel
            contact.status = audited["status"] = ContactStatusChoices.LOGGED
            if contact.handled_by is None and actor is not None:
                contact.handled_by = audited["handled_by"] = actor
        contact.save()
        if "call_types" in changed:
            _set_call_types(contact, call_types, replace=True)
        audit_before = {
            f: (
                v.username
                if isinstance(v, User)
                else v.isoformat()
                if hasattr(v, "isoformat")
                else v
            )
            for f, v in before.items()
        }
        if "status" in audited:
            audit_before["status"] = ContactStatusChoices.OPEN.value
            audit_before.setdefault("handled_by", None)
        audit.record(actor, Audit.UPDATE, contact, changes=_audit_changes(audited, audit_before))
        _ensure_visible(actor, contact)
    return contact


def do_repeat_lookup(user, *, phone: str = "", email: str = "", exclude_id=None):
    """The repeat-contact check as an advocate types a phone or email.

    A match tells the asker that this person has called before, so every lookup that finds one
    is audited (without the phone or email: the audit trail holds no personal data). Lookups
    that find nothing are not, or each keystroke would write an event.
    """
    if not rules.allows(user, "create_contact"):
        raise PermissionDenied("create_contact")
    repeat = queries.repeat_contacts_for_input(phone=phone, email=email, exclude_id=exclude_id)
    if repeat.count:
        audit.record(
            user, Audit.LOOKUP, object_type="contacts.contact", changes={"matches": repeat.count}
        )
    return repeat


# --- channels: contacts and messages that arrive on their own (decision 0003) ---------------

INTAKE = "intake"  # the audit actor for what arrives through a channel


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
                "UPDATE contacts_contact SET language_hint = %s"
                " WHERE id = %s AND language_hint = ''",
                [hint, rows.db_value(Contact, "id", conversation.contact_id)],
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


def _add_message(message: Message) -> None:
    """Store a message and move its conversation's ``last_message_at`` to it."""
    rows.insert(message)
    rows.execute(
        "UPDATE contacts_conversation SET last_message_at = %s WHERE id = %s",
        [
            rows.db_value(Conversation, "last_message_at", message.created_at),
            rows.db_value(Conversation, "id", message.conversation_id),
        ],
    )


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


def do_take_contact(contact: Contact, *, actor) -> Contact:
    """An advocate answers a waiting contact: it becomes theirs to handle and log.

    Only an open contact nobody handles yet can be taken; two advocates racing for it meet the
    conditional update, and the second is told someone else has it.
    """
    _require(actor, "take_contact", contact)
    with transaction.atomic():
        taken = Contact.objects.filter(
            pk=contact.pk, status=ContactStatusChoices.OPEN, handled_by__isnull=True
        ).update(handled_by=actor, updated_at=timezone.now())
        if not taken:
            raise ContactValidationError({"handled_by": "someone else has taken this contact"})
        contact.refresh_from_db()
        audit.record(actor, Audit.UPDATE, contact, changes={"handled_by": actor.username})
    return contact


def do_release_contact(contact: Contact, *, reason: str) -> Contact:
    """A contact taken for a call that could not be connected goes back to nobody, so the next
    advocate can take it. Only while it is still open."""
    with transaction.atomic():
        released = Contact.objects.filter(
            pk=contact.pk, status=ContactStatusChoices.OPEN, handled_by__isnull=False
        ).update(handled_by=None, updated_at=timezone.now())
        if released:
            contact.handled_by = None
            audit.record(INTAKE, Audit.UPDATE, contact, changes={"handled_by": None}, reason=reason)
    return contact


def do_send_message(
    conversation: Conversation, body: str, *, actor, answer_inline: bool = False
) -> Message:
    """An advocate's reply (or an automatic one, ``actor`` None): stored as queued, handed to
    the channel's sender after commit. ``answer_inline``: the adapter puts it in its own answer
    to the provider (a TwiML ``<Message>``), so it is recorded as sent and nothing else sends it.
    """
    _require(actor, "edit_contact", conversation.contact)
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
