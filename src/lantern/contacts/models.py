from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from lantern.accounts.querysets import RestrictedQuerySet
from lantern.contacts.choices import (
    ContactCallerTypeChoices,
    ContactCallTypeChoices,
    ContactChannelChoices,
)
from lantern.core.geo import USStateChoices
from lantern.core.ids import uuid7
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
    received_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=35, default="en", help_text="BCP 47 tag")
    interpreter_used = models.BooleanField(default=False)
    caller_type = models.CharField(
        max_length=32,
        choices=ContactCallerTypeChoices.choices,
        default=ContactCallerTypeChoices.UNKNOWN,
    )
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
    summary = EncryptedTextField()
    caller_name = EncryptedTextField()
    caller_phone = EncryptedTextField(help_text="E.164")
    caller_email = EncryptedTextField()
    caller_phone_index = models.CharField(max_length=40, blank=True, db_index=True)
    caller_email_index = models.CharField(max_length=40, blank=True, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="contact_received_idx"),
            models.Index(fields=["state", "-received_at"], name="contact_state_idx"),
            models.Index(fields=["channel", "-received_at"], name="contact_channel_idx"),
            models.Index(fields=["urgent", "-received_at"], name="contact_urgent_idx"),
            models.Index(fields=["handled_by", "-received_at"], name="contact_handler_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} contact {self.short_id}"

    def get_absolute_url(self):
        return reverse("console:contact_detail", args=[self.pk])

    @property
    def short_id(self) -> str:
        return str(self.pk)[:8]

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
