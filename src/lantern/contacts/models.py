from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from lantern.accounts.querysets import RestrictedQuerySet
from lantern.contacts.choices import (
    ContactCallerTypeChoices,
    ContactCallTypeChoices,
    ContactChannelChoices,
    ContactStatusChoices,
    ConversationStateChoices,
    MessageDirectionChoices,
    MessageStatusChoices,
    PoliceCallByChoices,
    PoliceCallToChoices,
)
from lantern.core.geo import USStateChoices
from lantern.core.ids import short_id, uuid7
from lantern.privacy.fields import EncryptedTextField


class ContactFormVersion(models.Model):
    """A released version of the contact form's choice lists (see ``contacts/forms/``)."""

    version = models.PositiveIntegerField(unique=True)
    definition = models.JSONField()
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self):
        return f"contact form v{self.version}"


# The unique indexes on ``provider_id`` cover only the rows that have one, and SQLite uses such a
# partial index only when a query repeats its condition: every lookup by provider id adds this
# (else it reads the whole table, once per webhook).
HAS_PROVIDER_ID = ~models.Q(provider_id="")


class SpamBatch(models.Model):
    """Contacts a supervisor dismissed together as spam (a flood of fake tips or chats). The
    contacts keep everything; the batch can be restored (``contacts.spam``)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    reason = models.CharField(max_length=200, blank=True, help_text="Staff's note, not personal")
    size = models.PositiveIntegerField(default=0, help_text="Contacts dismissed")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    dismissed_at = models.DateTimeField(default=timezone.now)
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    restored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-dismissed_at"]

    def __str__(self):
        return f"spam batch of {self.size} at {self.dismissed_at:%Y-%m-%d %H:%M}"


class Contact(models.Model):
    """One interaction with the hotline through one channel (NHTH: a *signal*).

    The caller's identity and the summary are encrypted at rest; phone and email also get a
    keyed blind index so repeat contacts can be found without storing them in clear. Anonymous
    contacts, with no caller fields at all, are normal.
    """

    rules_owner_field = "handled_by"
    rules_created_field = "created_at"

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    form_version = models.ForeignKey(ContactFormVersion, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=16, choices=ContactChannelChoices.choices)
    status = models.CharField(
        max_length=16, choices=ContactStatusChoices.choices, default=ContactStatusChoices.LOGGED
    )
    # The provider's id for this contact (Twilio CallSid): a retried webhook finds it again.
    provider_id = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=35, default="en", help_text="BCP 47 tag")
    # What an offline detector guessed from the first texts (intake), next to what the channel
    # or the advocate said in ``language``.
    language_hint = models.CharField(max_length=35, blank=True, help_text="BCP 47, detected")
    interpreter_used = models.BooleanField(default=False)
    caller_type = models.CharField(
        max_length=32,
        choices=ContactCallerTypeChoices.choices,
        default=ContactCallerTypeChoices.UNKNOWN,
    )
    # On an "At risk" contact (form v2+): what puts the person at risk, ContactAtRiskChoices
    # values in the order chosen; empty on every other contact.
    at_risk = models.JSONField(default=list, blank=True)
    urgent = models.BooleanField(default=False)
    substantive = models.BooleanField(
        default=True,
        help_text="False for hang-ups, silent, wrong-number, prank and abusive contacts.",
    )
    state = models.CharField(max_length=2, choices=USStateChoices.choices, blank=True)
    county = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    heard_about = models.CharField(max_length=32, blank=True)
    # The caller's answer to "may the hotline share your contact details with law enforcement?"
    # (web tip form, or asked by the advocate); None when not asked. Tip reports (issue 6) read it.
    consent_to_share = models.BooleanField(null=True, blank=True)
    summary = EncryptedTextField(period_key=True)
    caller_name = EncryptedTextField(period_key=True)
    caller_phone = EncryptedTextField(period_key=True, help_text="E.164")
    caller_email = EncryptedTextField(period_key=True)
    caller_phone_index = models.CharField(max_length=40, blank=True, db_index=True)
    caller_email_index = models.CharField(max_length=40, blank=True, db_index=True)
    shredded_at = models.DateTimeField(
        null=True, blank=True, help_text="Personal fields removed under the retention schedule"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # set when a supervisor dismissed it as spam: out of the inbox, routing and statistics
    spam_batch = models.ForeignKey(
        SpamBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="contact_received_idx"),
            models.Index(fields=["state", "-received_at"], name="contact_state_idx"),
            models.Index(fields=["channel", "-received_at"], name="contact_channel_idx"),
            models.Index(fields=["urgent", "-received_at"], name="contact_urgent_idx"),
            models.Index(fields=["handled_by", "-received_at"], name="contact_handler_idx"),
            models.Index(fields=["status", "-received_at"], name="contact_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_id"],
                condition=HAS_PROVIDER_ID,
                name="contact_provider_id_unique",
            )
        ]

    def __str__(self):
        return f"{self.get_channel_display()} contact {self.short_id}"

    def get_absolute_url(self):
        return reverse("console:contact_detail", args=[self.pk])

    @property
    def short_id(self) -> str:
        return short_id(self.pk)

    @property
    def call_type_values(self) -> list[str]:
        return [row.call_type for row in self.call_types.all()]


class ContactCallType(models.Model):
    """One of a contact's call types (a contact has one or more)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="call_types")
    call_type = models.CharField(max_length=32, choices=ContactCallTypeChoices.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["contact", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "call_type"], name="contact_call_type_unique"
            )
        ]
        indexes = [models.Index(fields=["call_type", "contact"], name="contact_call_type_idx")]

    def __str__(self):
        return self.get_call_type_display()


class Conversation(models.Model):
    """The ordered messages of one text exchange (SMS, chat, email, tip follow-up) with one
    person, belonging to one contact.

    ``participant`` is the person's address on the channel (phone number, email address), empty
    for an anonymous chat; it is encrypted, and ``participant_index`` (a blind index) threads
    their next message into the open conversation.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="conversation")
    channel = models.CharField(max_length=16, choices=ContactChannelChoices.choices)
    hotline_address = models.CharField(
        max_length=200, blank=True, help_text="the hotline's number or address it came to"
    )
    participant = EncryptedTextField(period_key=True)
    participant_index = models.CharField(max_length=40, blank=True, db_index=True)
    state = models.CharField(
        max_length=16,
        choices=ConversationStateChoices.choices,
        default=ConversationStateChoices.OPEN,
    )
    # A web tip's follow-up: the Argon2id hash of its receipt code (privacy.receipts), the only
    # way back to it; the code itself is never stored.
    receipt_hash = models.CharField(max_length=64, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    shredded_at = models.DateTimeField(
        null=True, blank=True, help_text="Messages and participant removed (retention)"
    )

    class Meta:
        ordering = ["-last_message_at", "-id"]
        indexes = [
            models.Index(fields=["state", "-last_message_at"], name="conversation_state_idx")
        ]
        constraints = [
            # one open thread per person and hotline address: their next text joins it
            models.UniqueConstraint(
                fields=["channel", "hotline_address", "participant_index"],
                condition=models.Q(state="open") & ~models.Q(participant_index=""),
                name="conversation_one_open_thread",
            ),
            models.UniqueConstraint(
                fields=["receipt_hash"],
                condition=~models.Q(receipt_hash=""),
                name="conversation_receipt_unique",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} conversation {short_id(self.pk)}"


class Message(models.Model):
    """One message of a conversation, in or out. The body is encrypted at rest."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(max_length=16, choices=MessageDirectionChoices.choices)
    body = EncryptedTextField(period_key=True)
    # Twilio MessageSid, an email's Message-ID: a retried delivery finds the message again.
    provider_id = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=MessageStatusChoices.choices)
    error = models.CharField(max_length=200, blank=True)
    media_count = models.PositiveSmallIntegerField(default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["conversation", "created_at", "id"]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="message_thread_idx"),
            # replies still waiting to leave: /readyz and the metrics read the oldest
            models.Index(
                fields=["created_at"],
                condition=models.Q(status="queued"),
                name="message_queued_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_id"],
                condition=HAS_PROVIDER_ID,
                name="message_provider_id_unique",
            )
        ]

    def __str__(self):
        return f"{self.get_direction_display()} message {short_id(self.pk)}"


class Attachment(models.Model):
    """A file that came with a message (an email attachment, an MMS picture), encrypted at rest
    like the message: its name and its bytes (base64 inside the ciphertext)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = EncryptedTextField(period_key=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    content = EncryptedTextField(period_key=True)

    class Meta:
        ordering = ["message", "id"]

    def __str__(self):
        return f"attachment {short_id(self.pk)} ({self.size} bytes)"


class PoliceCall(models.Model):
    """911 or the police called during a contact: who was called, who called, when, and which
    staff member recorded it (``contacts.police_calls``)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="police_calls")
    called = models.CharField(max_length=32, choices=PoliceCallToChoices.choices)
    called_by = models.CharField(max_length=16, choices=PoliceCallByChoices.choices)
    called_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["called_at", "id"]

    def __str__(self):
        return f"{self.get_called_display()} called during contact {self.contact.short_id}"
