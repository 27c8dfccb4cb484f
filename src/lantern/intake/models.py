from django.db import models
from django.utils import timezone


class SmsOptOut(models.Model):
    """A person who texted STOP to one of the hotline's numbers: nothing is sent to them from
    that number until they text START. The number itself is kept only as its blind index."""

    hotline_address = models.CharField(max_length=200)
    participant_index = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["hotline_address", "participant_index"], name="sms_opt_out_unique"
            )
        ]

    def __str__(self):
        return f"opt-out on {self.hotline_address}"
