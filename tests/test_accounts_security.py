"""Staff sign-in hardening (issue 16): throttling instead of lockout, no enumeration by timing,
second factors (TOTP, recovery codes, WebAuthn endpoints), enrolment, a supervisor's reset,
sessions (idle, absolute, list, sign out everywhere), password changes and rules."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.accounts import actions, sessions, signin
from lantern.accounts.models import LoginThrottle, StaffSession, User
from lantern.audit.models import AuditEvent
from tests.conftest import PASSWORD

LOGIN = "/console/login/"


def _totp_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def _code(device: TOTPDevice, offset: int = 0) -> str:
    key, step, t0 = device.bin_key, device.step, device.t0
    return f"{totp(key, step=step, t0=t0, digits=device.digits, drift=offset):06d}"


def _a_moment_later(device):
    """After a wrong code the device waits a second (django-otp's throttle) before the next."""
    from lantern.accounts.models import RecoveryCodeDevice

    for model in (TOTPDevice, RecoveryCodeDevice):
        model.objects.filter(user=device.user).update(
            throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
        )


def _fail(client, username, n):
    for _ in range(n):
        client.post(LOGIN, {"username": username, "password": "wrong guess"})


# --- item 6: throttling, not lockout -------------------------------------------------------


@override_settings(LANTERN_LOGIN_FREE_FAILURES=3)
def test_guessing_is_slowed_but_the_right_password_with_its_code_gets_in(personas):
    device = _totp_device(personas["admin"])
    guesser = Client()
    _fail(guesser, "admin", 3)
    LoginThrottle.objects.update(last_failure_at=timezone.now() - timedelta(minutes=5))
    _fail(guesser, "admin", 1)  # the first failure past the free ones (audited)
    # as after many more guesses: a 2-minute wait
    LoginThrottle.objects.update(failures=10, last_failure_at=timezone.now())
    # the right password alone now waits (nothing is checked early) ...
    owner = Client()
    r = owner.post(LOGIN, {"username": "admin", "password": PASSWORD})
    assert r.status_code == 200 and b"Too many failed attempts" in r.content
    assert "_auth_user_id" not in owner.session
    # ... the guesser, sending codes too, gets nothing (a code is looked at only when the password
    # is right, so a guesser cannot slow the owner's app codes down either) ...
    r = guesser.post(LOGIN, {"username": "admin", "password": "guess", "code": _code(device)})
    assert "_auth_user_id" not in guesser.session
    # ... but with the code from the owner's app it goes straight through
    r = owner.post(LOGIN, {"username": "admin", "password": PASSWORD, "code": _code(device)})
    assert r.status_code == 302 and owner.session["_auth_user_id"] == str(personas["admin"].pk)
    assert AuditEvent.objects.filter(action="login_throttled").count() == 1
    assert not LoginThrottle.objects.exists()  # the owner's sign-in forgets the failures


@override_settings(LANTERN_LOGIN_FREE_FAILURES=2)
def test_the_wait_grows_then_lets_the_password_be_tried_again(personas):
    client = Client()
    _fail(client, "advocate", 2)
    row = LoginThrottle.objects.get()
    # after the 2 free failures each attempt waits 1 s, then 2 s, 4 s ...
    assert signin.wait_seconds(row, now=row.last_failure_at) == 1
    row.failures = 4
    assert signin.wait_seconds(row, now=row.last_failure_at) == 4
    row.failures = 40
    assert signin.wait_seconds(row, now=row.last_failure_at) == 300  # LANTERN_LOGIN_MAX_WAIT
    LoginThrottle.objects.update(failures=5, last_failure_at=timezone.now())  # 8 s to wait
    _fail(client, "advocate", 1)  # too early: refused unchecked, and not counted
    assert LoginThrottle.objects.get().failures == 5
    # once the wait is over the password is checked again (no lock)
    LoginThrottle.objects.update(last_failure_at=timezone.now() - timedelta(minutes=10))
    r = client.post(LOGIN, {"username": "advocate", "password": PASSWORD})
    assert r.status_code == 302
    # failures are forgotten after a day
    LoginThrottle.objects.create(
        key=signin.throttle_key("advocate2"),
        failures=50,
        last_failure_at=timezone.now() - timedelta(days=2),
    )
    assert signin.wait_seconds(LoginThrottle.objects.get(key=signin.throttle_key("advocate2"))) == 0


@override_settings(LANTERN_LOGIN_FREE_FAILURES=2)
def test_an_unknown_user_name_is_throttled_and_answered_like_a_real_one(personas):
    real, ghost = Client(), Client()
    _fail(real, "advocate", 2)
    _fail(ghost, "nobody-here", 2)
    # both names counted alike; then, as after many more failures, a 2-minute wait for both
    assert [row.failures for row in LoginThrottle.objects.all()] == [2, 2]
    LoginThrottle.objects.update(failures=9, last_failure_at=timezone.now())
    a = real.post(LOGIN, {"username": "advocate", "password": "wrong"})
    b = ghost.post(LOGIN, {"username": "nobody-here", "password": "wrong"})
    assert b"Too many failed attempts" in a.content and b"Too many failed attempts" in b.content
    # the name typed is never stored, only a keyed hash
    assert not LoginThrottle.objects.filter(key__icontains="nobody").exists()


def test_a_wrong_user_name_costs_the_same_work_as_a_wrong_password(personas, monkeypatch):
    """No enumeration by timing: the same queries and one password hash either way."""
    hashes = []
    for name in ("encode",):  # checking a password encodes it too
        original = getattr(MD5PasswordHasher, name)

        def counting(self, *args, _original=original, **kwargs):
            hashes.append(1)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(MD5PasswordHasher, name, counting)

    def work(username):
        hashes.clear()
        client = Client()
        client.get(LOGIN)
        with CaptureQueriesContext(connection) as queries:
            r = client.post(LOGIN, {"username": username, "password": "wrong guess"})
        assert r.status_code == 200
        shape = [q["sql"].split(" ", 1)[0] for q in queries.captured_queries]
        return shape, len(hashes)

    known = work("advocate")
    unknown = work("no-such-user")
    assert known == unknown
    assert known[1] == 1


# --- second factors ---------------------------------------------------------------------------


def test_sign_in_asks_for_the_second_factor_and_takes_a_recovery_code_once(personas):
    user = personas["analyst"]
    device = _totp_device(user)
    codes = actions.do_make_recovery_codes(user, actor=user)
    client = Client()
    r = client.post(LOGIN, {"username": "analyst", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/console/login/verify/"
    assert "_auth_user_id" not in client.session  # nobody is signed in before the second factor
    assert client.get("/console/").status_code == 302
    r = client.post("/console/login/verify/", {"code": "123456"})
    assert r.status_code == 200 and "_auth_user_id" not in client.session
    _a_moment_later(device)
    r = client.post("/console/login/verify/", {"code": _code(device)})
    assert r.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/console/").status_code == 200

    # a recovery code works once (spaces and capitals forgiven), never twice
    for expected in (True, False):
        other = Client()
        other.post(LOGIN, {"username": "analyst", "password": PASSWORD})
        other.post("/console/login/verify/", {"code": " " + codes[0].upper() + " "})
        assert ("_auth_user_id" in other.session) is expected
    # codes are stored only as keyed hashes
    from lantern.accounts.models import RecoveryCode

    stored = list(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert stored and not any(c.replace("-", "") in h for c in codes for h in stored)


@override_settings(LANTERN_REQUIRE_2FA=True)
def test_first_sign_in_enrols_an_authenticator_app_when_required(personas):
    client = Client()
    r = client.post(LOGIN, {"username": "advocate", "password": PASSWORD})
    assert r["Location"] == "/console/login/enrol/"
    assert "_auth_user_id" not in client.session
    page = client.get("/console/login/enrol/")
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user=personas["advocate"], confirmed=False)
    r = client.post("/console/login/enrol/", {"code": "000000"})
    assert "_auth_user_id" not in client.session
    _a_moment_later(device)
    r = client.post("/console/login/enrol/", {"code": _code(device)})
    assert r.status_code == 200 and b"recovery codes" in r.content
    assert client.session["_auth_user_id"] == str(personas["advocate"].pk)
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="factor_added", actor_label="advocate").count() == 2
    # next time the code is asked for
    r = Client().post(LOGIN, {"username": "advocate", "password": PASSWORD})
    assert r["Location"] == "/console/login/verify/"


def test_security_key_registration_starts_for_a_user_enrolling(personas, settings):
    settings.LANTERN_REQUIRE_2FA = True
    client = Client()
    client.post(LOGIN, {"username": "advocate", "password": PASSWORD})
    r = client.post("/console/webauthn/register/begin/")
    assert r.status_code == 200, r.content
    options = r.json()
    assert options["user"]["name"] == "advocate" and options["challenge"]
    # a stranger with no password step gets nothing
    assert Client().post("/console/webauthn/register/begin/").status_code in (401, 403)
    assert Client().post("/console/webauthn/auth/begin/").status_code in (401, 403)


def test_a_supervisor_resets_a_lost_factor_audited(personas, login):
    advocate = personas["advocate"]
    _totp_device(advocate)
    actions.do_make_recovery_codes(advocate, actor=advocate)
    supervisor = login("supervisor")
    page = supervisor.get("/console/staff/factors/")
    assert (
        page.status_code == 200 and b"advocate" in page.content and b">admin<" not in page.content
    )
    r = supervisor.post(f"/console/staff/{advocate.pk}/factors/reset/", {"reason": "lost phone"})
    assert r.status_code == 302
    from lantern.accounts import twofactor

    assert twofactor.all_devices(advocate) == []
    event = AuditEvent.objects.get(action="factor_reset")
    assert event.actor_label == "supervisor" and event.reason == "lost phone"
    # not an admin's, not by an advocate
    r = supervisor.post(f"/console/staff/{personas['admin'].pk}/factors/reset/", {"reason": "x"})
    assert r.status_code == 404
    assert login("advocate").get("/console/staff/factors/").status_code == 404


# --- sessions ---------------------------------------------------------------------------------


def test_idle_sessions_end_but_background_refreshes_do_not_keep_them(personas, login, settings):
    client = login("advocate")
    assert client.get("/console/").status_code == 200
    session = client.session
    session[sessions.SEEN] = time.time() - 25 * 60
    session.save()
    # the routing bar's own refresh is not activity ...
    assert client.get("/console/", headers={"X-Lantern-Background": "1"}).status_code == 200
    assert client.session[sessions.SEEN] < time.time() - 20 * 60
    # ... a click is, and keeps the session going
    client.get("/console/")
    assert client.session[sessions.SEEN] > time.time() - 60
    session = client.session
    session[sessions.SEEN] = time.time() - 31 * 60
    session.save()
    r = client.get("/console/")
    assert r.status_code == 302 and r["Location"].startswith("/console/login/")
    assert "_auth_user_id" not in client.session


def test_sessions_end_after_the_absolute_lifetime(personas, login):
    client = login("advocate")
    session = client.session
    session[sessions.STARTED] = time.time() - 13 * 3600
    session.save()
    assert client.get("/console/").status_code == 302


def test_the_server_side_expiry_follows_the_idle_timeout(personas, login):
    from django.contrib.sessions.models import Session

    client = login("advocate")
    expires = Session.objects.get(session_key=client.session.session_key).expire_date
    assert timedelta(minutes=29) < expires - timezone.now() <= timedelta(minutes=30)
    # ... while the cookie still ends with the browser
    assert not client.cookies["sessionid"]["max-age"]


def test_sessions_are_listed_and_signed_out_everywhere(
    personas, login, django_capture_on_commit_callbacks
):
    from lantern.accounts import hooks

    ended = []

    def receiver(sender, user, session_keys, **kwargs):
        ended.append(user)

    hooks.sessions_ended.connect(receiver)
    laptop, phone = login("advocate"), login("advocate")
    assert StaffSession.objects.filter(user=personas["advocate"]).count() == 2
    page = laptop.get("/console/account/")
    assert page.status_code == 200 and b"this browser" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        r = laptop.post("/console/account/sign-out-everywhere/")
    assert r.status_code == 302
    assert phone.get("/console/").status_code == 302
    assert laptop.get("/console/").status_code == 302
    assert not StaffSession.objects.exists()
    assert AuditEvent.objects.filter(action="sessions_ended", actor_label="advocate").exists()
    assert ended == [personas["advocate"]]
    hooks.sessions_ended.disconnect(receiver)


# --- passwords --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "new, message",
    [
        ("qwertyuiop1234", b"guessed too easily"),
        ("1qaz2wsx3edc4rfv", b"guessed too easily"),
        ("L4ntern-supper-orchard-91", b"hotline"),
        (PASSWORD, b"used this password before"),
    ],
)
def test_password_change_refuses_weak_named_and_repeated_passwords(personas, login, new, message):
    client = login("advocate")
    r = client.post(
        "/console/account/password/",
        {"old_password": PASSWORD, "new_password": new, "new_password_again": new},
    )
    assert r.status_code == 200 and message in r.content, r.content[-3000:]


def test_password_change_is_audited_ends_other_sessions_and_is_remembered(personas, login):
    client, other = login("advocate"), login("advocate")
    new = "velvet orchard mosaic thunder"
    r = client.post(
        "/console/account/password/",
        {"old_password": PASSWORD, "new_password": new, "new_password_again": new},
    )
    assert r.status_code == 302
    assert client.get("/console/").status_code == 200  # this browser stays signed in
    assert other.get("/console/").status_code == 302
    assert AuditEvent.objects.filter(action="password_changed", actor_label="advocate").exists()
    user = User.objects.get(username="advocate")
    with pytest.raises(Exception, match="used this password before"):
        actions.do_change_password(user, new, PASSWORD, actor=user)
    # a wrong current password changes nothing
    with pytest.raises(Exception, match="current password"):
        actions.do_change_password(user, "not it", "another fine long phrase", actor=user)


def test_admin_sign_in_goes_through_the_console(db):
    r = Client().get("/admin/login/?next=/admin/")
    assert r.status_code == 302 and r["Location"].startswith("/console/login/")
