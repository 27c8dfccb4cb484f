from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from lantern.accounts.querysets import RestrictedQuerySet
from lantern.cases.choices import (
    AgencyLinkAccessOutcomeChoices,
    AgencyLinkEmailStateChoices,
    CaseAgeBandChoices,
    CaseCitizenshipChoices,
    CaseGenderChoices,
    CasePartyRoleChoices,
    CaseTraffickingTypeChoices,
    PersonExportStateChoices,
    ReferralStatusChoices,
    TipReportConsentBasisChoices,
    TipReportConsentScopeChoices,
    TipReportEventKindChoices,
    TipReportStatusChoices,
    TipReportUrgencyChoices,
)
from lantern.contacts.choices import VenueChoices
from lantern.core.geo import USStateChoices
from lantern.core.ids import short_id, uuid7
from lantern.privacy.fields import EncryptedTextField, reveal


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
    follow_up_on = models.DateField(
        null=True, blank=True, help_text="When to check whether the caller reached the service"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    rules_through = "contact"  # a referral is seen by those who may see its contact

    class Meta:
        ordering = ["given_at"]
        indexes = [
            models.Index(fields=["given_by", "follow_up_on"], name="referral_followup_idx"),
            models.Index(fields=["service", "status"], name="referral_service_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "service"], name="cases_referral_once_per_contact"
            )
        ]

    def __str__(self):
        return f"referral to {self.service_id} on {self.contact_id}"


class ReferralUpdate(models.Model):
    """One step of a referral's closed loop: the caller reached the service, was accepted, ..."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="updates")
    old = models.CharField(max_length=16, choices=ReferralStatusChoices.choices)
    new = models.CharField(max_length=16, choices=ReferralStatusChoices.choices)
    note = EncryptedTextField(help_text="What the caller or the service said")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.old} -> {self.new}"


_LISTED = models.Q(merged_into__isnull=True)


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
    # Did the hotline directly support the potential victims (referrals, safety planning,
    # shelter, transport...)? None: not recorded. Counts "survivors directly supported".
    victims_served = models.BooleanField(null=True, blank=True)
    state = models.CharField(max_length=2, choices=USStateChoices.choices, blank=True)
    county = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    summary = EncryptedTextField(period_key=True)
    shredded_at = models.DateTimeField(
        null=True, blank=True, help_text="Summary and notes removed under the retention schedule"
    )
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

    objects = RestrictedQuerySet.as_manager()
    # what the record conditions of the rules look at (accounts/rules.yaml): the case is
    # assigned to (is_owner) or was opened by (is_creator) the user, or the user handled one of
    # its contacts (on_team)
    rules_owner_field = "assigned_to"
    rules_creator_field = "created_by"
    rules_created_field = "created_at"

    class Meta:
        ordering = ["-created_at", "-id"]
        # The case list shows cases that were not merged away, newest first, filtered by one
        # or more of these columns. Partial indexes (merged_into IS NULL, as every list query
        # says) keep its counts and first pages to index reads: see bench/cases.py.
        indexes = [
            models.Index(fields=["-created_at"], name="case_list_idx", condition=_LISTED),
            models.Index(fields=["status", "-created_at"], name="case_status_idx",
                         condition=_LISTED),
            models.Index(fields=["state", "-created_at"], name="case_state_idx",
                         condition=_LISTED),
            models.Index(fields=["trafficking_type", "-created_at"], name="case_type_idx",
                         condition=_LISTED),
            models.Index(fields=["venue", "-created_at"], name="case_venue_idx",
                         condition=_LISTED),
            models.Index(fields=["follow_up_on", "-created_at"], name="case_due_idx",
                         condition=_LISTED),
            models.Index(fields=["assigned_to", "follow_up_on"], name="case_followup_idx",
                         condition=_LISTED),
        ]  # fmt: skip

    def __str__(self):
        return f"Case {self.short_id}"

    @staticmethod
    def rules_team_q(user) -> models.Q:
        return models.Q(
            pk__in=CaseContact.objects.filter(contact__handled_by=user.pk).values("case_id")
        )

    def rules_on_team(self, user) -> bool:
        return self.links.filter(contact__handled_by=user.pk).exists()

    @property
    def short_id(self) -> str:
        return short_id(self.id)


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
    body = EncryptedTextField(period_key=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    rules_through = "case"

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

    objects = RestrictedQuerySet.as_manager()
    rules_through = "case"

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.old or '-'} -> {self.new}"


class TipReport(models.Model):
    """What leaves the hotline for one agency about one case.

    The author drafts it; a case analyst reviews it; a supervisor approves it. Approval freezes
    ``approved_content`` (JSON, encrypted) and its SHA-256 ``approved_digest``: the PDF and the
    agency's link show that snapshot and nothing else, so the agency sees exactly what was
    approved. Personal details go into the snapshot only when the consent basis allows them
    (``cases.reports.content``).
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reports")
    status = models.CharField(
        max_length=24,
        choices=TipReportStatusChoices.choices,
        default=TipReportStatusChoices.DRAFT,
        db_index=True,
    )
    agency = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The agency's entry in the directory (usually a step of the case's protocol)",
    )  # fmt: skip
    agency_name = models.CharField(
        max_length=200, blank=True, help_text="For an agency that is not in the directory"
    )
    protocol = models.ForeignKey(
        "protocols.Protocol", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    urgency = models.CharField(
        max_length=16,
        choices=TipReportUrgencyChoices.choices,
        default=TipReportUrgencyChoices.ROUTINE,
    )
    facts = EncryptedTextField(help_text="What happened, where and when, as the agency reads it")
    location_detail = EncryptedTextField(help_text="Address or description of the venue")
    indicators = models.JSONField(default=list, blank=True, help_text="Methods of control")
    personal_details = EncryptedTextField(
        help_text="Names and ways to reach people: shared only when the consent basis allows"
    )
    consent_basis = models.CharField(
        max_length=16, choices=TipReportConsentBasisChoices.choices, blank=True
    )
    consent_given_by = EncryptedTextField(help_text="Who consented, e.g. 'the caller'")
    consent_given_at = models.DateTimeField(null=True, blank=True)
    consent_scope = models.CharField(
        max_length=24, choices=TipReportConsentScopeChoices.choices, blank=True
    )
    override_reason = models.CharField(
        max_length=32, blank=True, help_text="A code from cases/data/reports.yaml"
    )
    override_state = models.CharField(max_length=2, blank=True)
    override_explanation = EncryptedTextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_content = EncryptedTextField(help_text="The frozen JSON the agency sees")
    approved_digest = models.CharField(max_length=64, blank=True)
    # The crisis fast path (cases.reports.fast_path): a supervisor approved it alone
    fast_tracked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    fast_tracked_at = models.DateTimeField(null=True, blank=True, db_index=True)
    fast_track_reason = EncryptedTextField(help_text="Why it could not wait for the review")
    after_reviewed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a case analyst reviewed it after the fast path"
    )
    outcome = EncryptedTextField()
    follow_up_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    rules_through = "case"  # a report is seen by those who may see its case

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="tipreport_status_idx")]

    def __str__(self):
        return f"Report {self.short_id}"

    @property
    def short_id(self) -> str:
        return short_id(self.id)

    @property
    def recipient(self) -> str:
        if self.agency_id:
            return self.agency.name
        return self.agency_name


class TipReportEvent(models.Model):
    """One step of a report: who did what, when, with their comment (encrypted)."""

    report = models.ForeignKey(TipReport, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=TipReportEventKindChoices.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    actor_label = models.CharField(max_length=150, help_text="A user, or 'agency link'")
    comment = EncryptedTextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.kind} on {self.report_id}"


class AgencyLink(models.Model):
    """A secure, expiring link to one approved report for one recipient.

    Only the SHA-256 of the link's token is stored, so a database copy cannot open it. The
    first browser that opens it claims it (a secret cookie, stored hashed); any other browser
    is refused, as is any use after ``expires_at`` or after it is revoked. Every use is logged
    in ``AgencyLinkAccess`` and audited.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    report = models.ForeignKey(TipReport, on_delete=models.PROTECT, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    recipient_name = EncryptedTextField(period_key=True, help_text="The person the link is for")
    recipient_contact = EncryptedTextField(
        period_key=True, help_text="Where the link was sent (email, phone)"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    claim_hash = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Emailing the link (optional): the outbound queue sends it to recipient_contact. The
    # link's address is kept, encrypted, only until it is sent or given up on.
    email_state = models.CharField(
        max_length=16, choices=AgencyLinkEmailStateChoices.choices, blank=True
    )
    email_url = EncryptedTextField(
        period_key=True, blank=True, help_text="The link, until it is emailed"
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"link to {self.report_id}"

    @property
    def recipient(self) -> str:
        """The recipient's name in clear, for the pages that show it (the staff member who
        delivers the report, and the recipient's own opening page)."""
        return reveal(self.recipient_name) or ""


class AgencyLinkAccess(models.Model):
    """One use of an agency link, refused or not. No address or browser is stored."""

    link = models.ForeignKey(AgencyLink, on_delete=models.CASCADE, related_name="accesses")
    outcome = models.CharField(max_length=16, choices=AgencyLinkAccessOutcomeChoices.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.outcome} at {self.at:%Y-%m-%d %H:%M}"


class PhoneNotification(models.Model):
    """An agency told by phone (Aselo's external notification): who at which agency, their
    badge or staff id, and when."""

    report = models.ForeignKey(TipReport, on_delete=models.PROTECT, related_name="phone_calls")
    agency_name = models.CharField(max_length=200)
    person = EncryptedTextField(help_text="The officer or staff member spoken to (encrypted)")
    badge_or_id = models.CharField(max_length=64, blank=True)
    called_at = models.DateTimeField()
    note = EncryptedTextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["called_at", "id"]

    def __str__(self):
        return f"{self.agency_name} at {self.called_at:%Y-%m-%d %H:%M}"

    @property
    def person_name(self) -> str:
        """The name in clear, for the report page that shows it to staff."""
        return reveal(self.person) or ""


class LegalHold(models.Model):
    """Keep records past their retention schedule while a court case or an investigation needs
    them: a contact, a case (and every contact linked to it), or the contacts received in a date
    range. Released, it no longer holds; releasing is audited."""

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, null=True, blank=True, related_name="holds"
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="holds"
    )
    received_from = models.DateField(null=True, blank=True)
    received_until = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=500, help_text="Why, never personal data")
    review_on = models.DateField(help_text="When a supervisor decides whether it still holds")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review_on", "placed_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(contact__isnull=False, case__isnull=True, received_from__isnull=True)
                    | models.Q(contact__isnull=True, case__isnull=False, received_from__isnull=True)
                    | models.Q(
                        contact__isnull=True,
                        case__isnull=True,
                        received_from__isnull=False,
                        received_until__isnull=False,
                    )
                ),  # fmt: skip
                name="legal_hold_one_target",
            )
        ]

    def __str__(self):
        return f"Legal hold until reviewed on {self.review_on}"


class PersonExport(models.Model):
    """What the hotline holds about a person, for that person (issue 22): the contacts a
    supervisor chose among those reached from the person's phone number or email address.
    Nothing of their content is stored here: the bundle is built from the records when it is
    reviewed and again when it is released, and the release is refused unless both are the same
    (``digest``, SHA-256 of the content the approver saw)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    contact_ids = models.JSONField(default=list)
    language = models.CharField(max_length=35, default="en", help_text="The bundle's language")
    reason = models.CharField(max_length=300, help_text="The person's request, never personal data")
    state = models.CharField(
        max_length=16, choices=PersonExportStateChoices.choices,
        default=PersonExportStateChoices.PENDING,
    )  # fmt: skip
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    digest = models.CharField(max_length=64, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"export for a person {self.short_id}"

    def get_absolute_url(self) -> str:
        return reverse("console:person_export", args=[self.pk])

    @property
    def short_id(self) -> str:
        return short_id(self.pk)
