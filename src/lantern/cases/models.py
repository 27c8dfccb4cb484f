from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.cases.choices import (
    CaseAgeBandChoices,
    CaseCitizenshipChoices,
    CaseGenderChoices,
    CasePartyRoleChoices,
    CaseTraffickingTypeChoices,
    ReferralStatusChoices,
)
from lantern.contacts.choices import VenueChoices
from lantern.core.geo import USStateChoices
from lantern.core.ids import uuid7
from lantern.privacy.fields import EncryptedTextField


class Referral(models.Model):
    """A directory service given to a caller during a contact.

    ``location`` says which of the service's locations was given, when it has several. The note
    may hold what the caller said, so it is encrypted like a contact's summary.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="referrals"
    )
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="referrals"
    )
    location = models.ForeignKey(
        "directory.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=ReferralStatusChoices.choices, default=ReferralStatusChoices.GIVEN
    )
    note = EncryptedTextField()
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_given"
    )
    given_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "service"], name="cases_referral_once_per_contact"
            )
        ]

    def __str__(self):
        return f"referral to {self.service_id} on {self.contact_id}"


class Case(models.Model):
    """A potential trafficking situation, built from one or more contacts.

    Field names follow the IOM Human Trafficking Case Data Standard / CTDC where one exists
    (``lantern export_cases --format ctdc`` maps them one to one). The summary is encrypted like
    a contact's; the rest are categories and counts, never names.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    status = models.CharField(
        max_length=32, db_index=True, help_text="See cases/data/statuses.yaml"
    )
    trafficking_type = models.CharField(
        max_length=16,
        choices=CaseTraffickingTypeChoices.choices,
        default=CaseTraffickingTypeChoices.UNKNOWN,
    )
    venue = models.CharField(max_length=32, choices=VenueChoices.choices, default="unknown")
    control_methods = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=2, choices=USStateChoices.choices, blank=True)
    county = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    summary = EncryptedTextField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="assigned_cases",
    )  # fmt: skip
    follow_up_on = models.DateField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_cases"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="created_cases"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="case_status_idx"),
            models.Index(fields=["state", "-created_at"], name="case_state_idx"),
            models.Index(fields=["assigned_to", "follow_up_on"], name="case_followup_idx"),
        ]

    def __str__(self):
        return f"Case {self.short_id}"

    @property
    def short_id(self) -> str:
        return self.id.hex[-8:].upper()


class CaseContact(models.Model):
    """A contact that is part of a case (a contact may inform several cases)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links")
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="case_links"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["linked_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "contact"], name="case_contact_once")
        ]

    def __str__(self):
        return f"contact {self.contact_id} in case {self.case_id}"


class CaseParty(models.Model):
    """Potential victims or suspected traffickers, as counted attributes: how many people share
    an age band, gender and citizenship. Never a name."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(max_length=24, choices=CasePartyRoleChoices.choices)
    count = models.PositiveIntegerField(default=1)
    age_band = models.CharField(
        max_length=8, choices=CaseAgeBandChoices.choices, default=CaseAgeBandChoices.UNKNOWN
    )
    minor = models.BooleanField(null=True, blank=True)
    gender = models.CharField(
        max_length=24, choices=CaseGenderChoices.choices, default=CaseGenderChoices.UNKNOWN
    )
    citizenship = models.CharField(
        max_length=24,
        choices=CaseCitizenshipChoices.choices,
        default=CaseCitizenshipChoices.UNKNOWN,
    )
    nationality = models.CharField(max_length=2, blank=True, help_text="ISO 3166 country code")

    class Meta:
        ordering = ["role", "id"]

    def __str__(self):
        return f"{self.count} {self.get_role_display().lower()}"


class CaseNote(models.Model):
    """A note on a case: encrypted, audited, never edited (a correction is a new note)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    body = EncryptedTextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"note on case {self.case_id}"


class CaseStatusChange(models.Model):
    """One move of a case's status, for the timeline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    old = models.CharField(max_length=32, blank=True)
    new = models.CharField(max_length=32)
    reason = EncryptedTextField(help_text="Free text staff type: encrypted like a note")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.old or '-'} -> {self.new}"
