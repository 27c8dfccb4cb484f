"""The routing vocabulary: urgency, presence, and the states of tasks and offers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskUrgencyChoices(models.TextChoices):
    CRISIS = "crisis", _("Crisis")
    URGENT = "urgent", _("Urgent")
    NON_URGENT = "non_urgent", _("Non-urgent")


# Higher is more urgent: triage takes the highest of what every source says.
URGENCY_RANK = {
    TaskUrgencyChoices.NON_URGENT: 0,
    TaskUrgencyChoices.URGENT: 1,
    TaskUrgencyChoices.CRISIS: 2,
}


class TaskStateChoices(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Offered to an advocate")
    ASSIGNED = "assigned", _("With an advocate")
    COMPLETED = "completed", _("Completed")
    ABANDONED = "abandoned", _("Left before an answer")


OPEN_TASK_STATES = (TaskStateChoices.WAITING, TaskStateChoices.OFFERED)


class OfferStateChoices(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Not answered in time")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AdvocatePresenceChoices(models.TextChoices):
    AVAILABLE = "available", _("Available")
    BUSY = "busy", _("Busy")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


class BreachKindChoices(models.TextChoices):
    ANSWER = "answer", _("Not answered within the target")
    DUE = "due", _("Not answered by the due time")
