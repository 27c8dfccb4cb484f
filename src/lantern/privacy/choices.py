from django.db import models
from django.utils.translation import gettext_lazy as _


class DataKeyPurposeChoices(models.TextChoices):
    DATA = "data", _("Field encryption")
    INDEX = "index", _("Blind index")


class RetentionKindChoices(models.TextChoices):
    """The kinds of record a retention schedule names (``privacy.retention.KINDS``)."""

    CONTACT_PERSONAL = "contact_personal", _("Callers' names, numbers, emails and summaries")
    MESSAGES = "messages", _("Messages of SMS, email and chat conversations")
    TIP_THREADS = "tip_threads", _("Follow-up messages of web tips")
    ATTACHMENTS = "attachments", _("Attachments")
    CASE_NARRATIVE = "case_narrative", _("Case summaries and notes")
    AGENCY_LINKS = "agency_links", _("Links sent to agencies")


class RetentionEventChoices(models.TextChoices):
    RECEIVED = "received", _("received")
    CLOSED = "closed", _("closed")
    LAST_MESSAGE = "last_message", _("the last message")


class RetentionActionChoices(models.TextChoices):
    SHRED = "shred", _("shredded")
    DELETE = "delete", _("deleted")
