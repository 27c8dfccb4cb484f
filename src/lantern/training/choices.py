from django.db import models
from django.utils.translation import gettext_lazy as _


class CriterionScaleChoices(models.TextChoices):
    """How a rubric criterion is scored. ``SCALES`` gives each one's answers and their points."""

    ZERO_TO_TWO = "zero_to_two", _("0–2 (not done, partly, fully)")
    YES_NO = "yes_no", _("Yes or no")
    YES_NO_NA = "yes_no_na", _("Yes, no or not applicable")


class ScoreValueChoices(models.TextChoices):
    """One answer to one criterion."""

    ZERO = "0", _("0: not done")
    ONE = "1", _("1: partly")
    TWO = "2", _("2: fully")
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Not applicable")


# Each scale's answers, with the points they earn (None: not applicable, left out of the score).
SCALES: dict[str, dict[str, int | None]] = {
    CriterionScaleChoices.ZERO_TO_TWO: {"0": 0, "1": 1, "2": 2},
    CriterionScaleChoices.YES_NO: {"yes": 1, "no": 0},
    CriterionScaleChoices.YES_NO_NA: {"yes": 1, "no": 0, "na": None},
}


class TrainingStandingChoices(models.TextChoices):
    """Where a staff member stands with one course."""

    CURRENT = "current", _("Current")
    EXPIRED = "expired", _("Expired")
    MISSING = "missing", _("Not completed")
