"""The T&TA vocabulary: every value a request, or one of its deliverables, can take."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssistanceRequestOrganizationTypeChoices(models.TextChoices):
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    EDUCATOR = "educator", _("Educator or school")
    RESEARCHER_STUDENT = "researcher_student", _("Researcher or student")
    GOVERNMENT_POLICY = "government_policy", _("Government or policy")
    FAITH_COMMUNITY = "faith_community", _("Faith or community group")
    OTHER = "other", _("Other")


class AssistanceRequestStatusChoices(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")


class AssistanceRequestSourceChoices(models.TextChoices):
    PUBLIC_FORM = "public_form", _("Public request form")
    CONTACT = "contact", _("Logged contact")
    API = "api", _("API")


class AssistanceDeliverableKindChoices(models.TextChoices):
    CALL = "call", _("Consultation call")
    TRAINING = "training", _("Training")
    MATERIALS = "materials", _("Materials sent")
    OTHER = "other", _("Other work (research, preparation)")


# Statuses still waiting for the hotline: they count as open, and as overdue past their due date.
OPEN_STATUSES = (
    AssistanceRequestStatusChoices.NEW,
    AssistanceRequestStatusChoices.ASSIGNED,
    AssistanceRequestStatusChoices.IN_PROGRESS,
)

# Where a request may go from each status. Closing is always possible (a duplicate, a request
# withdrawn); a delivered or closed request can be taken up again.
STATUS_MOVES = {
    "new": ("assigned", "in_progress", "closed"),
    "assigned": ("in_progress", "delivered", "closed"),
    "in_progress": ("assigned", "delivered", "closed"),
    "delivered": ("in_progress", "closed"),
    "closed": ("in_progress",),
}

# A logged contact's caller type, as the organization type of the request made from it.
CALLER_TYPE_TO_ORGANIZATION_TYPE = {
    "law_enforcement": "law_enforcement",
    "service_provider": "service_provider",
    "medical_professional": "service_provider",
    "legal_professional": "service_provider",
    "educator_student": "educator",  # contact form version 1
    "educator": "educator",
    "researcher_student": "researcher_student",
    "policy_maker": "government_policy",
    "government": "government_policy",
}
