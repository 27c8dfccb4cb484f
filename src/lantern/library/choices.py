"""The resource library's vocabulary."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResourceKindChoices(models.TextChoices):
    FACT_SHEET = "fact_sheet", _("Fact sheet")
    GUIDE = "guide", _("Guide or toolkit")
    POSTER = "poster", _("Poster or flyer")
    TRAINING = "training", _("Training materials")
    VIDEO = "video", _("Video")
    REPORT = "report", _("Report or research")
    OTHER = "other", _("Other")


class ResourceAudienceChoices(models.TextChoices):
    SURVIVORS = "survivors", _("Survivors and their families")
    COMMUNITY = "community", _("Community members")
    SERVICE_PROVIDERS = "service_providers", _("Service providers")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    HEALTH = "health", _("Health professionals")
    EDUCATORS = "educators", _("Educators and students")
    BUSINESS = "business", _("Businesses and employers")
    RESEARCHERS = "researchers", _("Researchers and policy makers")


# What a downloadable file may be: documents, images and slides, by extension and the type served.
FILE_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain",
}
# The server refuses request bodies over 10 MB (asgi.MAX_BODY, and nginx's client_max_body_size
# in deploy/): a file and the rest of its form must fit under that.
MAX_FILE_BYTES = 9 * 1024 * 1024
