"""Changes to users, tokens and sign-in state. Each writes its audit row in the same transaction."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.accounts import hooks, signin, sockets, twofactor
from lantern.accounts.choices import UserRoleChoices
from lantern.accounts.exceptions import AccountError
from lantern.accounts.models import (
    ApiToken,
    RecoveryCode,
    RecoveryCodeDevice,
    StaffSession,
    User,
    hash_token,
    keyed_hash,
    normalise_recovery_code,
)
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
        signin.forget_failures(user.username)
        audit.record(user, Audit.LOGIN, user)


def do_record_logout(user: User) -> None:
    audit.record(user, Audit.LOGOUT, user)


def do_record_second_factor_failure(user: User) -> None:
    """A wrong code after a right password: counted with the name's password failures."""
    signin.record_failure(user.username, user)


# --- second factors ---------------------------------------------------------------------------


def do_confirm_totp_device(device: TOTPDevice, code: str, *, actor) -> bool:
    """Confirm an authenticator app by the code it shows; False if the code is wrong."""
    if not twofactor.verify_code_on(device, code):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user, confirmed=False).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(actor, Audit.FACTOR_ADDED, device.user, changes={"factor": "totp"})
    return True


def do_record_security_key_added(device, *, actor) -> None:
    audit.record(actor, Audit.FACTOR_ADDED, device.user, changes={"factor": "webauthn"})


def do_make_recovery_codes(user: User, *, actor) -> list[str]:
    """New one-time recovery codes (the old ones stop working); returned once, stored hashed."""
    codes = twofactor.new_recovery_codes()
    with transaction.atomic():
        RecoveryCodeDevice.objects.filter(user=user).delete()
        device = RecoveryCodeDevice.objects.create(user=user, name="Recovery codes")
        RecoveryCode.objects.bulk_create(
            RecoveryCode(
                device=device, code_hash=keyed_hash("recovery", normalise_recovery_code(c))
            )
            for c in codes
        )
        audit.record(actor, Audit.FACTOR_ADDED, user, changes={"factor": "recovery_codes"})
    return codes


def do_remove_second_factor(device, *, actor) -> None:
    user = device.user
    with transaction.atomic():
        kind = device.model_label()
        device.delete()
        audit.record(actor, Audit.FACTOR_REMOVED, user, changes={"factor": kind})


def do_reset_second_factors(user: User, *, actor, reason: str = "") -> None:
    """A supervisor's or admin's reset for someone who lost their second factor: every factor is
    removed and every session ended; the person enrols again at their next sign-in."""
    if actor.pk == user.pk:
        raise AccountError(_("You cannot reset your own second factor; ask a colleague."))
    if user.role == UserRoleChoices.ADMIN and actor.role != UserRoleChoices.ADMIN:
        raise AccountError(_("Only an administrator can reset an administrator's second factor."))
    with transaction.atomic():
        for device in twofactor.all_devices(user):
            device.delete()
        audit.record(actor, Audit.FACTOR_RESET, user, reason=reason)
        do_end_sessions(user, actor=actor)


# --- passwords and sessions -------------------------------------------------------------------


def do_change_password(
    user: User, old_password: str, new_password: str, *, actor, keep_session_key: str = ""
) -> None:
    """Change one's own password (the old one proves it is them); the user's other sessions end."""
    if not user.check_password(old_password):
        raise AccountError(_("Your current password is not right."))
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise AccountError(" ".join(exc.messages)) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.save()
        audit.record(actor, Audit.PASSWORD_CHANGED, user)
        do_end_sessions(user, actor=actor, keep_session_key=keep_session_key)


def do_end_sessions(user: User, *, actor, keep_session_key: str = "") -> int:
    """Sign the user out everywhere (except the session ``keep_session_key``, if given).

    After commit, ``hooks.sessions_ended`` tells whoever holds live connections for the user
    (the console's WebSockets) to close them.
    """
    with transaction.atomic():
        rows = StaffSession.objects.filter(user=user).exclude(session_key=keep_session_key)
        keys = list(rows.values_list("session_key", flat=True))
        Session.objects.filter(session_key__in=keys).delete()
        rows.delete()
        audit.record(actor, Audit.SESSIONS_ENDED, user, changes={"sessions": len(keys)})
        transaction.on_commit(lambda: hooks.sessions_ended.send(User, user=user, session_keys=keys))
    return len(keys)


def do_set_user_active(user: User, active: bool, *, actor) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=active)
        audit.record(actor, Audit.UPDATE, user, changes={"is_active": [user.is_active, active]})
        if not active:
            sockets.close_user_sockets(user)


def do_set_user_role(user: User, role: str, *, actor) -> None:
    """A new role: what the user may do changes at once, so their live sockets close (pages
    reconnect under the new rules)."""
    if role not in UserRoleChoices.values:
        raise AccountError(
            f"unknown role {role!r}; choose one of {', '.join(UserRoleChoices.values)}"
        )
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(role=role, is_staff=role == UserRoleChoices.ADMIN)
        audit.record(actor, Audit.UPDATE, user, changes={"role": [user.role, role]})
        sockets.close_user_sockets(user)
    user.role = role


def do_set_user_language(user: User, language: str, *, actor) -> None:
    """The language the console speaks to ``user`` ("" = the browser's, if the console has it)."""
    language = (language or "").strip()
    if language and language not in settings.LANTERN_CONSOLE_LANGUAGES:
        raise AccountError(f"{language!r} is not a language of the console")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(language=language)
        audit.record(actor, Audit.UPDATE, user, changes={"language": [user.language, language]})
    user.language = language


def do_revoke_token(token: ApiToken, *, actor) -> None:
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        audit.record(actor, Audit.UPDATE, token, changes={"revoked": True})
