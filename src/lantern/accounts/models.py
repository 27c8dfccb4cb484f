import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin

from lantern.accounts.choices import UserRoleChoices


class User(AbstractUser):
    """A member of the hotline's staff. What they may do is decided by the permission rules."""

    role = models.CharField(max_length=32, choices=UserRoleChoices.choices)
    language = models.CharField(
        max_length=16,
        blank=True,
        default="",
        help_text="The console's language for this user (LANTERN_CONSOLE_LANGUAGES); empty: the "
        "browser's, if the console has it.",
    )

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


def keyed_hash(purpose: str, text: str) -> str:
    """HMAC-SHA256 under the server's secret key: a lookup key that reveals nothing by itself."""
    key = hashlib.sha256(f"lantern.accounts.{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


class LoginThrottle(models.Model):
    """Recent failed sign-ins for one typed user name, whether or not such a user exists.

    The name is kept only as a keyed hash (people type passwords into the name box). Failures
    slow further attempts down; they never lock the account (see ``accounts.signin``).
    """

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_failure_at"]

    def __str__(self):
        return f"{self.key[:8]}… {self.failures}"


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """One-time recovery codes, for signing in when the usual second factor is lost.

    Only keyed hashes of the codes are stored; each works once.
    """

    class Meta:
        ordering = ["user"]

    def get_throttle_factor(self):
        return 1

    def verify_token(self, token) -> bool:
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        code = normalise_recovery_code(str(token))
        deleted, _n = self.codes.filter(code_hash=keyed_hash("recovery", code)).delete()
        if deleted:
            self.throttle_reset()
            return True
        self.throttle_increment()
        return False


def normalise_recovery_code(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.device_id}: {self.code_hash[:8]}…"


class PasswordHistory(models.Model):
    """Earlier password hashes of a user, so a password cannot be used again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "password history"

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class StaffSession(models.Model):
    """A signed-in browser of a staff member, listed on their Sessions page.

    No IP address is kept: a short description of the browser and when it was last used.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    browser = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("session")

    def __str__(self):
        return f"{self.user_id} {self.browser}"
