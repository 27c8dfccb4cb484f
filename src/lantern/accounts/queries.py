from __future__ import annotations

from django.utils import timezone

from lantern.accounts.models import ApiToken, User, hash_token


def user_for_token(raw: str) -> User | None:
    """The active user behind an API token, or None. Records when the token was last used."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def is_locked_out(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > timezone.now()
