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
    DISMISSED = "dismissed", _("Dismissed as spam")


OPEN_TASK_STATES = (TaskStateChoices.WAITING, TaskStateChoices.OFFERED)


class OfferStateChoices(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Not answered in time")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    FAILED = "failed", _("Accepted, but the call could not be connected")


class AdvocatePresenceChoices(models.TextChoices):
    AVAILABLE = "available", _("Available")
    BUSY = "busy", _("Busy")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


class BreachKindChoices(models.TextChoices):
    ANSWER = "answer", _("Not answered within the target")
    DUE = "due", _("Not answered by the due time")


class OfferFailureChoices(models.TextChoices):
    """Why an accepted phone offer did not become a call (the offer goes to the next advocate)."""

    PROVIDER = "provider", _("The phone service could not place the call")
    NO_ANSWER = "no_answer", _("The advocate's phone did not answer")
    REFUSED = "refused", _("The advocate's phone declined the call")
    CALLER_LEFT = "caller_left", _("The caller hung up while being connected")


class AdvocateDeviceChoices(models.TextChoices):
    BROWSER = "browser", _("In the browser")
    PHONE = "phone", _("On my own phone")


class CallRoleChoices(models.TextChoices):
    CALLER = "caller", _("Caller")
    ADVOCATE = "advocate", _("Advocate")
    INTERPRETER = "interpreter", _("Interpreter")
    TRANSFER = "transfer", _("Transfer")
    SUPERVISOR = "supervisor", _("Supervisor")


class CallLegStateChoices(models.TextChoices):
    DIALLING = "dialling", _("Dialling")
    RINGING = "ringing", _("Ringing")
    JOINED = "joined", _("In the call")
    LEFT = "left", _("Left")
    FAILED = "failed", _("Did not join")


# A leg's state only moves forward: a late or repeated callback never reopens a leg.
CALL_LEG_RANK = {"dialling": 0, "ringing": 1, "joined": 2, "left": 3, "failed": 3}


class CallEventKindChoices(models.TextChoices):
    DIALLED = "dialled", _("Dialled")
    RINGING = "ringing", _("Ringing")
    JOINED = "joined", _("Joined")
    LEFT = "left", _("Left")
    FAILED = "failed", _("Did not join")
    HELD = "held", _("Put on hold")
    UNHELD = "unheld", _("Taken off hold")
    STARTED = "started", _("Conference started")
    ENDED = "ended", _("Call ended")
    TRANSFER = "transfer", _("Transfer")
    MONITOR = "monitor", _("Supervisor listening")
    COACH = "coach", _("Supervisor coaching")
    CALLBACK = "callback", _("Call-back")
    NOTE = "note", _("Note")
