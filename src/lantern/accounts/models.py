import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse

from lantern.accounts.choices import UserRoleChoices


class User(AbstractUser):
    """A member of the hotline's staff. What they may do is decided by the permission rules."""

    role = models.CharField(max_length=32, choices=UserRoleChoices.choices)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_absolute_url(self):
        return reverse("console:home")


def hash_token(raw: str) -> str:
    """API tokens are 256-bit random strings, so a plain SHA-256 is a safe, fast lookup key."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="First characters, to tell tokens apart.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user.username} {self.prefix}…"
