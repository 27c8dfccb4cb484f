from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralStatusChoices(models.TextChoices):
    """Closed-loop referral status (DESIGN.md). Giving a referral sets ``given``."""

    GIVEN = "given", _("Given")
    CONTACTED = "contacted", _("Contacted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    UNREACHABLE = "unreachable", _("Unreachable")


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
