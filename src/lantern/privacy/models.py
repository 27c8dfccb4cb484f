"""What the database remembers about the keys that protect it (never the keys themselves)."""

from django.db import models

from lantern.privacy.choices import DataKeyPurposeChoices


class DataKey(models.Model):
    """A key this deployment has used, with a canary only that key opens.

    A data key's canary is a short ciphertext under that key; the blind-index key's is an HMAC.
    At start-up every registered key must be loadable and open its canary, so a lost or damaged
    ``keys/`` stops the server instead of letting it write data under a new key (privacy.keys).
    """

    key_id = models.CharField(max_length=64)
    purpose = models.CharField(max_length=10, choices=DataKeyPurposeChoices.choices)
    canary = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    # A month key (crypto-shredding, privacy.periods): its month, and when it was destroyed (its
    # canary is then emptied: nothing can open it any more, and nothing needs to).
    period = models.CharField(max_length=7, blank=True, default="")
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "key_id"], name="datakey_unique_id"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} key {self.key_id}"
