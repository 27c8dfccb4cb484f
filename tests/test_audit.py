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


def _legacy_event(prev: str, object_id: str) -> AuditEvent:
    """An entry as written before decision 0011: no chain, and a hash without one."""
    from django.utils import timezone

    event = AuditEvent(
        at=timezone.now(), action="create", object_type="test.thing", object_id=object_id,
        actor_label="system", prev_hash=prev,
    )  # fmt: skip
    event.hash = event.compute_hash()
    return event


def test_entries_from_before_the_chains_still_verify_and_new_ones_start_their_own(db):
    from lantern.audit.models import GENESIS_HASH
    from lantern.core import rows

    first = _legacy_event(GENESIS_HASH, "1")
    rows.insert(first)
    rows.insert(_legacy_event(first.hash, "2"))
    new = audit.record(None, "create", object_type="test.thing", object_id="3")
    assert new.chain is not None and new.prev_hash != first.hash
    report = verify_chain()
    assert report.ok and None in report.heads and new.chain in report.heads
    assert len(report.anchor) == 64


def test_a_deleted_entry_breaks_its_chain(db):
    events = [
        audit.record(None, "create", object_type="test.thing", object_id=str(i)) for i in range(4)
    ]
    _drop_protection()
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP TRIGGER audit_event_no_delete")
        cur.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    report = verify_chain()
    assert not report.ok and report.first_bad_id == events[2].pk


def test_a_row_moved_to_another_chain_breaks_it(db):
    events = [
        audit.record(None, "create", object_type="test.thing", object_id=str(i)) for i in range(3)
    ]
    _drop_protection()
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET chain = 7 WHERE id = %s", [events[2].pk])
    assert verify_chain().first_bad_id == events[2].pk


def _on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's writers run in parallel; SQLite serialises them itself")


def _hold_an_audit_write(chains: dict, holding, release):
    """In its own connection: write an audit entry and keep the transaction open."""
    from django.db import connections

    try:
        with transaction.atomic():
            audit.record(None, "create", object_type="test.thing", object_id="held")
            chains["held"] = audit._chain()
            holding.set()
            release.wait(30)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_writers_on_other_chains_do_not_wait_for_an_open_transaction():
    """Issue 20: one lock for the whole chain made every audited write wait for every other
    open one. Now a writer waits only for its own chain: with a lock timeout, a writer on
    another chain goes through while one on the same chain times out."""
    import threading

    from django.db import OperationalError

    _on_postgresql()
    chains, holding, release = {}, threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_an_audit_write, args=(chains, holding, release))
    holder.start()
    try:
        assert holding.wait(20)

        def write_with_timeout():
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("SET LOCAL lock_timeout = '1s'")
                audit.record(None, "create", object_type="test.thing", object_id="other")

        for _ in range(200):  # a connection on another chain than the holder's
            if audit._chain() != chains["held"]:
                break
            connection.close()
        write_with_timeout()
        for _ in range(400):  # and one on the same chain
            if audit._chain() == chains["held"]:
                break
            connection.close()
        assert audit._chain() == chains["held"]
        with pytest.raises(OperationalError, match="lock timeout"):
            write_with_timeout()
    finally:
        release.set()
        holder.join(30)
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_many_parallel_writers_leave_every_chain_intact():
    import random
    import threading
    import time

    from django.db import connections

    _on_postgresql()
    errors = []

    def writer(n):
        try:
            for i in range(15):
                with transaction.atomic():
                    audit.record(None, "create", object_type="test.thing", object_id=f"{n}-{i}")
                    time.sleep(random.uniform(0, 0.005))
                    audit.record(None, "update", object_type="test.thing", object_id=f"{n}-{i}")
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    report = verify_chain()
    assert report.ok and report.checked >= 8 * 15 * 2 and len(report.heads) > 1
