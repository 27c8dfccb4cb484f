"""What the stats app keeps: raw aggregates as dated snapshots (staff only), releases (the
protected tables a supervisor approves for the public), and the privacy budget ledger."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.core.ids import uuid7
from lantern.stats.choices import (
    ReleaseModeChoices,
    ReleaseStatusChoices,
    SnapshotPeriodChoices,
)


class Snapshot(models.Model):
    """One pre-defined table's counts for one period, as computed at ``computed_at``.

    ``rows`` is ``[[row, column, count], ...]``: categories and counts only (a table is built
    from choice fields; no free text ever enters one). Raw: small counts are not suppressed,
    so snapshots are for staff dashboards and for building releases, never published as is.
    """

    table = models.CharField(max_length=64)
    period = models.CharField(max_length=8, choices=SnapshotPeriodChoices.choices)
    period_start = models.DateField()
    rows = models.JSONField(default=list)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-computed_at"]
        indexes = [
            models.Index(fields=["table", "period", "period_start", "-computed_at"],
                         name="snapshot_lookup_idx"),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.table} {self.period} {self.period_start:%Y-%m-%d}"


class Release(models.Model):
    """A year's public statistics: the protected tables exactly as published, the audit that
    let them out, and who approved them."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    year = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=16, choices=ReleaseStatusChoices.choices, default=ReleaseStatusChoices.DRAFT
    )
    mode = models.CharField(max_length=16, choices=ReleaseModeChoices.choices)
    threshold = models.PositiveSmallIntegerField()
    tables = models.JSONField(help_text="The protected tables, as published")
    audit = models.JSONField(help_text="Per table: suppressed cells and the narrowest interval")
    epsilon = models.FloatField(default=0, help_text="Privacy budget this release spent")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the published tables")
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    prepared_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-prepared_at"]

    def __str__(self):
        return f"{self.year} statistics ({self.get_status_display().lower()})"


class BudgetSpend(models.Model):
    """The privacy budget ledger: one row per table noised for a year. The noisy counts are
    kept, so a later release of the same year and table reuses them instead of drawing new
    noise (averaging several noisy releases would wear the protection away)."""

    year = models.PositiveSmallIntegerField()
    table = models.CharField(max_length=64)
    epsilon = models.FloatField()
    noisy = models.JSONField(help_text="[[row, column, noisy count], ...]")
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="spends")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["year", "table"]
        constraints = [
            models.UniqueConstraint(fields=["year", "table"], name="budget_once_per_table_year")
        ]

    def __str__(self):
        return f"{self.year} {self.table}: epsilon {self.epsilon:g}"
