"""Changes to users, tokens and sign-in state. Each writes its audit row in the same transaction."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lantern.accounts.choices import UserRoleChoices
from lantern.accounts.exceptions import AccountError
from lantern.accounts.models import ApiToken, User, hash_token
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit


def do_create_user(
    username: str, role: str, password: str, *, actor=None, email: str = "", validate=True
) -> User:
    if role not in UserRoleChoices.values:
        raise AccountError(
            f"unknown role {role!r}; choose one of {', '.join(UserRoleChoices.values)}"
        )
    if User.objects.filter(username=username).exists():
        raise AccountError(f"a user named {username!r} already exists")
    user = User(username=username, role=role, email=email)
    if validate:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise AccountError(" ".join(exc.messages)) from exc
    user.set_password(password)
    # Admins reach Django's admin site for configuration screens; nobody is a superuser.
    user.is_staff = role == UserRoleChoices.ADMIN
    with transaction.atomic():
        user.save()
        audit.record(actor, Audit.CREATE, user, changes={"role": role})
    return user


def do_issue_token(user: User, *, actor=None) -> str:
    """Create an API token for ``user`` and return it; only its hash is kept."""
    raw = "lt_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, key_hash=hash_token(raw), prefix=raw[:8])
        audit.record(actor, Audit.TOKEN_ISSUED, token, changes={"user": user.username})
    return raw


def do_record_login(user: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        audit.record(user, Audit.LOGIN, user)


def do_record_logout(user: User) -> None:
    audit.record(user, Audit.LOGOUT, user)


def do_record_failed_login(username: str) -> None:
    """Count a failed password for a known user and lock the account after too many.

    Unknown usernames are audited without creating anything, so the log cannot be used to
    enumerate accounts and the table cannot be filled by a guesser.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            audit.record("anonymous", Audit.LOGIN_FAILED, object_type="accounts.user")
            return
        if user.locked_until and user.locked_until > timezone.now():
            # attempts during a lockout neither count nor extend it: the owner gets back in
            # when it ends (a guesser learns nothing either way: the password is not checked)
            audit.record("anonymous", Audit.LOGIN_FAILED, user)
            return
        user.failed_logins += 1
        fields = ["failed_logins"]
        locked = user.failed_logins >= settings.LANTERN_LOCKOUT_THRESHOLD
        if locked:
            user.locked_until = timezone.now() + timedelta(minutes=settings.LANTERN_LOCKOUT_MINUTES)
            user.failed_logins = 0
            fields.append("locked_until")
        user.save(update_fields=fields)
        audit.record(
            "anonymous",
            Audit.LOCKED_OUT if locked else Audit.LOGIN_FAILED,
            user,
        )


def do_unlock_user(user: User, *, actor) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        audit.record(actor, Audit.UPDATE, user, changes={"locked_until": "cleared"})


def do_set_user_active(user: User, active: bool, *, actor) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=active)
        audit.record(actor, Audit.UPDATE, user, changes={"is_active": [user.is_active, active]})


def do_revoke_token(token: ApiToken, *, actor) -> None:
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        audit.record(actor, Audit.UPDATE, token, changes={"revoked": True})
