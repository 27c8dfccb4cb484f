from django.db import models
from django.utils.translation import gettext_lazy as _


class DataKeyPurposeChoices(models.TextChoices):
    DATA = "data", _("Field encryption")
    INDEX = "index", _("Blind index")
