"""Lantern's SQLite backend: one write transaction at a time per process, never a stuck lock."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from lantern.accounts.models import User

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the write lock is SQLite's backend only"
)


@pytest.mark.django_db(transaction=True)
def test_a_failed_transaction_releases_the_write_lock_for_other_threads():
    with pytest.raises(RuntimeError), transaction.atomic():
        User.objects.create(username="rolled-back")
        raise RuntimeError("a webhook fails half-way")
    errors = []

    def write(name):
        try:
            with transaction.atomic():
                User.objects.create(username=name)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(f"thread-{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a writer is stuck on the lock"
    assert errors == []
    assert set(User.objects.values_list("username", flat=True)) == {f"thread-{i}" for i in range(8)}


@pytest.mark.django_db(transaction=True)
def test_a_write_transaction_holds_the_lock_file_other_processes_queue_on():
    import fcntl
    import os

    path = str(connection.settings_dict["NAME"]) + "-writer.lock"
    other = None
    try:
        with transaction.atomic():
            User.objects.create(username="holds-the-file")
            other = os.open(path, os.O_RDWR)  # another process's view of the lock file
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free as soon as it committed
        fcntl.flock(other, fcntl.LOCK_UN)
    finally:
        if other is not None:
            os.close(other)
