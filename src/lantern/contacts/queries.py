"""Reads of contacts. Every list goes through the permission rules; personal fields leave this
module only as clear text that has been audited, or masked."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import connection
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.contacts import sql
from lantern.contacts.choices import ContactStatusChoices
from lantern.contacts.exceptions import ContactValidationError
from lantern.contacts.models import HAS_PROVIDER_ID, Contact, Conversation, Message
from lantern.contacts.validation import clean_contact
from lantern.core import rows
from lantern.core.ids import reference_filter
from lantern.core.phone import normalize_phone
from lantern.privacy import crypto, masking
from lantern.privacy.fields import reveal


def contact_input_errors(data: dict, form_version) -> dict[str, str]:
    """The contact rules' complaints about the fields in ``data`` (absent fields are not
    required): a form whose own checks failed still shows every other error in one go."""
    try:
        clean_contact(data, form_version, partial=True)
    except ContactValidationError as exc:
        return dict(exc.errors)
    return {}


def contacts_for_user(user, action: str = "view_contact"):
    return (
        Contact.objects.restrict(user, action)
        .select_related("handled_by")
        .prefetch_related("call_types")
    )


def access_contact_for_user(user, contact_id, action: str = "view_contact") -> Contact:
    """The contact if the rules allow ``action`` on it; ``Contact.DoesNotExist`` otherwise.

    Missing, not allowed to see and (for another ``action``) not allowed to do look the same,
    so ids cannot be probed: a contact is only ever acted on among those one may see.
    """
    try:
        pk = uuid.UUID(str(contact_id))
    except ValueError:
        raise Contact.DoesNotExist from None
    qs = contacts_for_user(user, action)
    if action != "view_contact":
        qs = qs.filter(pk__in=Contact.objects.restrict(user, "view_contact").filter(pk=pk))
    return qs.get(pk=pk)


def contact_by_reference(user, text: str, action: str = "view_contact"):
    """The contact staff named by its id, its page's address or its short id, or None (also
    when not allowed, or when a short id matches more than one)."""
    where = reference_filter(text)
    if where is None:
        return None
    found = list(contacts_for_user(user, action).filter(where)[:2])
    return found[0] if len(found) == 1 else None


@dataclass
class ContactFilter:
    """The filters shared by the console list and ``GET /api/v1/contacts``."""

    channel: str = ""
    call_type: str = ""
    urgent: bool | None = None
    substantive: bool | None = None
    state: str = ""
    received_from: date | None = None
    received_to: date | None = None
    handled_by_me: bool = False
    extra: dict = field(default_factory=dict)

    def apply(self, qs, user=None):
        if self.channel:
            qs = qs.filter(channel=self.channel)
        if self.call_type:
            qs = qs.filter(call_types__call_type=self.call_type)
        if self.urgent is not None:
            qs = qs.filter(urgent=self.urgent)
        if self.substantive is not None:
            qs = qs.filter(substantive=self.substantive)
        if self.state:
            qs = qs.filter(state=self.state.upper())
        tz = timezone.get_current_timezone()
        if self.received_from:
            qs = qs.filter(received_at__gte=datetime.combine(self.received_from, time.min, tz))
        if self.received_to:
            qs = qs.filter(received_at__lte=datetime.combine(self.received_to, time.max, tz))
        if self.handled_by_me and user is not None:
            qs = qs.filter(handled_by=user)
        return qs


@dataclass
class CallerView:
    name: str | None
    phone: str | None
    email: str | None
    masked: bool


@dataclass
class ContactView:
    """What a user may see of a contact: personal fields in clear (audited) or masked."""

    contact: Contact
    caller: CallerView
    summary: str | None
    pii_visible: bool
    can_edit: bool


def present_contacts(user, contacts, *, reason: str = "") -> list[ContactView]:
    """Views of ``contacts`` for ``user``; audits a ``read_pii`` per contact shown in clear."""
    views, revealed = [], []
    for contact in contacts:
        pii = rules.allows_object(user, "view_contact_pii", contact)
        name, phone, email, summary = (
            reveal(getattr(contact, f))
            for f in ("caller_name", "caller_phone", "caller_email", "summary")
        )
        if pii:
            caller = CallerView(name, phone, email, masked=False)
            if any((name, phone, email, summary)):
                revealed.append(contact)
        else:
            caller = CallerView(
                masking.mask_name(name),
                masking.mask_phone(phone),
                masking.mask_email(email),
                masked=True,
            )
            summary = masking.mask_text(summary)
        views.append(
            ContactView(
                contact=contact,
                caller=caller,
                summary=summary,
                pii_visible=pii,
                can_edit=rules.allows_object(user, "edit_contact", contact),
            )
        )
    if revealed:
        audit.record_many(user, Audit.READ_PII, revealed, reason=reason)
    return views


@dataclass
class RepeatContacts:
    count: int
    last_received_at: datetime | None


def repeat_contacts(
    *, phone_index: str = "", email_index: str = "", exclude_id=None
) -> RepeatContacts:
    """How often this phone or email reached the hotline, through the blind indexes only.

    Counts every contact, including ones the asking user may not open: the banner tells an
    advocate that a caller is known, never what they said.
    """
    q = Q()
    if phone_index:
        q |= Q(caller_phone_index=phone_index)
    if email_index:
        q |= Q(caller_email_index=email_index)
    if not (phone_index or email_index):
        return RepeatContacts(0, None)
    qs = Contact.objects.filter(q)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    agg = qs.aggregate(n=Count("pk"), last=Max("received_at"))
    return RepeatContacts(agg["n"], agg["last"])


def typed_indexes(phone: str = "", email: str = "") -> tuple[str, str]:
    """The blind indexes of a phone number and an email address as someone typed them (``""``
    for one not given; an unparseable phone is simply not looked up)."""
    phone_index = ""
    if phone:
        with contextlib.suppress(ValueError):
            phone_index = crypto.blind_index("phone", normalize_phone(phone))
    email = (email or "").strip().lower()
    return phone_index, crypto.blind_index("email", email) if email else ""


def repeat_contacts_for_input(phone: str = "", email: str = "", exclude_id=None) -> RepeatContacts:
    """The same, for a phone and email as typed."""
    phone_index, email_index = typed_indexes(phone, email)
    return repeat_contacts(phone_index=phone_index, email_index=email_index, exclude_id=exclude_id)


def contacts_about(phone: str = "", email: str = ""):
    """Every contact that concerns this phone number or email address, through the blind indexes
    only: the caller's recorded phone or email, and the person in an SMS or email conversation.
    For a person's request to see what the hotline holds (issue 22); newest first."""
    indexes = [index for index in typed_indexes(phone, email) if index]
    if not indexes:
        return Contact.objects.none()
    return (
        Contact.objects.filter(
            Q(caller_phone_index__in=indexes)
            | Q(caller_email_index__in=indexes)
            | Q(conversation__participant_index__in=indexes)
        )
        .distinct()
        .order_by("-received_at")
    )


def person_records(user, *, phone: str = "", email: str = "", reason: str = "") -> list[Contact]:
    """``contacts_about`` for a staff member answering a person's request, audited as a lookup
    (how many were found and why; never the phone number or the address)."""
    found = list(contacts_about(phone, email)[:PERSON_RECORDS_LIMIT])
    by = [name for name, value in (("phone", phone), ("email", email)) if value]
    audit.record(
        user, Audit.LOOKUP, object_type="privacy.person_request",
        changes={"found": len(found), "by": by},
        reason=reason,
    )  # fmt: skip
    return found


PERSON_RECORDS_LIMIT = 500


def repeat_contacts_of(contact: Contact) -> RepeatContacts:
    return repeat_contacts(
        phone_index=contact.caller_phone_index,
        email_index=contact.caller_email_index,
        exclude_id=contact.pk,
    )


def contact_counts_today(user) -> dict:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    qs = Contact.objects.restrict(user, "view_contact").filter(received_at__gte=start)
    return qs.aggregate(total=Count("pk"), urgent=Count("pk", filter=Q(urgent=True)))


def message_by_provider_id(provider_id: str):
    """The message a provider's status callback is about, or None (system use, no user)."""
    if not provider_id:
        return None
    return (
        Message.objects.filter(HAS_PROVIDER_ID, provider_id=provider_id)
        .select_related("conversation")
        .first()
    )


def message_id_by_provider_id(provider_id: str):
    """The id of the message a provider delivered under ``provider_id``, or None: the cheap
    check every webhook makes before storing (a retry finds its message)."""

    if not provider_id:
        return None
    row = rows.fetch_one(sql.MESSAGE_BY_PROVIDER_ID, [provider_id])
    return rows.as_uuid(row[0]) if row else None


def message_with_contact(message_id):
    """A message with its conversation and contact (system use: intake answering a retry)."""
    return Message.objects.select_related("conversation__contact").get(pk=message_id)


def open_thread(channel: str, hotline_address: str, participant_index: str, participant: str):
    """The open conversation of the person with this blind index on this channel and hotline
    address, with the few fields of its contact intake needs (the rest load if read), or None.

    Plain SQL: it runs for every incoming text. On PostgreSQL the row stays locked to the end of
    the transaction, so closing the conversation waits for the message being threaded into it.
    """
    statement = sql.OPEN_THREAD
    if connection.features.has_select_for_update_of:
        statement += sql.OPEN_THREAD_LOCK
    row = rows.fetch_one(statement, [channel, hotline_address, participant_index])
    if row is None:
        return None
    conversation_id, contact_id, opened_at, language, language_hint = row
    contact = Contact.from_db(
        connection.alias,
        ["id", "language", "language_hint"],
        [rows.as_uuid(contact_id), language, language_hint],
    )
    conversation = Conversation.from_db(
        connection.alias,
        ["id", "contact_id", "channel", "hotline_address", "participant", "participant_index",
         "state", "opened_at"],
        [rows.as_uuid(conversation_id), contact.pk, channel, hotline_address, participant,
         participant_index, "open", rows.from_db(Conversation, "opened_at", opened_at)],
    )  # fmt: skip
    conversation.contact = contact
    return conversation


def inbound_count(conversation_id, *, limit: int) -> int:
    """How many messages the person sent in a conversation, counted up to ``limit``."""
    row = rows.fetch_one(
        sql.INBOUND_COUNT, [rows.db_value(Message, "conversation", conversation_id), limit]
    )
    return row[0]


def message_for_sending(message_id):
    """A queued outbound message with its conversation (system use: the channel's sender)."""
    return Message.objects.select_related("conversation").filter(pk=message_id).first()


INBOX_LIMIT = 200


def inbox(user) -> list:
    """Contacts that arrived through a channel and are not logged yet, that ``user`` may see:
    urgent first, then newest (issue 4). With their conversation and handler."""
    return list(
        Contact.objects.restrict(user, "view_contact")
        .filter(status=ContactStatusChoices.OPEN, spam_batch__isnull=True)
        .select_related("handled_by", "conversation")
        .order_by("-urgent", "-received_at", "-id")[:INBOX_LIMIT]
    )


def failed_replies(user, *, since, limit: int = 10) -> list:
    """Replies the hotline could not send (the outbound queue gave up, or the provider says
    undelivered) since ``since``, newest first, on contacts ``user`` may see: the board lists
    them so somebody writes to the person again another way."""
    from lantern.contacts.choices import MessageDirectionChoices, MessageStatusChoices

    visible = Contact.objects.restrict(user, "view_contact").values("pk")
    return list(
        Message.objects.filter(
            direction=MessageDirectionChoices.OUTBOUND,
            status__in=[MessageStatusChoices.FAILED, MessageStatusChoices.UNDELIVERED],
            created_at__gte=since,
            conversation__contact__in=visible,
        )
        .select_related("conversation__contact")
        .order_by("-created_at")[:limit]
    )


SPAM_CANDIDATES = 500


def spam_candidates(user, *, channels, since) -> list:
    """Open contacts from ``channels`` received since ``since``, not dismissed yet, that
    ``user`` may see: a burst a supervisor may dismiss as spam. Newest first."""
    from lantern.contacts.choices import ContactStatusChoices

    return list(
        Contact.objects.restrict(user, "view_contact")
        .filter(
            status=ContactStatusChoices.OPEN,
            spam_batch__isnull=True,
            channel__in=channels,
            received_at__gte=since,
        )  # fmt: skip
        .order_by("-received_at", "-id")[:SPAM_CANDIDATES]
    )


def spam_batches(limit: int = 20) -> list:
    from lantern.contacts.models import SpamBatch

    return list(SpamBatch.objects.select_related("dismissed_by", "restored_by")[:limit])


def visible_contact_ids(user, ids) -> list:
    """The ids among ``ids`` (strings from a form) that are contacts ``user`` may see."""
    import uuid

    valid = []
    for value in ids:
        try:
            valid.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return list(
        Contact.objects.restrict(user, "view_contact")
        .filter(pk__in=valid)
        .values_list("pk", flat=True)
    )


@dataclass
class MessageView:
    message: object
    body: str | None  # masked unless the user may see the contact's personal fields
    inbound: bool


def present_conversation(user, contact, *, reason: str = "") -> list[MessageView]:
    """The messages of ``contact``'s conversation for ``user``, oldest first. Bodies are personal
    data: in clear only with ``view_contact_pii``, and then the read is audited."""
    conversation = getattr(contact, "conversation", None)
    if conversation is None:
        return []
    pii = rules.allows_object(user, "view_contact_pii", contact)
    views = []
    for message in conversation.messages.select_related("sent_by"):
        body = reveal(message.body)
        views.append(
            MessageView(
                message=message,
                body=body if pii else masking.mask_text(body),
                inbound=message.direction == "inbound",
            )
        )
    if pii and views:
        audit.record(user, Audit.READ_PII, contact, reason=reason or "conversation")
    return views


def caller_phone(contact) -> str:
    """The caller's number in clear, for the channel adapters (system use: never shown)."""
    return reveal(contact.caller_phone) or ""


def submission_received(submission_key: str) -> bool:
    """A public form with this once-only key was filed already (``do_receive_tip``)."""
    from lantern.contacts.models import Contact

    return bool(submission_key) and Contact.objects.filter(provider_id=submission_key).exists()


def conversation_by_receipt(receipt_hash: str):
    """The web tip conversation a receipt code's hash leads to, or None (public follow-up)."""
    if not receipt_hash:
        return None
    return Conversation.objects.filter(receipt_hash=receipt_hash).select_related("contact").first()


def followup_thread(conversation, *, reader: str = "receipt holder") -> list[dict]:
    """The messages a tipster (or a chat visitor) sees: theirs and the hotline's, oldest first,
    without who at the hotline wrote them. Audited as a read by ``reader``."""
    thread = [
        {
            "id": m.pk,
            "inbound": m.direction == "inbound",
            "body": reveal(m.body),
            "at": m.created_at,
        }
        for m in conversation.messages.all()
    ]
    audit.record(reader, Audit.READ_PII, conversation.contact, reason=f"{reader} read the thread")
    return thread


def tip_conversation(conversation_id):
    """A web tip's conversation by id (the public follow-up session holds the id)."""
    return (
        Conversation.objects.filter(pk=conversation_id, channel="webform")
        .select_related("contact")
        .first()
    )


def email_thread_headers(conversation) -> dict:
    """Subject and threading headers for the hotline's reply in an email conversation."""
    inbound = [
        m
        for m in conversation.messages.filter(direction="inbound")
        if m.provider_id.startswith("<")
    ]
    subject = "Your message to the hotline"
    if inbound:
        first = reveal(inbound[0].body) or ""
        if first.startswith("Subject: "):
            original = first.split("\n", 1)[0][len("Subject: ") :].strip()
            subject = original if original.lower().startswith("re:") else f"Re: {original}"
    headers = {}
    if inbound:
        headers["In-Reply-To"] = inbound[-1].provider_id
        headers["References"] = " ".join(m.provider_id for m in inbound[-10:])
    return {"subject": subject, "headers": headers}


def chat_conversation(conversation_id):
    """A web chat's conversation by id (the visitor's session holds the id)."""
    return (
        Conversation.objects.filter(pk=conversation_id, channel="chat")
        .select_related("contact")
        .first()
    )


def queued_replies() -> tuple[int, datetime | None]:
    """How many outbound messages wait to be sent, and since when the oldest (health, metrics)."""
    row = Message.objects.filter(status="queued").aggregate(n=Count("pk"), oldest=Min("created_at"))
    return row["n"], row["oldest"]


def received_by_channel() -> dict[str, int]:
    """Contacts ever received, by channel (metrics; one index count per channel)."""
    rows = Contact.objects.values_list("channel").annotate(n=Count("pk")).order_by()
    return dict(rows)
