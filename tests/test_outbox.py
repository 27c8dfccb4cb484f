"""The outbound queue: replies are rows written with the change, sent by a worker with retries
and backoff, given up on visibly, and sent once even when the worker dies mid-send."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from lantern.contacts.actions import do_receive_message, do_send_message
from lantern.outbox import actions as outbox
from lantern.outbox.models import OutboxItem
from lantern.routing import queries as routing_queries
from tests.fakes.twilio_api import FakeTwilio
from tests.test_intake_sms import ACCOUNT, CALLER, HOTLINE, PUBLIC, TOKEN

LANTERN = str(Path(sys.executable).with_name("lantern"))


@pytest.fixture
def twilio(settings):
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT, TOKEN
    settings.PUBLIC_URL = PUBLIC
    with FakeTwilio() as fake:
        settings.TWILIO_API_URL = fake.url
        yield fake


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def reply(body: str, capture, channel="sms", participant=CALLER, hotline=HOTLINE):
    message, _ = do_receive_message(
        channel=channel, hotline_address=hotline, participant=participant, body="help"
    )
    with capture(execute=True):
        return do_send_message(message.conversation, body, actor=None)


def item_for(message) -> OutboxItem:
    return OutboxItem.objects.get(ref=str(message.pk))


def test_a_reply_is_queued_with_the_message_and_sent(twilio, db, capture):
    sent = reply("We are here for you.", capture)
    item = item_for(sent)
    assert (item.kind, item.state, item.attempts) == ("message.sms", "sent", 1)
    sent.refresh_from_db()
    assert sent.status != "queued" and sent.provider_id.startswith("SM")
    assert [m["body"] for m in twilio.messages] == ["We are here for you."]


def test_a_provider_outage_is_retried_with_backoff(twilio, db, capture):
    twilio.fail_next = (503, 20503)
    sent = reply("Retried reply.", capture)
    item = item_for(sent)
    assert item.state == "pending" and item.attempts == 1 and "HTTP 503" in item.last_error
    assert item.next_attempt_at > timezone.now() + timedelta(seconds=5)
    assert outbox.run_once() == 0  # not due yet
    assert outbox.run_once(now=item.next_attempt_at + timedelta(seconds=1)) == 1
    item.refresh_from_db()
    sent.refresh_from_db()
    assert item.state == "sent" and item.attempts == 2
    assert sent.provider_id.startswith("SM")
    assert [m["body"] for m in twilio.messages] == ["Retried reply."]


def test_a_refused_reply_is_given_up_and_shown(twilio, db, capture, login):
    twilio.fail_next = (400, 21211)  # invalid number: retrying cannot help
    sent = reply("Refused reply.", capture)
    assert item_for(sent).state == "dead"
    sent.refresh_from_db()
    assert sent.status == "failed" and sent.error.startswith("not sent: ") and "21211" in sent.error
    assert routing_queries.board()["replies_not_sent"] == 1
    # the supervisors' board says so, with the conversation to open
    board = login("supervisor").get("/console/routing/board/live/").content.decode()
    assert "A reply could not be sent." in board
    contact_id = sent.conversation.contact_id
    assert f"/console/contacts/{contact_id}/conversation/" in board
    assert "Refused reply." not in board and CALLER not in board  # no words, no number
    conversation = login("supervisor").get(f"/console/contacts/{contact_id}/conversation/")
    assert "not sent: " in conversation.content.decode()


def test_retries_end_in_the_dead_letter_state(twilio, db, monkeypatch, capture):
    monkeypatch.setattr(outbox, "MAX_ATTEMPTS", 2)
    twilio.fail_next = (500, 20500)
    sent = reply("Never reaches Twilio.", capture)
    twilio.fail_next = (500, 20500)
    later = timezone.now() + timedelta(hours=1)
    assert outbox.run_once(now=later) == 1
    item = item_for(sent)
    assert item.state == "dead" and "after 2 attempts" in item.last_error
    sent.refresh_from_db()
    assert sent.status == "failed" and "after 2 attempts" in sent.error
    assert outbox.run_once(now=later + timedelta(hours=1)) == 0


def test_a_hanging_mail_server_is_given_up_on_within_the_time_limit(db, settings, capture):
    """The SMTP server accepts the connection and never answers: the send stops at the time
    limit and is retried later, instead of holding a thread."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    settings.EMAIL_HOST, settings.EMAIL_PORT = listener.getsockname()
    settings.EMAIL_TIMEOUT = 0.5
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    started = time.monotonic()
    try:
        sent = reply(
            "An email reply.", capture, channel="email",
            participant="caller@example.org", hotline="help@example.org",
        )  # fmt: skip
    finally:
        listener.close()
    assert time.monotonic() - started < 5
    item = item_for(sent)
    assert item.state == "pending" and "mail server unavailable" in item.last_error


@pytest.fixture
def fake_twilio():
    with FakeTwilio() as fake:
        yield fake


def _db_rows(path: Path, sql: str):
    with sqlite3.connect(path, timeout=10) as conn:
        return conn.execute(sql).fetchall()


def test_a_worker_killed_mid_send_sends_every_reply_once(tmp_path, fake_twilio):
    """Five replies; the worker is SIGKILLed while Twilio holds its answer to the third (Twilio
    has taken it). A new worker finds the third in Twilio's log instead of sending it again,
    and sends the fourth and fifth: each reply leaves exactly once."""
    env = {
        **os.environ, "LANTERN_DATA_DIR": str(tmp_path), "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_API_URL": fake_twilio.url,
        "LANTERN_OUTBOX_LEASE": "1", "LANTERN_OUTBOX_INLINE": "0",
    }  # fmt: skip
    env.pop("DATABASE_URL", None)
    bodies = [f"Synthetic reply {n}" for n in range(1, 6)]
    subprocess.run([LANTERN, "migrate", "-v0"], env=env, check=True, timeout=120)
    script = (
        "from lantern.contacts.actions import do_receive_message, do_send_message\n"
        f"m, _ = do_receive_message(channel='sms', hotline_address='{HOTLINE}',"
        f" participant='{CALLER}', body='help')\n"
        f"for body in {bodies!r}:\n"
        "    do_send_message(m.conversation, body, actor=None)\n"
    )
    subprocess.run([LANTERN, "shell", "-c", script], env=env, check=True, timeout=120)
    database = tmp_path / "lantern.sqlite3"
    assert _db_rows(database, "SELECT count(*) FROM outbox_outboxitem WHERE state='pending'") == [
        (5,)
    ]
    fake_twilio.hold_body = bodies[2]
    first = subprocess.Popen([LANTERN, "outbox", "--interval", "0.2"], env=env)
    try:
        assert fake_twilio.holding.wait(60), "the worker never reached the third reply"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    threading.Timer(0.5, fake_twilio.release.set).start()
    second = subprocess.Popen([LANTERN, "outbox", "--interval", "0.2"], env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            states = _db_rows(database, "SELECT state, count(*) FROM outbox_outboxitem GROUP BY 1")
            if states == [("sent", 5)]:
                break
            time.sleep(0.2)
        assert states == [("sent", 5)]
    finally:
        second.terminate()
        second.wait(10)
    taken = [m["body"] for m in fake_twilio.messages]
    assert sorted(taken) == bodies, taken  # each once, none lost
    queued = _db_rows(
        database,
        "SELECT count(*) FROM contacts_message WHERE direction='outbound' AND provider_id=''",
    )
    assert queued == [(0,)]  # every reply knows its Twilio sid, the third included
    attempts = dict(_db_rows(database, "SELECT ref, attempts FROM outbox_outboxitem"))
    assert sorted(attempts.values()) == [1, 1, 2, 2, 2]
