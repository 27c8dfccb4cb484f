"""The audit log: what is recorded, append-only enforcement, and tamper detection."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from lantern.audit import actions as audit
from lantern.audit.models import AuditEvent, AuditLogIsAppendOnly
from lantern.audit.queries import verify_chain


def test_every_write_is_audited_without_personal_values(personas, make_contact, api):
    contact = make_contact(
        "advocate", caller={"name": "Test Caller Omega", "phone": "+12025550111"}
    )
    api("advocate").patch(
        f"/contacts/{contact.pk}", {"channel": "sms", "caller": {"name": "Test Caller Psi"}}
    )
    events = list(AuditEvent.objects.filter(object_id=str(contact.pk)).order_by("id"))
    assert [e.action for e in events][:2] == ["create", "update"]
    update = events[1]
    assert update.actor_label == "advocate"
    assert update.changes["channel"] == ["phone", "sms"]
    assert update.changes["caller_name"] == "changed"
    dumped = str([e.changes for e in events])
    assert "Omega" not in dumped and "Psi" not in dumped and "5550111" not in dumped


def test_chain_verifies(personas, make_contact):
    for _ in range(3):
        make_contact("advocate")
    report = verify_chain()
    assert report.ok and report.checked >= 3 + len(personas)


def test_model_refuses_changes(db):
    event = audit.record(None, "create", object_type="test.thing", object_id="1")
    event.reason = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")


def test_database_refuses_update_and_delete(db):
    event = audit.record(None, "create", object_type="test.thing", object_id="1")
    table = AuditEvent._meta.db_table
    for sql in (
        f"UPDATE {table} SET reason = 'x' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql, [event.pk])


def _drop_protection():
    """What an attacker with database access would do first."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP TRIGGER audit_event_no_update")
        else:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # flush deferred FK checks first
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change")


@pytest.mark.parametrize(
    "column, value", [("reason", "nothing to see"), ("actor_label", "someone else")]
)
def test_chain_detects_an_edited_row(personas, make_contact, column, value):
    make_contact("advocate")
    target = AuditEvent.objects.order_by("id")[2]
    _drop_protection()
    with connection.cursor() as cur:
        cur.execute(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [value, target.pk])  # noqa: S608
    report = verify_chain()
    assert not report.ok
    assert report.first_bad_id == target.pk
    with pytest.raises(CommandError, match=f"entry {target.pk}"):
        call_command("verify_audit")


def test_chain_detects_a_recomputed_hash(personas, make_contact):
    """Rewriting a row and its own hash still breaks the link from the next row."""
    make_contact("advocate")
    rows = list(AuditEvent.objects.order_by("id"))
    target = rows[1]
    target.reason = "forged"
    forged_hash = target.compute_hash()
    _drop_protection()
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE audit_auditevent SET reason = %s, hash = %s WHERE id = %s",
            ["forged", forged_hash, target.pk],
        )
    report = verify_chain()
    assert not report.ok and report.first_bad_id == rows[2].pk


def test_verify_audit_command_succeeds_on_an_intact_log(personas, capsys):
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out
