"""Training and technical assistance (T&TA): requests from professionals and what the hotline
delivered for them.

The requester's name, organization, email, phone and description, and the notes on a
deliverable, are personal data: encrypted at rest (``EncryptedTextField``) and revealed only
through ``queries.present_request``, which audits the read.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from lantern.accounts.querysets import RestrictedQuerySet
from lantern.assistance.choices import (
    OPEN_STATUSES,
    AssistanceDeliverableKindChoices,
    AssistanceRequestOrganizationTypeChoices,
    AssistanceRequestSourceChoices,
    AssistanceRequestStatusChoices,
)
from lantern.core.geo import USStateChoices
from lantern.core.ids import short_id, uuid7
from lantern.privacy.fields import EncryptedTextField

REFERENCE_PREFIX = "TA-"


class AssistanceTopic(models.Model):
    """A topic requesters choose from (configurable: staff add, rename, reorder and retire
    them in the administration screens). ``names`` holds the topic's name in other languages,
    by language code; ``name`` is the English one."""

    key = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    names = models.JSONField(default=dict, blank=True, help_text='e.g. {"es": "Datos"}')
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def label(self, language: str | None = None) -> str:
        """The name in ``language`` (the active one by default), else in English."""
        language = (language or get_language() or "en").split("-")[0]
        return (self.names or {}).get(language) or self.name


class AssistanceRequest(models.Model):
    """A request for training or technical assistance, from the public form or a logged
    contact, with its owner, status and due date (``deadlines.due_on``)."""

    rules_owner_field = "owner"

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    source = models.CharField(max_length=16, choices=AssistanceRequestSourceChoices.choices)
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requester_name = EncryptedTextField()
    organization = EncryptedTextField()
    email = EncryptedTextField()
    phone = EncryptedTextField(help_text="E.164")
    organization_type = models.CharField(
        max_length=32, choices=AssistanceRequestOrganizationTypeChoices.choices
    )
    state = models.CharField(max_length=2, choices=USStateChoices.choices, blank=True)
    topic = models.ForeignKey(AssistanceTopic, on_delete=models.PROTECT, related_name="requests")
    description = EncryptedTextField()
    language = models.CharField(max_length=35, default="en", help_text="BCP 47 tag")
    deadline = models.DateField(null=True, blank=True, help_text="When the requester needs it")
    urgent = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16,
        choices=AssistanceRequestStatusChoices.choices,
        default=AssistanceRequestStatusChoices.NEW,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # the public form's once-only token (``public.once``): the same form sent twice files once
    submission_key = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField(help_text="From the urgency: 1 business day, else 3")
    delivered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="assistance_status_due_idx"),
            models.Index(fields=["owner", "status"], name="assistance_owner_idx"),
            models.Index(fields=["received_at"], name="assistance_received_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=~models.Q(submission_key=""),
                name="assistance_submission_key_unique",
            )
        ]

    def __str__(self):
        return f"T&TA request {self.reference}"

    def get_absolute_url(self):
        return reverse("console:assistance_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        """What the requester quotes ("TA-1A2B3C4D"): the id's random last 8 hex digits."""
        return REFERENCE_PREFIX + short_id(self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()

    @property
    def hours(self) -> Decimal:
        return sum((d.hours for d in self.deliverables.all()), Decimal("0"))


class AssistanceDeliverable(models.Model):
    """Something delivered for a request (a call, a training, materials sent) or other work on
    it, with the hours it took."""

    rules_through = "request"

    request = models.ForeignKey(
        AssistanceRequest, on_delete=models.CASCADE, related_name="deliverables"
    )
    kind = models.CharField(max_length=16, choices=AssistanceDeliverableKindChoices.choices)
    delivered_on = models.DateField()
    hours = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("0"))
    note = EncryptedTextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["delivered_on", "created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.delivered_on}"
