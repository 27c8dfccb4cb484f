"""Routing: business calendars, queues, the workflow, advocates' presence, and the tasks and
offers that bring a waiting contact to an advocate (the vocabulary of Twilio TaskRouter).

What a hotline changes (calendars, queues, the workflow) is data with admin screens; every save is
checked (``clean``) so that a calendar that cannot work or a contact with no way out is refused
with a message, not discovered at 3 a.m.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from lantern.contacts.choices import ContactChannelChoices
from lantern.core.ids import uuid7
from lantern.privacy.fields import EncryptedTextField
from lantern.routing import calendars, workflow
from lantern.routing.choices import (
    AdvocateDeviceChoices,
    AdvocatePresenceChoices,
    BreachKindChoices,
    CallEventKindChoices,
    CallLegStateChoices,
    CallRoleChoices,
    OfferFailureChoices,
    OfferStateChoices,
    TaskStateChoices,
    TaskUrgencyChoices,
)


class BusinessCalendar(models.Model):
    """Weekly hours in a time zone, less public holidays and the hotline's own closures."""

    name = models.SlugField(max_length=50, unique=True)
    label = models.CharField(max_length=100)
    time_zone = models.CharField(max_length=64, default="America/New_York")
    hours = models.JSONField(
        default=calendars.weekdays_9_to_7,
        help_text='Ranges per day, e.g. {"mon": ["09:00-19:00"], "sat": ["10:00-14:00"]}',
    )
    holidays = models.CharField(
        max_length=16,
        default="US",
        blank=True,
        help_text="Country (and optional subdivision, US-CA) whose public holidays are closed",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.label

    def clean(self):
        try:
            calendars.validate(self.time_zone, self.hours, self.holidays)
        except calendars.CalendarError as exc:
            raise ValidationError({"hours": str(exc)}) from None

    def calendar(self) -> calendars.Calendar:
        return calendars.Calendar(
            time_zone=self.time_zone,
            hours=self.hours,
            holidays=self.holidays,
            closures=[c.date for c in self.closures.all()],
        )


class CalendarClosure(models.Model):
    """A day the hotline's business hours are closed besides public holidays (a training day)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="closures"
    )
    date = models.DateField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendar_closure_unique")
        ]

    def __str__(self):
        return f"{self.date}: {self.name}"


def default_review_channels() -> list[str]:
    """Emails and web tips: the work a hotline reviews daily, weekends included."""
    return [ContactChannelChoices.EMAIL, ContactChannelChoices.WEBFORM]


class Queue(models.Model):
    """Where contacts wait for an advocate with the required skills, in priority order."""

    name = models.SlugField(max_length=50, unique=True)
    label = models.CharField(max_length=100)
    priority = models.PositiveSmallIntegerField(
        default=0, help_text="Higher is served first among contacts of the same urgency"
    )
    skills = models.JSONField(
        default=list,
        blank=True,
        help_text='Skills an advocate needs: ["lang:es"], ["channel:phone"], ["role:supervisor"]',
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="Business hours; empty means open 24/7",
    )
    answer_within_seconds = models.PositiveIntegerField(
        default=60, help_text="Service-level target: answered within this many seconds"
    )
    service_level_percent = models.PositiveSmallIntegerField(
        default=80, help_text="...for this share of contacts"
    )
    first_response_business_days = models.PositiveSmallIntegerField(
        default=1, help_text="Queues with hours: first response due within these business days"
    )
    after_hours_business_days = models.PositiveSmallIntegerField(
        default=3, help_text="Queues with hours: a contact arriving when closed is due this later"
    )
    review_calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Reviewed daily: non-urgent work from the review channels is offered in this "
        "calendar's hours and due when its next session ends (weekends and holidays as it says)",
    )
    review_channels = models.JSONField(
        default=default_review_channels,
        blank=True,
        help_text='Channels reviewed daily, e.g. ["email", "webform"]',
    )
    diverted_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Surge mode: new and waiting contacts go to this queue instead",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-priority", "name"]

    def __str__(self):
        return self.label

    def clean(self):
        if not isinstance(self.skills, list) or not all(isinstance(s, str) for s in self.skills):
            raise ValidationError({"skills": 'give a list of skill names, e.g. ["lang:es"]'})
        channels = self.review_channels
        if not isinstance(channels, list) or not set(channels) <= set(ContactChannelChoices.values):
            raise ValidationError(
                {"review_channels": f"give channels from {', '.join(ContactChannelChoices.values)}"}
            )
        if not 1 <= self.service_level_percent <= 100:
            raise ValidationError({"service_level_percent": "a percentage from 1 to 100"})
        if self.diverted_to_id and self.diverted_to_id == self.pk:
            raise ValidationError({"diverted_to": "a queue cannot be diverted to itself"})


class RoutingWorkflow(models.Model):
    """The workflow document (``routing.workflow``); the newest active one is used."""

    definition = models.JSONField()
    note = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Workflow {self.pk} ({self.created_at:%Y-%m-%d})"

    def clean(self):
        try:
            self.parsed()
        except workflow.WorkflowError as exc:
            raise ValidationError({"definition": str(exc)}) from None

    def parsed(self) -> workflow.Workflow:
        queues = dict(Queue.objects.filter(active=True).values_list("name", "calendar_id"))
        return workflow.parse(
            self.definition,
            set(queues),
            always_open={name for name, calendar in queues.items() if calendar is None},
        )


def default_capacity() -> dict:
    return {"phone": 1, "sms": 3, "chat": 2, "email": 5, "webform": 5, "other": 1}


class AdvocateStatus(models.Model):
    """An advocate as routing sees them: presence, skills, and how much work of each channel."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="routing_status",
    )
    presence = models.CharField(
        max_length=16,
        choices=AdvocatePresenceChoices.choices,
        default=AdvocatePresenceChoices.OFFLINE,
    )
    presence_since = models.DateTimeField(default=timezone.now)
    idle_since = models.DateTimeField(
        default=timezone.now, help_text="Since when the advocate has had no work"
    )
    skills = models.JSONField(default=list, blank=True, help_text='e.g. ["lang:en", "lang:es"]')
    capacity = models.JSONField(
        default=default_capacity, help_text="How many contacts of each channel at once"
    )
    missed_offers = models.PositiveSmallIntegerField(default=0)
    device = models.CharField(
        max_length=16,
        choices=AdvocateDeviceChoices.choices,
        default=AdvocateDeviceChoices.BROWSER,
        help_text="How the advocate takes calls: the browser softphone or their own phone",
    )
    phone = EncryptedTextField(
        help_text="The advocate's own number (E.164), never shown to callers"
    )

    class Meta:
        ordering = ["user__username"]
        verbose_name_plural = "advocate statuses"

    def __str__(self):
        return f"{self.user} ({self.get_presence_display()})"

    def clean(self):
        if not isinstance(self.capacity, dict) or any(
            k not in ContactChannelChoices.values or not isinstance(v, int) or v < 0
            for k, v in self.capacity.items()
        ):
            raise ValidationError(
                {"capacity": 'map channels to whole numbers, e.g. {"phone": 1, "chat": 2}'}
            )

    def all_skills(self) -> set[str]:
        """The skills listed, plus ``role:<role>`` and ``channel:<ch>`` for each they can take."""
        implicit = {f"role:{self.user.role}"}
        implicit |= {f"channel:{ch}" for ch, n in self.capacity.items() if n > 0}
        return set(self.skills) | implicit


class Task(models.Model):
    """A contact in routing: triaged, waiting in a queue, offered, with an advocate, or done."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    contact = models.OneToOneField(
        "contacts.Contact", on_delete=models.CASCADE, related_name="routing_task"
    )
    channel = models.CharField(max_length=16, choices=ContactChannelChoices.choices)
    urgency = models.CharField(max_length=16, choices=TaskUrgencyChoices.choices)
    language = models.CharField(max_length=35, default="en")
    category = models.CharField(max_length=32, blank=True)
    flags = models.JSONField(default=list, blank=True)
    reasons = models.JSONField(default=list, blank=True, help_text="Why triage decided so")
    retriage_notes = EncryptedTextField(
        help_text="Staff's own words on why they changed triage: they may name someone"
    )
    state = models.CharField(
        max_length=16, choices=TaskStateChoices.choices, default=TaskStateChoices.WAITING
    )
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="tasks")
    route = models.CharField(max_length=64, help_text="The workflow filter that matched")
    step = models.PositiveSmallIntegerField(default=0)
    skills = models.JSONField(default=list, blank=True, help_text="Skills the current step needs")
    step_timeout_at = models.DateTimeField(null=True, blank=True)
    priority = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(
        help_text="Answer by: the service-level target of the queue the contact first entered"
    )
    triaged_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True, help_text="Supervisors warned")
    breached_at = models.DateTimeField(null=True, blank=True, help_text="Missed its target")

    class Meta:
        ordering = ["-priority", "created_at"]
        indexes = [
            models.Index(fields=["state", "-priority", "created_at"], name="task_waiting_idx"),
            models.Index(fields=["assigned_to", "state"], name="task_assigned_idx"),
            models.Index(fields=["created_at"], name="task_created_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} contact, {self.get_urgency_display().lower()}"


class Offer(models.Model):
    """A waiting contact offered to one advocate, who accepts or declines before it expires.

    The constraints are what make double assignment impossible, whatever the timing: a task has
    at most one pending and one accepted offer, and an advocate at most one pending offer.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="offers")
    advocate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_offers"
    )
    state = models.CharField(
        max_length=16, choices=OfferStateChoices.choices, default=OfferStateChoices.PENDING
    )
    offered_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(
        max_length=16,
        choices=OfferFailureChoices.choices,
        blank=True,
        help_text="Accepted, but the call was not connected: why",
    )

    class Meta:
        ordering = ["-offered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=models.Q(state="pending"),
                name="offer_one_pending_per_task",
            ),
            models.UniqueConstraint(
                fields=["task"],
                condition=models.Q(state="accepted"),
                name="offer_one_accepted_per_task",
            ),
            models.UniqueConstraint(
                fields=["advocate"],
                condition=models.Q(state="pending"),
                name="offer_one_pending_per_advocate",
            ),
        ]
        indexes = [models.Index(fields=["state", "expires_at"], name="offer_pending_idx")]

    def __str__(self):
        return f"Offer to {self.advocate} ({self.get_state_display()})"


class Breach(models.Model):
    """A service-level target a contact missed: kept for the daily report and the board."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="breaches")
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="breaches")
    kind = models.CharField(max_length=16, choices=BreachKindChoices.choices)
    target_at = models.DateTimeField(help_text="When the contact should have been answered")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.UniqueConstraint(fields=["task", "kind"], name="breach_once_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.queue})"


class Call(models.Model):
    """A phone contact's conference: every answered call is a conference named for the contact,
    so interpreters, transfers, holds and supervisors can join and leave."""

    contact = models.OneToOneField(
        "contacts.Contact", on_delete=models.CASCADE, primary_key=True, related_name="call"
    )
    hotline_number = models.CharField(max_length=32, blank=True, help_text="The number dialled")
    conference_sid = models.CharField(max_length=64, blank=True)
    recorded = models.BooleanField(default=False)
    callback_safe = models.BooleanField(
        null=True, blank=True, help_text="The caller said the hotline may call this number back"
    )
    calling_back = models.BooleanField(
        default=False, help_text="An advocate is calling the caller back now"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Call of contact {self.contact_id}"

    @property
    def conference_name(self) -> str:
        return f"lantern-{self.contact_id}"


class CallLeg(models.Model):
    """One party's line into a contact's conference."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="legs")
    role = models.CharField(max_length=16, choices=CallRoleChoices.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.SET_NULL, null=True, blank=True, related_name="legs"
    )
    device = models.CharField(max_length=16, choices=AdvocateDeviceChoices.choices, blank=True)
    number = EncryptedTextField(help_text="The number dialled (E.164), when it is a phone")
    language = models.CharField(max_length=35, blank=True, help_text="An interpreter's language")
    line = models.CharField(max_length=35, blank=True, help_text="The interpreter line used")
    provider_id = models.CharField(max_length=64, blank=True, help_text="The provider's call id")
    state = models.CharField(
        max_length=16, choices=CallLegStateChoices.choices, default=CallLegStateChoices.DIALLING
    )
    warm = models.BooleanField(default=False, help_text="A warm transfer: the advocate stays")
    coaching = models.BooleanField(default=False)
    held = models.BooleanField(default=False)
    failure = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_id"],
                condition=~models.Q(provider_id=""),
                name="call_leg_provider_id_unique",
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()} ({self.get_state_display()})"

    @property
    def seconds(self) -> int:
        if self.joined_at is None:
            return 0
        return int(((self.left_at or timezone.now()) - self.joined_at).total_seconds())


class CallEvent(models.Model):
    """One line of a call's timeline: who was dialled, joined, left, held; the call's end.
    ``key`` is the provider's id for the event, so a repeated callback is recorded once."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")
    leg = models.ForeignKey(
        CallLeg, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(max_length=16, choices=CallEventKindChoices.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    detail = models.CharField(max_length=200, blank=True, help_text="Never personal data")
    key = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "key"], condition=~models.Q(key=""), name="call_event_once"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.at:%H:%M:%S}"
