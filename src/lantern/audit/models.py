import hashlib
import json

from django.conf import settings
from django.db import models

from lantern.audit.choices import AuditEventActionChoices

GENESIS_HASH = "0" * 64


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("audit events cannot be updated")

    def delete(self):
        raise AuditLogIsAppendOnly("audit events cannot be deleted")


class AuditLogIsAppendOnly(Exception):
    pass


class AuditEvent(models.Model):
    """One entry of the append-only, hash-chained audit log.

    ``changes`` names the fields that changed; for personal fields it records only that they
    changed, never their values. ``hash`` covers this row's content and the hash of the previous
    row of its ``chain``, so editing or deleting any row breaks its chain from there on
    (``lantern verify_audit``).
    The database refuses UPDATE and DELETE on this table (triggers in migration 0002).
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, help_text="Username, or 'system' / 'public'.")
    action = models.CharField(max_length=32, choices=AuditEventActionChoices.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    chain = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Which of the parallel hash chains links this entry (decision 0011); "
        "empty for entries written before there were several.",
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "id"], name="audit_object_idx"),
            models.Index(fields=["chain", "id"], name="audit_chain_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditLogIsAppendOnly("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit events cannot be deleted")

    def canonical(self) -> bytes:
        """The bytes the hash covers: every field except the hash itself, in a fixed order."""
        doc = {
            "at": self.at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "changes": self.changes,
            "reason": self.reason,
            "prev_hash": self.prev_hash,
        }
        if self.chain is not None:  # entries from before decision 0011 hash as they always did
            doc["chain"] = self.chain
        return json.dumps(doc, sort_keys=True, separators=(",", ":"), default=str).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()
