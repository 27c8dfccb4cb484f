"""Checking a password at sign-in, slowed down per user name instead of locked.

Every typed user name, known or not, has a failure count (``LoginThrottle``, keyed by a keyed
hash of the name). Past ``LANTERN_LOGIN_FREE_FAILURES`` recent failures, each further attempt
must wait 1 s, 2 s, 4 s ... up to ``LANTERN_LOGIN_MAX_WAIT``; an attempt that comes too early is
refused without looking at the password, unless it brings a second-factor code too: then the
password and the code are both checked, and only both right let the person in. A guesser
without the second factor is slowed; the account's owner, with it, is never locked out.

A wrong user name costs what a wrong password costs: the same queries, one password hash, the
same throttling, the same answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lantern.accounts import twofactor
from lantern.accounts.models import LoginThrottle, User, keyed_hash
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit

# failures older than this are forgotten
FORGET_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class Attempt:
    user: User | None = None  # the password (and the code, when one was needed) were right
    device: object | None = None  # the second factor checked with it, if any
    wait_seconds: int = 0  # refused unchecked: too many recent failures for this name

    @property
    def ok(self) -> bool:
        return self.user is not None


def throttle_key(username: str) -> str:
    return keyed_hash("signin", username.strip().casefold())


def _failures(row: LoginThrottle | None, now) -> int:
    if row is None or now - row.last_failure_at > FORGET_AFTER:
        return 0
    return row.failures


def wait_seconds(row: LoginThrottle | None, now=None) -> int:
    now = now or timezone.now()
    over = _failures(row, now) - settings.LANTERN_LOGIN_FREE_FAILURES
    if over < 0:
        return 0
    wait = min(2**over, settings.LANTERN_LOGIN_MAX_WAIT)
    return max(0, math.ceil((row.last_failure_at + timedelta(seconds=wait) - now).total_seconds()))


def check_password(username: str, password: str, *, code: str = "") -> Attempt:
    now = timezone.now()
    key = throttle_key(username)
    wait = wait_seconds(LoginThrottle.objects.filter(key=key).first(), now)
    user = User.objects.filter(username=username).first()
    if wait and not code:
        return Attempt(wait_seconds=wait)
    if user is None:
        User().set_password(password)  # the hashing a real account's check costs
        right = False
    else:
        right = user.check_password(password) and user.is_active
    device = None
    if wait:
        # too early: only the password together with a second factor gets through
        device = twofactor.verify_code(user, code) if right else None
        right = device is not None
    if not right:
        record_failure(username, user)
        return Attempt()
    return Attempt(user=user, device=device)


def record_failure(username: str, user: User | None) -> None:
    """Count a failed password or second-factor code for this name (audited, no name kept)."""
    now = timezone.now()
    with transaction.atomic():
        row, _created = LoginThrottle.objects.select_for_update().get_or_create(
            key=throttle_key(username), defaults={"failures": 0, "last_failure_at": now}
        )
        row.failures = _failures(row, now) + 1
        row.last_failure_at = now
        row.save(update_fields=["failures", "last_failure_at"])
        target = {"obj": user} if user is not None else {"object_type": "accounts.user"}
        audit.record("anonymous", Audit.LOGIN_FAILED, **target)
        if row.failures == settings.LANTERN_LOGIN_FREE_FAILURES + 1:
            audit.record("anonymous", Audit.LOGIN_THROTTLED, **target)


def forget_failures(username: str) -> None:
    LoginThrottle.objects.filter(key=throttle_key(username)).delete()
