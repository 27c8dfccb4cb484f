"""A resource: a document staff publish (a file Lantern serves, or a link elsewhere)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.core.ids import uuid7
from lantern.library.choices import ResourceKindChoices


class Resource(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    kind = models.CharField(max_length=16, choices=ResourceKindChoices.choices)
    topics = models.ManyToManyField("assistance.AssistanceTopic", blank=True, related_name="+")
    audiences = models.JSONField(default=list, blank=True, help_text="ResourceAudienceChoices")
    languages = models.JSONField(default=list, blank=True, help_text='BCP 47 tags, ["en", "es"]')
    url = models.URLField(blank=True, max_length=500, help_text="A link, when there is no file")
    # The file itself (public material, not personal data): kept in the database, so a backup
    # holds the library whole, and served by Lantern (never from another site).
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=120, blank=True)
    file_content = models.BinaryField(blank=True, default=b"", editable=False)
    file_size = models.PositiveIntegerField(default=0)
    published = models.BooleanField(default=True, help_text="Shown on the public library page")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["published", "title"], name="library_published_idx")]

    def __str__(self):
        return self.title
