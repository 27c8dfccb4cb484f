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
