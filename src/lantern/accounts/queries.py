from __future__ import annotations

from django.contrib.sessions.models import Session
from django.utils import timezone

from lantern.accounts.choices import UserRoleChoices
from lantern.accounts.models import ApiToken, StaffSession, User, hash_token


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


def sessions_for(user: User) -> list[StaffSession]:
    """The user's signed-in browsers, newest activity first; forgets the ones that expired."""
    rows = list(StaffSession.objects.filter(user=user))
    live = set(
        Session.objects.filter(
            session_key__in=[r.session_key for r in rows], expire_date__gt=timezone.now()
        ).values_list("session_key", flat=True)
    )
    gone = [r.pk for r in rows if r.session_key not in live]
    if gone:
        StaffSession.objects.filter(pk__in=gone).delete()
    return [r for r in rows if r.session_key in live]


def staff_for_factor_reset(actor: User):
    """Active users whose second factor ``actor`` may reset (not themself; admins by admins)."""
    users = User.objects.filter(is_active=True).exclude(pk=actor.pk)
    if actor.role != UserRoleChoices.ADMIN:
        users = users.exclude(role=UserRoleChoices.ADMIN)
    return users
