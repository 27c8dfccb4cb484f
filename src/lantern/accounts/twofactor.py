"""Second factors (django-otp): an authenticator app (TOTP), security keys and passkeys
(django-otp-webauthn), and one-time recovery codes. Reads and helpers; changes are in
``actions``."""

from __future__ import annotations

import secrets
from base64 import b32encode
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django_otp import devices_for_user, match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10


def has_second_factor(user) -> bool:
    return user is not None and user.pk is not None and user_has_device(user, confirmed=True)


def factors(user) -> list:
    """The user's confirmed second factors, recovery codes included."""
    return list(devices_for_user(user, confirmed=True))


def verify_code(user, code: str):
    """The device that accepts this authenticator or recovery code, or None (each device
    throttles its own failures)."""
    code = "".join((code or "").split())
    if user is None or not code or len(code) > 32:
        return None
    return match_token(user, code)


def pending_totp_device(user) -> TOTPDevice:
    """An unconfirmed authenticator-app device to show as a QR code until a code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_secret_text(device: TOTPDevice) -> str:
    """The key in the groups of four an app's "enter a key" screen expects."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(text: str) -> str:
    """An inline SVG QR code (no inline style: it passes the Content-Security-Policy)."""
    return segno.make(text, error="m").svg_inline(scale=4, border=2, title="QR code")


def new_recovery_codes() -> list[str]:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def relying_party_id(request) -> str:
    """WebAuthn's relying party: the public https site's host name; in development the host
    the browser used (security keys work on http://localhost, never on an IP address)."""
    if settings.PUBLIC_URL.startswith("https://"):
        return urlsplit(settings.PUBLIC_URL).hostname
    return request.get_host().rsplit(":", 1)[0]


def verify_code_on(device, code: str) -> bool:
    code = "".join((code or "").split())
    return bool(code) and len(code) <= 32 and device.verify_token(code)


def all_devices(user) -> list:
    """Every device of the user, confirmed or not."""
    return list(devices_for_user(user, confirmed=None))
