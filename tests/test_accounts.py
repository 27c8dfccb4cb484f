"""Users, tokens, sign-in and lockout, and the CLI commands for them."""

import io

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

from lantern.accounts.actions import do_create_user
from lantern.accounts.models import ApiToken, User, hash_token
from lantern.audit.models import AuditEvent


def _stdin(monkeypatch, text):
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_createuser_from_stdin(db, monkeypatch, capsys):
    _stdin(monkeypatch, "a sufficiently long passphrase\n")
    call_command("createuser", "maria", "--role", "advocate", "--password-stdin")
    user = User.objects.get(username="maria")
    assert user.role == "advocate" and user.check_password("a sufficiently long passphrase")
    assert "created advocate maria" in capsys.readouterr().out


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_hashed_with_argon2(db):
    user = do_create_user("argon", "advocate", "a sufficiently long passphrase")
    assert identify_hasher(user.password).algorithm == "argon2"


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["bob", "--role", "advocate", "--password-stdin"], "short\n", "too short"),
        (["bob", "--role", "advocate", "--password-stdin"], "\n", "empty"),
        (["bob", "--role", "advocate"], "", "no terminal"),
    ],
)
def test_createuser_errors(db, monkeypatch, args, stdin, message):
    _stdin(monkeypatch, stdin)
    with pytest.raises(CommandError, match=message):
        call_command("createuser", *args)
    assert not User.objects.filter(username="bob").exists()


def test_createuser_rejects_unknown_role_and_duplicates(personas, monkeypatch):
    with pytest.raises(CommandError):
        call_command("createuser", "x", "--role", "wizard", "--password-stdin")
    _stdin(monkeypatch, "a sufficiently long passphrase\n")
    with pytest.raises(CommandError, match="already exists"):
        call_command("createuser", "advocate", "--role", "advocate", "--password-stdin")


def test_token_is_printed_once_and_stored_hashed(personas, capsys):
    call_command("token", "supervisor")
    token = capsys.readouterr().out.strip()
    assert token.startswith("lt_") and len(token) > 40
    stored = ApiToken.objects.get(user=personas["supervisor"])
    assert stored.key_hash == hash_token(token) and token not in stored.key_hash
    r = Client().get("/api/v1/contacts", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    with pytest.raises(CommandError, match="no active user"):
        call_command("token", "nobody")


def test_revoked_token_and_inactive_user_are_refused(personas, api):
    client = api("advocate")
    assert client.get("/contacts").status_code == 200
    User.objects.filter(username="advocate").update(is_active=False)
    assert client.get("/contacts").status_code == 401


def test_successful_login_is_audited_and_forgets_failures(personas):
    from lantern.accounts.models import LoginThrottle
    from tests.conftest import PASSWORD

    client = Client()
    client.post("/console/login/", {"username": "advocate", "password": "wrong guess"})
    assert LoginThrottle.objects.get().failures == 1
    r = client.post("/console/login/", {"username": "advocate", "password": PASSWORD})
    assert r.status_code == 302
    assert not LoginThrottle.objects.exists()
    assert AuditEvent.objects.filter(action="login", actor_label="advocate").exists()
    # unknown usernames are audited without creating a user
    Client().post("/console/login/", {"username": "ghost", "password": "x"})
    assert not User.objects.filter(username="ghost").exists()


def test_admin_screens_are_for_admins_and_changes_are_audited(login, personas):
    admin_client = login("admin")
    assert admin_client.get("/admin/accounts/user/").status_code == 200
    assert admin_client.get("/admin/contacts/contactformversion/").status_code == 200
    assert login("supervisor").get("/admin/accounts/user/").status_code == 302  # not staff
    r = admin_client.post(
        "/admin/accounts/user/",
        {"action": "end_sessions", "_selected_action": [personas["advocate"].pk]},
    )
    assert r.status_code == 302
    assert AuditEvent.objects.filter(
        action="sessions_ended", actor_label="admin", object_id=str(personas["advocate"].pk)
    ).exists()
    # no form can change a user behind the audit log's back
    assert (
        admin_client.get(f"/admin/accounts/user/{personas['advocate'].pk}/change/").status_code
        == 200
    )
    r = admin_client.post(
        f"/admin/accounts/user/{personas['advocate'].pk}/change/", {"role": "admin"}
    )
    assert r.status_code == 403
