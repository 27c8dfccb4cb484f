"""/readyz and `lantern doctor` see the faults /healthz cannot; errors a client gets are JSON for
the API and 503 (retry) when the database is busy; SQLite writers wait a bounded time."""

from __future__ import annotations

import json
import secrets
import shutil
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from lantern.contacts.actions import do_receive_message, do_send_message
from lantern.contacts.models import Contact, Message
from lantern.datadir import keys_dir
from lantern.operations import health
from lantern.outbox.models import OutboxItem
from lantern.privacy import crypto
from tests.test_intake_sms import ACCOUNT, CALLER, HOTLINE, PUBLIC
from tests.test_intake_sms import TOKEN as TWILIO_TOKEN

TOKEN = "synthetic-metrics-token"


@pytest.fixture
def sms_twilio(settings):
    settings.TWILIO_ACCOUNT_SID = ACCOUNT
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.PUBLIC_URL = PUBLIC


@pytest.fixture(autouse=True)
def _fresh_checks(monkeypatch):
    monkeypatch.setattr(health.cached, "seconds", 0)
    monkeypatch.setenv("LANTERN_METRICS_TOKEN", TOKEN)


def sms(body: str, sid: str):
    """A signed Twilio SMS webhook; the answer whatever it is (no exception re-raised)."""
    from twilio.request_validator import RequestValidator

    path = "/intake/twilio/sms"
    params = {"AccountSid": ACCOUNT, "MessageSid": sid, "From": CALLER, "To": HOTLINE,
              "Body": body, "NumMedia": "0"}  # fmt: skip
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(PUBLIC + path, params)
    client = Client(raise_request_exception=False)
    return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


def readyz(*, token: str | None = TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = Client().get("/readyz", headers=headers)
    return response.status_code, response.json()


def failing(body) -> dict:
    return {name: c.get("detail") for name, c in body["checks"].items() if not c["ok"]}


def test_ready_when_everything_works(db):
    status, body = readyz()
    assert status == 200 and body["ready"] is True
    assert set(body["checks"]) == set(health.CHECKS)
    assert all(c["ok"] and "detail" in c for c in body["checks"].values())
    call_command("doctor")


def test_damaged_keys_fail_readiness_while_healthz_stays_up(make_contact, tmp_path, monkeypatch):
    make_contact()
    key_id = crypto.load_keyring().active_id
    shutil.copytree(keys_dir(), tmp_path / "keys")
    path = tmp_path / "keys" / "data-keys.json"
    doc = json.loads(path.read_text())
    doc["keys"][key_id] = crypto._b64e(secrets.token_bytes(32))
    path.write_text(json.dumps(doc))
    monkeypatch.setenv("LANTERN_DATA_DIR", str(tmp_path))
    try:
        status, body = readyz()
        assert status == 503 and body["ready"] is False
        assert list(failing(body)) == ["keys"]
        assert key_id in failing(body)["keys"]
        # without the token (and not from this machine): which check fails, not why
        status, body = readyz(token=None)
        assert status == 503 and body["checks"]["keys"] == {"ok": False}
        assert Client().get("/healthz").status_code == 200
        with pytest.raises(CommandError, match="not ready: keys"):
            call_command("doctor")
    finally:
        monkeypatch.delenv("LANTERN_DATA_DIR")
        crypto.reset_cache()


def test_a_full_disk_a_stalled_dispatcher_and_stuck_replies_fail(make_contact, monkeypatch, db):
    contact = make_contact()
    Contact.objects.filter(pk=contact.pk).update(
        status="open", received_at=timezone.now() - timedelta(minutes=10)
    )
    message, _ = do_receive_message(
        channel="sms", hotline_address="+15555550100", participant="+15555550123", body="hi"
    )
    reply = do_send_message(message.conversation, "We are here.", actor=None)  # stays queued:
    # the test's transaction never commits, so nothing sends it
    OutboxItem.objects.filter(ref=str(reply.pk)).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    monkeypatch.setattr(health, "MIN_FREE_MB", 1e12)
    status, body = readyz()
    assert status == 503
    reasons = failing(body)
    assert set(reasons) == {"disk", "dispatcher", "outbound"}
    assert "below" in reasons["disk"]
    assert "waited" in reasons["dispatcher"]
    assert "1 waiting to be sent, the oldest for" in reasons["outbound"]
    # no personal data in any reason
    assert "+1555555" not in json.dumps(body) and "We are here" not in json.dumps(body)


def test_an_unreachable_redis_fails(db, monkeypatch):
    monkeypatch.setenv("LANTERN_REDIS_URL", "redis://127.0.0.1:9/0")  # discard port: refused
    status, body = readyz()
    assert status == 503 and list(failing(body)) == ["redis"]


def test_api_errors_are_json(api):
    client = api("advocate")
    response = client.get("/no-such-resource")
    assert response.status_code == 404 and response.json() == {"detail": "not found"}


def test_an_unexpected_api_failure_is_a_json_500(api, monkeypatch):
    from lantern.api import contacts as api_contacts

    def broken(*args, **kwargs):
        raise RuntimeError("synthetic failure")

    monkeypatch.setattr(api_contacts.contact_queries, "contacts_for_user", broken)
    client = api("advocate")
    client.client.raise_request_exception = False
    response = client.get("/contacts")
    assert response.status_code == 500
    assert response.json() == {"detail": "internal error"}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock")
def test_a_held_write_lock_gives_503s_within_the_bound(live_db, api, sms_twilio, monkeypatch):
    """Another writer holds the database (a stuck process): the API answers a JSON 503 and a
    webhook a 503 Twilio retries, within the bound, instead of waiting for ever."""
    from lantern.core.sqlite import base

    monkeypatch.setattr(base, "LOCK_WAIT", 0.3)
    client = api("advocate")
    client.client.raise_request_exception = False
    holding, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            holding.set()
            release.wait(30)
        connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        response = client.post("/contacts", {"channel": "phone", "call_types": ["tip"]})
        assert response.status_code == 503, response.content
        assert response["Content-Type"] == "application/json"
        assert response["Retry-After"]
        assert "busy" in response.json()["detail"]
        webhook = sms("help", "SM" + "7" * 32)
        assert webhook.status_code == 503
    finally:
        release.set()
        holder.join()
    # once the writer lets go, Twilio's retry is stored
    assert sms("help", "SM" + "7" * 32).status_code == 200
    assert Message.objects.filter(provider_id="SM" + "7" * 32).count() == 1
