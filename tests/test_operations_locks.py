"""PostgreSQL advisory locks: one key per purpose, so the dispatcher never holds up an audited
write (they shared one key, and every write waited for the dispatcher); and one dispatcher for
the whole hotline, elected by a lock its process holds for life (issue 20 part 7)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.audit.models import AuditEvent
from lantern.routing.dispatcher import Leadership

postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's advisory locks"
)


@postgresql
def test_the_dispatchers_lock_does_not_hold_up_audited_writes(live_db):
    holding, release = threading.Event(), threading.Event()

    def dispatch():
        leader = Leadership()
        assert leader.held()
        holding.set()
        release.wait(30)
        leader.release()
        connection.close()

    other = threading.Thread(target=dispatch)
    other.start()
    try:
        assert holding.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")  # fails, not waits, if shared
            audit.record("cli", Audit.UPDATE, object_type="test.lock", object_id="1")
    finally:
        release.set()
        other.join()
    assert AuditEvent.objects.filter(object_type="test.lock").count() == 1


@pytest.mark.skipif(
    connection.vendor == "sqlite" and connection.settings_dict["NAME"] in ("", ":memory:"),
    reason="an in-memory database has one process",
)
def test_one_process_leads_and_another_takes_over_when_it_goes(live_db):
    first, second = Leadership(), Leadership()
    try:
        assert first.held()
        assert not second.held()  # stands by
        assert first.held()  # and the leader stays the leader
        first.release()  # its process dies: the lock goes with it
        second._next_try = 0  # (it would try again within STANDBY_RETRY seconds)
        assert second.held()
        first._next_try = 0
        assert not first.held()
    finally:
        first.release()
        second.release()
