"""Response protocols: for a jurisdiction and a situation, whom to call, in which order.

"Call the task force duty phone first; if no answer in 15 minutes, the FBI field office." A
protocol is for one jurisdiction (national, a state, a county or a city) and a situation: each
condition (crisis, type of trafficking, minor involved, consent to share, foreign national) is
either a value it is for, or empty for "any". Its steps are directory services or named agency
contacts, in order, with instructions. Agency phone numbers are not personal data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.cases.choices import CaseTraffickingTypeChoices
from lantern.core.geo import USStateChoices
from lantern.core.ids import uuid7
from lantern.protocols.choices import ProtocolLevelChoices

SITUATION_FIELDS = ("crisis", "trafficking_type", "minor", "consent", "foreign_national")


class Protocol(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=16, choices=ProtocolLevelChoices.choices)
    state = models.CharField(max_length=2, choices=USStateChoices.choices, blank=True)
    county = models.CharField(max_length=100, blank=True, help_text="County level only")
    city = models.CharField(max_length=100, blank=True, help_text="City level only")
    # The situation: None (or "") is "any".
    crisis = models.BooleanField(null=True, blank=True)
    trafficking_type = models.CharField(
        max_length=16, choices=CaseTraffickingTypeChoices.choices, blank=True
    )
    minor = models.BooleanField(null=True, blank=True)
    consent = models.BooleanField(null=True, blank=True, help_text="The caller consents to share")
    foreign_national = models.BooleanField(null=True, blank=True)
    notes = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    last_verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["level", "state", "county", "city", "name"]
        indexes = [
            models.Index(fields=["level", "state", "county", "city"], name="protocol_place_idx")
        ]

    def __str__(self):
        return self.name

    @property
    def jurisdiction(self) -> str:
        if self.level == ProtocolLevelChoices.NATIONAL:
            return "National"
        place = self.city or self.county
        return f"{place}, {self.state}" if place else self.get_state_display()

    def situation(self) -> dict:
        """The conditions this protocol sets (the others are "any")."""
        values = {name: getattr(self, name) for name in SITUATION_FIELDS}
        return {name: value for name, value in values.items() if value not in (None, "")}


class ProtocolStep(models.Model):
    """One contact to make, in order: a directory service, or an agency contact by name."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.CharField(max_length=200, blank=True, help_text='e.g. "FBI field office"')
    phone = models.CharField(max_length=40, blank=True)
    instructions = models.TextField()
    wait_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Go on to the next step after this long without answer"
    )

    class Meta:
        ordering = ["protocol", "position"]
        constraints = [
            models.UniqueConstraint(fields=["protocol", "position"], name="protocol_step_order")
        ]

    def __str__(self):
        return f"{self.position}. {self.agency or self.service_id}"
