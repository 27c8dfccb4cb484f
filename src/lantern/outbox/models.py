"""The outbound queue: one row for each thing that must leave the hotline (DESIGN.md)."""

from django.db import models
from django.utils import timezone

from lantern.outbox.choices import OutboxItemStateChoices as State


class OutboxItem(models.Model):
    """Something to send, written in the same transaction as the change that calls for it.

    ``kind`` names the sender (``sms``, ``email``, ``chat`` replies; later agency notifications,
    call-control commands, webhooks) and ``ref`` what it sends (a message's id): the row holds no
    personal data. A worker claims it for ``lease`` seconds, so a worker killed mid-send leaves
    it to be claimed again once the lease runs out.
    """

    kind = models.CharField(max_length=40)
    ref = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    leased_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["next_attempt_at", "pk"]
        indexes = [
            # what the worker claims next; sent rows are out of it
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state__in=["pending", "sending"]),
                name="outbox_due_idx",
            ),
            models.Index(fields=["kind", "ref"], name="outbox_ref_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.ref} ({self.state})"
