"""lantern.core.rows (plain INSERTs that store what the ORM would) and lantern.core.commits
(concurrent writers sharing one commit on SQLite)."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from lantern.audit import actions as audit
from lantern.audit.models import AuditEvent
from lantern.contacts.models import HAS_PROVIDER_ID, Contact, Conversation, Message
from lantern.core import commits, rows
from lantern.privacy.fields import reveal


def _conversation(**kwargs) -> Conversation:
    from lantern.contacts.definitions import active_form

    contact = Contact.objects.create(
        form_version=active_form(), channel="sms", received_at="2026-01-01T00:00:00Z"
    )
    return Conversation.objects.create(contact=contact, channel="sms", **kwargs)


@pytest.mark.django_db
def test_insert_stores_what_the_orm_would_store():
    conversation = _conversation()
    fast = Message(conversation=conversation, direction="inbound", body="Synthetic: help",
                   provider_id="SMrows1", status="received")  # fmt: skip
    rows.insert(fast)
    slow = Message.objects.create(
        conversation=conversation, direction="inbound", body="Synthetic: help",
        provider_id="SMrows2", status="received",
    )  # fmt: skip
    a, b = Message.objects.get(pk=fast.pk), Message.objects.get(pk=slow.pk)
    assert reveal(a.body) == reveal(b.body) == "Synthetic: help"
    for field in ("direction", "status", "media_count", "error", "sent_by_id", "conversation_id"):
        assert getattr(a, field) == getattr(b, field)
    assert a.created_at == fast.created_at
    assert not fast._state.adding
    with connection.cursor() as cursor:  # encrypted at rest, like the ORM's
        cursor.execute("SELECT body FROM contacts_message WHERE provider_id = 'SMrows1'")
        assert "help" not in cursor.fetchone()[0]


@pytest.mark.django_db
def test_insert_reads_back_auto_increment_keys_and_keeps_the_audit_chain():
    events = audit.record_many("system", "create", [None, None, None], object_type="x")
    assert len({e.pk for e in events}) == 3 and all(e.pk for e in events)
    stored = list(AuditEvent.objects.order_by("id").filter(object_type="x"))
    assert [e.pk for e in stored] == [e.pk for e in events]
    for before, after in zip(stored, stored[1:], strict=False):
        assert after.prev_hash == before.hash == before.compute_hash()


@pytest.mark.django_db
def test_a_lookup_by_provider_id_uses_the_partial_unique_index():
    if connection.vendor != "sqlite":
        pytest.skip("the plan text is SQLite's")
    sql, params = Message.objects.filter(HAS_PROVIDER_ID, provider_id="SMx").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "message_provider_id_unique" in plan


def _store(username: str, fail: bool):
    from lantern.accounts.models import User

    User.objects.create(username=username)
    if fail:
        User.objects.create(username=username)  # the unique username refuses it
    return username


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_share_commits_and_a_failure_undoes_only_its_own(live_db):
    from lantern.accounts.models import User

    results, errors = {}, {}

    def write(i):
        try:
            results[i] = commits.run(_store, f"writer-{i}", fail=i % 7 == 3)
        except IntegrityError as exc:
            errors[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a writer never got its answer"
    failing = {i for i in range(40) if i % 7 == 3}
    assert set(errors) == failing
    assert results == {i: f"writer-{i}" for i in range(40) if i not in failing}
    # every answered write is committed; nothing of a failed one is
    stored = set(
        User.objects.filter(username__startswith="writer-").values_list("username", flat=True)
    )
    assert stored == set(results.values())


@pytest.mark.django_db
def test_inside_an_open_transaction_run_is_the_function_itself():
    with transaction.atomic():
        assert commits.run(lambda a, b=0: a + b, 2, b=3) == 5
    with pytest.raises(ZeroDivisionError):
        commits.run(lambda: 1 / 0)


def _swallows_a_database_error():
    from lantern.accounts.models import User

    try:
        with transaction.atomic(savepoint=False):
            User.objects.create(username="doomed")
            User.objects.create(username="doomed")
    except IntegrityError:
        pass  # the transaction is now marked for rollback
    return "stored?"


@pytest.mark.django_db(transaction=True)
def test_a_function_that_dooms_the_transaction_is_told_so_not_stored(live_db):
    from django.db.transaction import TransactionManagementError

    from lantern.accounts.models import User

    with pytest.raises(TransactionManagementError):
        commits.run(_swallows_a_database_error)
    assert not User.objects.filter(username="doomed").exists()
    assert commits.run(_store, "after-doomed", fail=False) == "after-doomed"  # the lock is free


def _sms_store_runs_twice():
    from lantern.audit.queries import verify_chain
    from lantern.intake import sms

    args = ("SM" + "7" * 32, "+15555550142", "+15555550100", "Synthetic text stored twice", 0)
    with transaction.atomic():  # a first run, undone with its batch
        first = sms._store.undecorated(*args)
        transaction.set_rollback(True)
    assert not Message.objects.filter(provider_id=args[0]).exists()
    assert sms._store(*args) == first  # the run that counts
    assert sms._store(*args) == first  # and Twilio's retry of the same webhook
    assert Message.objects.filter(provider_id=args[0]).count() == 1
    assert Conversation.objects.filter(participant_index__isnull=False).count() == 1
    assert verify_chain().ok


# every @commits.grouped function, by name, with a test that runs it twice
RUNS_TWICE = {"lantern.intake.sms._store": _sms_store_runs_twice}


@pytest.mark.django_db
def test_every_grouped_function_runs_twice_with_the_effect_of_once():
    import lantern.intake.sms  # noqa: F401 (what registers it)

    grouped = {f"{f.__module__}.{f.__qualname__}" for f in commits.GROUPED}
    assert grouped == set(RUNS_TWICE), "a @commits.grouped function without a runs-twice test"
    for check in RUNS_TWICE.values():
        check()
