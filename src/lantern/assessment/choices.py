"""The self-assessment's vocabulary."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AnswerChoices(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    NOT_ANSWERED = "", _("Not answered yet")
