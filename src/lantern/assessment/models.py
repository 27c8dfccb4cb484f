"""An administrator's answer to one criterion of the self-assessment: the latest answer is the
hotline's; earlier ones stay in the audit trail."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.assessment.choices import AnswerChoices


class Answer(models.Model):
    criterion = models.CharField(max_length=40, unique=True, help_text="A key of criteria.CRITERIA")
    answer = models.CharField(max_length=8, choices=AnswerChoices.choices, blank=True)
    # What the hotline does, in the administrator's words: policy, not people (no personal data)
    note = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["criterion"]

    def __str__(self):
        return f"{self.criterion}: {self.answer or 'not answered'}"
