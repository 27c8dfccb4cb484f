"""PostgreSQL advisory locks: one key per purpose, so a dispatcher pass never holds up an
audited write (they shared one key, and every write waited for the dispatcher)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.audit.models import AuditEvent
from lantern.routing.dispatcher import turn

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's advisory locks"
)


def test_a_dispatcher_pass_does_not_hold_up_audited_writes(live_db):
    holding, release = threading.Event(), threading.Event()

    def dispatch():
        with turn():
            holding.set()
            release.wait(30)
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
