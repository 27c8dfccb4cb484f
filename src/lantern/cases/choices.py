from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralStatusChoices(models.TextChoices):
    """Closed-loop referral status (DESIGN.md). Giving a referral sets ``given``."""

    GIVEN = "given", _("Given")
    CONTACTED = "contacted", _("Contacted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    UNREACHABLE = "unreachable", _("Unreachable")
