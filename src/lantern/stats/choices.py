from django.db import models
from django.utils.translation import gettext_lazy as _


class ReleaseStatusChoices(models.TextChoices):
    """A release is prepared (protected and audited), then a supervisor approves it for the
    public site, or it is withdrawn."""

    DRAFT = "draft", _("Prepared, waiting for approval")
    PUBLISHED = "published", _("Approved and public")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReleaseModeChoices(models.TextChoices):
    SUPPRESSION = "suppression", _("Suppression with an interval audit")
    DIFFERENTIAL_PRIVACY = "dp", _("Differential privacy (noisy counts)")


class SnapshotPeriodChoices(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")
