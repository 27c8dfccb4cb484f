from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralStatusChoices(models.TextChoices):
    """Closed-loop referral status (DESIGN.md). Giving a referral sets ``given``."""

    GIVEN = "given", _("Given")
    CONTACTED = "contacted", _("Contacted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    UNREACHABLE = "unreachable", _("Unreachable")


# The closed loop: where a referral may go from each status. Accepted and declined are outcomes;
# an outcome can still be corrected (the caller was accepted after all).
REFERRAL_MOVES = {
    "given": {"contacted", "accepted", "declined", "unreachable"},
    "contacted": {"accepted", "declined", "unreachable"},
    "unreachable": {"contacted", "accepted", "declined"},
    "accepted": {"declined"},
    "declined": {"accepted"},
}
REFERRAL_OPEN = ("given", "contacted", "unreachable")


class CaseTraffickingTypeChoices(models.TextChoices):
    """Type of trafficking (DESIGN.md; CTDC's isSexualExploit / isForcedLabour)."""

    SEX = "sex", _("Sex trafficking")
    LABOR = "labor", _("Labor trafficking")
    SEX_AND_LABOR = "sex_and_labor", _("Sex and labor trafficking")
    UNKNOWN = "unknown", _("Not known yet")


class CaseControlMethodChoices(models.TextChoices):
    """Methods of control (CTDC's ``meansOfControl...`` columns)."""

    DEBT_BONDAGE = "debt_bondage", _("Debt bondage")
    TAKES_EARNINGS = "takes_earnings", _("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = "restricts_financial_access", _("Restricts access to money")
    THREATS = "threats", _("Threats")
    PSYCHOLOGICAL_ABUSE = "psychological_abuse", _("Psychological abuse")
    PHYSICAL_ABUSE = "physical_abuse", _("Physical abuse")
    SEXUAL_ABUSE = "sexual_abuse", _("Sexual abuse")
    FALSE_PROMISES = "false_promises", _("False promises")
    PSYCHOACTIVE_SUBSTANCES = "psychoactive_substances", _("Psychoactive substances")
    RESTRICTS_MOVEMENT = "restricts_movement", _("Restricted movement")
    RESTRICTS_MEDICAL_CARE = "restricts_medical_care", _("Restricted medical care")
    EXCESSIVE_WORKING_HOURS = "excessive_working_hours", _("Excessive working hours")
    USES_CHILDREN = "uses_children", _("Uses children")
    THREAT_OF_LAW_ENFORCEMENT = "threat_of_law_enforcement", _("Threat of law enforcement")
    WITHHOLDS_NECESSITIES = "withholds_necessities", _("Withholds necessities")
    WITHHOLDS_DOCUMENTS = "withholds_documents", _("Withholds documents")
    OTHER = "other", _("Other")
    NOT_SPECIFIED = "not_specified", _("Not specified")


class CasePartyRoleChoices(models.TextChoices):
    POTENTIAL_VICTIM = "potential_victim", _("Potential victims")
    SUSPECTED_TRAFFICKER = "suspected_trafficker", _("Suspected traffickers")


class CaseAgeBandChoices(models.TextChoices):
    """CTDC's ``ageBroad`` bands."""

    AGE_0_8 = "0--8", _("0–8")
    AGE_9_17 = "9--17", _("9–17")
    AGE_18_20 = "18--20", _("18–20")
    AGE_21_23 = "21--23", _("21–23")
    AGE_24_26 = "24--26", _("24–26")
    AGE_27_29 = "27--29", _("27–29")
    AGE_30_38 = "30--38", _("30–38")
    AGE_39_47 = "39--47", _("39–47")
    AGE_48 = "48+", _("48 or over")
    UNKNOWN = "unknown", _("Not known")


MINOR_AGE_BANDS = frozenset({CaseAgeBandChoices.AGE_0_8, CaseAgeBandChoices.AGE_9_17})
ADULT_AGE_BANDS = frozenset(CaseAgeBandChoices.values) - MINOR_AGE_BANDS - {"unknown"}


class CaseGenderChoices(models.TextChoices):
    """CTDC's ``gender`` values."""

    WOMAN = "woman", _("Woman or girl")
    MAN = "man", _("Man or boy")
    TRANSGENDER_NONBINARY = "transgender_nonbinary", _("Transgender or non-binary")
    UNKNOWN = "unknown", _("Not known")


class CaseCitizenshipChoices(models.TextChoices):
    US_CITIZEN = "us_citizen", _("U.S. citizen")
    FOREIGN_NATIONAL = "foreign_national", _("Foreign national")
    UNKNOWN = "unknown", _("Not known")


# --- tip reports --------------------------------------------------------------------------------


class TipReportStatusChoices(models.TextChoices):
    """Where a tip report is on its way out (DESIGN.md: drafted, reviewed, approved, delivered)."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Waiting for a case analyst's review")
    AWAITING_APPROVAL = "awaiting_approval", _("Reviewed; waiting for a supervisor's approval")
    APPROVED = "approved", _("Approved; not delivered yet")
    DELIVERED = "delivered", _("Delivered")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the agency")
    CLOSED = "closed", _("Closed with an outcome")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class TipReportUrgencyChoices(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate: someone is in danger now")
    URGENT = "urgent", _("Urgent: act within a day")
    ROUTINE = "routine", _("Routine")


class TipReportConsentBasisChoices(models.TextChoices):
    """Why the hotline may pass this on: the caller said yes, or a listed override applies."""

    CONSENT = "consent", _("The caller consented")
    OVERRIDE = "override", _("An override applies (needs a supervisor)")


class TipReportConsentScopeChoices(models.TextChoices):
    """What the caller agreed may be shared."""

    FACTS_ONLY = "facts_only", _("The facts only, nothing that identifies the caller")
    FACTS_AND_IDENTITY = "facts_and_identity", _("The facts and the personal details below")


class TipReportEventKindChoices(models.TextChoices):
    """One step of a report's history, shown on its page and on the case's timeline."""

    DRAFTED = "drafted", _("Drafted")
    EDITED = "edited", _("Edited")
    SUBMITTED = "submitted", _("Sent for review")
    REVIEWED = "reviewed", _("Reviewed and passed on for approval")
    SENT_BACK = "sent_back", _("Sent back with comments")
    APPROVED = "approved", _("Approved")
    FAST_TRACKED = "fast_tracked", _("Approved by the crisis fast path")
    REVIEWED_AFTER = "reviewed_after", _("Reviewed after the crisis fast path")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LINK_ISSUED = "link_issued", _("Secure link issued")
    LINK_REVOKED = "link_revoked", _("Secure link revoked")
    LINK_EMAILED = "link_emailed", _("Secure link emailed to its recipient")
    LINK_EMAIL_FAILED = "link_email_failed", _("Secure link could not be emailed")
    PDF_PREPARED = "pdf_prepared", _("PDF prepared for delivery")
    PHONED = "phoned", _("Agency notified by phone")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the agency")
    OUTCOME = "outcome", _("Outcome recorded")


class AgencyLinkEmailStateChoices(models.TextChoices):
    """Where an agency link that staff chose to email is (the outbound queue sends it)."""

    QUEUED = "queued", _("being emailed")
    SENT = "sent", _("emailed")
    FAILED = "failed", _("not emailed")
    CANCELLED = "cancelled", _("not emailed: revoked or expired first")


class AgencyLinkAccessOutcomeChoices(models.TextChoices):
    """What happened when someone used an agency link (every use is logged)."""

    OPENED = "opened", _("Opened by its recipient")
    VIEWED = "viewed", _("Viewed again by its recipient")
    PDF = "pdf", _("PDF downloaded")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    EXPIRED = "expired", _("Refused: expired")
    REVOKED = "revoked", _("Refused: revoked")
    REUSED = "reused", _("Refused: already opened on another device")


class PersonExportStateChoices(models.TextChoices):
    """Where a bundle for a person who asked what the hotline holds about them is: prepared by
    one supervisor, approved or declined by another, then released (downloaded) once."""

    PENDING = "pending", _("waiting for approval")
    APPROVED = "approved", _("approved, not yet released")
    DECLINED = "declined", _("declined")
    RELEASED = "released", _("released to the person")
