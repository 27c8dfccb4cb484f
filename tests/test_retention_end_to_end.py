"""Issue 22's test of done, on a deployment of its own (SQLite, its own keys/), driven by the
``lantern`` commands an operator runs: contacts, a conversation and a case with distinctive
values, written in March 2025 and aged past their schedule; a backup; ``lantern apply_retention``;
another backup. Afterwards none of their ciphertexts or blind indexes is in the database file,
its write-ahead log or the later backup; the earlier backup still holds them, and no key opens
them any more (March 2025's key was destroyed); the held contact survives, readable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lantern.privacy import crypto

LANTERN = str(Path(sys.executable).with_name("lantern"))

SETUP = """
import json
from datetime import UTC, datetime, timedelta
from django.db import connection
from django.utils import timezone
from lantern.accounts.models import User
from lantern.cases import actions as cases
from lantern.cases.models import Case
from lantern.contacts import actions as contacts
from lantern.contacts.choices import ContactStatusChoices
from lantern.contacts.models import Contact, Conversation
from lantern.privacy import crypto, keys

crypto.now = lambda: datetime(2025, 3, 10, 12, tzinfo=UTC)  # what is written now is March's
keys.extend_periods()
advocate = User.objects.get(username="e2e-advocate")
supervisor = User.objects.get(username="e2e-supervisor")
due = contacts.do_create_contact({"channel": "phone", "call_types": ["tip"],
    "caller": {"name": "Quillon Zephyrine", "phone": "+1 713 555 0177"},
    "summary": "Quillon met the recruiter at Zephyr Farms"}, actor=advocate)
held = contacts.do_create_contact({"channel": "phone", "call_types": ["tip"],
    "caller": {"name": "Heldon Marrowby", "phone": "+1 713 555 0176"}}, actor=advocate)
message, _ = contacts.do_receive_message(channel="sms", hotline_address="+15555550100",
    participant="+17135550178", body="soy Quillon Zephyrine, ayuda", provider_id="SM" + "7" * 32)
contacts.do_close_conversation(message.conversation)
case = cases.do_open_case(due, actor=advocate, data={"summary": "Zephyrine case, Zephyr Farms"})
cases.do_add_case_note(case, "Zephyrine moved to the second trailer", actor=advocate)
cases.do_change_case_status(case, "closed", actor=supervisor)
cases.do_place_hold(actor=supervisor, contact=held, reason="Synthetic subpoena",
                    review_on=timezone.localdate())
old = timezone.now() - timedelta(days=3000)
Contact.objects.update(  # the SMS conversation's contact too, logged by an advocate
    status=ContactStatusChoices.LOGGED, updated_at=old, received_at=old)
Conversation.objects.filter(pk=message.conversation_id).update(
    opened_at=old, closed_at=old, last_message_at=old)
Case.objects.filter(pk=case.pk).update(updated_at=old, created_at=old)

def column(sql, pk):
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk.hex if isinstance(pk, __import__("uuid").UUID) else pk])
        return cursor.fetchone()

row = column("SELECT caller_name, caller_phone, summary, caller_phone_index"
             " FROM contacts_contact WHERE id = %s", due.pk)
conversation = column("SELECT participant, participant_index FROM contacts_conversation"
                      " WHERE id = %s", message.conversation_id)
print(json.dumps({
    "shredded": {
        "contacts.contact.caller_name": row[0], "contacts.contact.caller_phone": row[1],
        "contacts.contact.summary": row[2],
        "contacts.message.body": column("SELECT body FROM contacts_message WHERE id = %s",
                                        message.pk)[0],
        "contacts.conversation.participant": conversation[0],
        "cases.case.summary": column("SELECT summary FROM cases_case WHERE id = %s", case.pk)[0],
        "cases.casenote.body": column("SELECT body FROM cases_casenote WHERE case_id = %s",
                                      case.pk)[0],
    },
    "indexes": [row[3], conversation[1]],
    "held": column("SELECT caller_name FROM contacts_contact WHERE id = %s", held.pk)[0],
}))
"""


def _lantern(env, *args, stdin=None):
    result = subprocess.run([LANTERN, *args], env=env, capture_output=True, text=True,
                            timeout=300, input=stdin)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _bytes(*paths: Path) -> bytes:
    return b"".join(p.read_bytes() for p in paths if p.exists())


def test_apply_retention_leaves_nothing_readable_now_or_in_older_backups(tmp_path, monkeypatch):
    env = {**os.environ, "LANTERN_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    _lantern(env, "migrate", "--noinput")
    for user, role in (("e2e-advocate", "advocate"), ("e2e-supervisor", "supervisor")):
        _lantern(env, "createuser", user, "--role", role, "--password-stdin",
                 stdin="correct horse battery staple 42\n")  # fmt: skip
    values = json.loads(_lantern(env, "shell", "-c", SETUP).strip().splitlines()[-1])
    shredded = values["shredded"]
    assert all(shredded.values()) and all(values["indexes"]) and values["held"]
    assert {crypto.key_id_of(c) for c in shredded.values()} == {
        crypto.key_id_of(values["held"])
    }  # all of March 2025's key

    _lantern(env, "backup", str(tmp_path / "before"))
    out = _lantern(env, "apply_retention")
    assert "contact_personal: 2 shredded" in out and "case_narrative: 1 shredded" in out
    assert "messages: 1 shredded" in out
    # the held contact keeps March's key: the month is destroyed only once it is released
    assert "2025-03" not in out.split("month keys destroyed:")[1]
    _lantern(env, "shell", "-c", (
        "from lantern.cases.models import LegalHold\n"
        "from lantern.cases.actions import do_release_hold\n"
        "from lantern.accounts.models import User\n"
        "supervisor = User.objects.get(username='e2e-supervisor')\n"
        "do_release_hold(LegalHold.objects.get(), actor=supervisor)"
    ))  # fmt: skip
    out = _lantern(env, "apply_retention")
    assert "contact_personal: 1 shredded" in out  # the released one
    assert "2025-03" in out.split("month keys destroyed:")[1]
    _lantern(env, "backup", str(tmp_path / "after"))

    database = tmp_path / "data" / "lantern.sqlite3"
    now = _bytes(database, Path(f"{database}-wal"), tmp_path / "after" / "lantern.sqlite3")
    before = _bytes(tmp_path / "before" / "lantern.sqlite3")
    for value in [*shredded.values(), *values["indexes"], values["held"]]:
        assert value.encode() in before  # the test can see a value where there is one...
        assert value.encode() not in now  # ...and there is none left now
    # and the older backup cannot be read any more: its month's key is gone for good
    monkeypatch.setenv("LANTERN_DATA_DIR", str(tmp_path / "data"))
    crypto.reset_cache()
    try:
        ring = crypto.read_keyring()
        for context, ciphertext in shredded.items():
            with pytest.raises(crypto.Shredded):
                crypto.open_with(ring, ciphertext, context)
        assert json.loads((tmp_path / "after" / "keys.json").read_text())
        assert (
            crypto.key_id_of(values["held"])
            not in json.loads(
                json.loads((tmp_path / "after" / "keys.json").read_text())["data-keys.json"]
            )["keys"]
        )
    finally:
        monkeypatch.undo()
        crypto.reset_cache()
