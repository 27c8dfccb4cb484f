from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxItemStateChoices(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    DEAD = "dead", _("Not sent (gave up)")
