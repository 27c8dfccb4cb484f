"""Staff training and quality review.

- **Courses** and each staff member's **training records** (completed on, expiring after the
  course's validity). A queue can **require** courses: routing offers its contacts only to
  advocates whose records for them are current (``training.gate``).
- The quality **rubric** (criteria with a scale and a weight; one rubric is active) and the
  **reviews** supervisors write of logged contacts, with a score per criterion, feedback the
  advocate reads and acknowledges. A review points at its contact and keeps no caller details.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantern.core.ids import uuid7
from lantern.privacy.fields import EncryptedTextField
from lantern.training.choices import CriterionScaleChoices, ScoreValueChoices


class Course(models.Model):
    """A course staff take: induction, crisis response, a refresher. Administrators edit them."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: a completion never expires"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("console:training_courses")


class CourseRequirement(models.Model):
    """Advocates need a current record of ``course`` to take contacts of ``queue``."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="requirements")
    queue = models.ForeignKey(
        "routing.Queue", on_delete=models.CASCADE, related_name="course_requirements"
    )

    class Meta:
        ordering = ["queue", "course"]
        verbose_name = _("queue requirement")
        verbose_name_plural = _("queue requirements")
        constraints = [
            models.UniqueConstraint(fields=["course", "queue"], name="course_requirement_once")
        ]

    def __str__(self):
        return f"{self.queue}: {self.course}"


class TrainingRecord(models.Model):
    """One staff member completed one course on a day; it expires after the course's validity
    (computed when recorded, so a later change of validity does not rewrite history)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True, help_text="Empty: never expires")
    note = EncryptedTextField(help_text="Staff's own words about the training")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_on", "-recorded_at"]
        indexes = [models.Index(fields=["user", "course"], name="training_record_user_idx")]

    def __str__(self):
        return f"{self.course} ({self.completed_on})"


class Rubric(models.Model):
    """A set of criteria contacts are scored on. One is active; a review keeps the rubric it was
    scored against, so change a rubric in use by making a new one."""

    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(_("active"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-active", "-created_at"]
        verbose_name = _("quality rubric")
        verbose_name_plural = _("quality rubrics")
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="rubric_one_active"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        others = Rubric.objects.filter(active=True).exclude(pk=self.pk)
        if self.active and others.exists():
            raise ValidationError(
                {"active": f"“{others.first()}” is active: make it inactive first (one at a time)"}
            )


class Criterion(models.Model):
    """One thing a reviewer scores: "safety assessment done", on a scale, with a weight."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    scale = models.CharField(
        _("scale"),
        max_length=16,
        choices=CriterionScaleChoices.choices,
        default=CriterionScaleChoices.ZERO_TO_TWO,
    )
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)

    class Meta:
        ordering = ["rubric", "position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self):
        return self.name


class Review(models.Model):
    """A supervisor's quality review of one logged contact: scores, a weighted percentage and
    feedback for the advocate who handled it, who acknowledges having read it."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="quality_reviews"
    )
    advocate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quality_reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    queue = models.ForeignKey(
        "routing.Queue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The queue the contact was answered from (none for one logged by hand)",
    )
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="reviews")
    score = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, help_text="Weighted percentage (0-100)"
    )
    feedback = EncryptedTextField(help_text="For the advocate; it may quote the contact")
    reviewed_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reviewed_at"]
        indexes = [
            models.Index(fields=["advocate", "-reviewed_at"], name="review_advocate_idx"),
            models.Index(fields=["reviewed_at"], name="review_reviewed_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["contact", "reviewer"], name="review_once_per_reviewer")
        ]

    def __str__(self):
        return f"Review of contact {self.contact_id}"

    def get_absolute_url(self):
        return reverse("console:review_detail", args=[self.pk])


class Score(models.Model):
    """One criterion's answer in a review, with the points and weight it counted for."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(max_length=3, choices=ScoreValueChoices.choices)
    points = models.PositiveSmallIntegerField(null=True, help_text="None: not applicable")
    max_points = models.PositiveSmallIntegerField()
    weight = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_once_per_criterion")
        ]

    def __str__(self):
        return f"{self.criterion}: {self.get_value_display()}"
