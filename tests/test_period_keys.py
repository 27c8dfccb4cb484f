"""Crypto-shredding with month keys (issue 22, part 2; privacy.periods): what retention shreds is
sealed under the key of the month it was written in; once a month has ended and nothing is left
under its key, ``lantern apply_retention`` destroys the key, so a backup made earlier cannot
open that month any more; held records keep their month's key; rotation keeps months apart;
other servers and older databases follow the destruction."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lantern.audit.models import AuditEvent
from lantern.cases import actions as case_actions
from lantern.cases import retention as runner
from lantern.contacts.models import Contact
from lantern.datadir import keys_dir
from lantern.operations import health
from lantern.privacy import crypto, keys, periods
from lantern.privacy.models import DataKey
from lantern.privacy.rotation import reencrypt_all

OLD = timezone.now() - timedelta(days=3000)


@pytest.fixture
def own_keys(tmp_path, monkeypatch):
    """The session's keys copied into a data directory of the test's own, and a clock for the
    month keys: ``own_keys(datetime)`` moves it and makes keys from that month on."""
    shutil.copytree(keys_dir(), tmp_path / "keys")
    monkeypatch.setenv("LANTERN_DATA_DIR", str(tmp_path))
    crypto.reset_cache()

    def _at(moment: datetime, *, extend: bool = True):
        monkeypatch.setattr(crypto, "now", lambda: moment)
        if extend:
            keys.extend_periods()
        return tmp_path / "keys" / "data-keys.json"

    yield _at
    monkeypatch.undo()
    crypto.reset_cache()


def _ring() -> crypto.Keyring:
    crypto.reset_cache()
    return crypto.read_keyring()


def _raw_name(contact) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT caller_name FROM contacts_contact WHERE id = %s",
            [contact.pk.hex if connection.vendor == "sqlite" else contact.pk],
        )
        return cursor.fetchone()[0]


def _caller(name: str, phone: str) -> dict:
    return {"caller": {"name": name, "phone": phone}, "summary": f"Synthetic story of {name}"}


def test_personal_fields_are_sealed_under_their_months_key_and_the_rest_under_the_active_key(
    db, own_keys, make_contact
):
    own_keys(datetime(2025, 3, 10, 12, tzinfo=UTC))
    ring = _ring()
    assert {"2025-03", "2025-04", "2027-03"} <= set(ring.periods)
    assert all(len(key_id) == periods.KEY_ID_LENGTH for key_id in ring.key_periods)
    contact = Contact.objects.get(
        pk=make_contact(**_caller("Synthetic March", "+1 713 555 0101")).pk
    )
    for field in ("caller_name", "caller_phone", "summary"):
        assert getattr(contact, field).key_id == ring.periods["2025-03"]
    assert contact.caller_name.reveal() == "Synthetic March"
    assert crypto.key_id_of(crypto.encrypt("Synthetic", "x.y")) == ring.active_id
    # every month key is registered with its month and a canary only it opens
    registered = DataKey.objects.get(key_id=ring.periods["2025-03"])
    assert registered.period == "2025-03" and registered.canary
    assert keys.check()


def test_retention_destroys_an_emptied_months_key_so_an_older_backup_cannot_read_it(
    db, own_keys, make_contact, personas
):
    march = datetime(2025, 3, 10, 12, tzinfo=UTC)
    key_file = own_keys(march)
    shredded = make_contact(**_caller("Synthetic Shredded", "+1 713 555 0102"))
    own_keys(datetime(2025, 4, 10, 12, tzinfo=UTC), extend=False)
    held = make_contact(**_caller("Synthetic Held", "+1 713 555 0103"))
    Contact.objects.filter(pk__in=[shredded.pk, held.pk]).update(updated_at=OLD, received_at=OLD)
    case_actions.do_place_hold(
        actor=personas["supervisor"], contact=held, reason="Synthetic subpoena",
        review_on=timezone.localdate(),
    )  # fmt: skip
    backup = {"shredded": _raw_name(shredded), "held": _raw_name(held)}  # an older backup
    ring = _ring()
    march_key, april_key = ring.periods["2025-03"], ring.periods["2025-04"]
    assert crypto.key_id_of(backup["shredded"]) == march_key

    own_keys(datetime.now(UTC), extend=False)  # today: March and April 2025 have long ended
    assert runner.plan()["month_keys"] >= 1  # a dry run: at least the months with no data
    done = runner.run()
    assert done["contact_personal"] == 1  # the held contact is kept
    ring = _ring()
    assert march_key not in ring.keys and "2025-03" not in ring.periods
    assert march_key in ring.destroyed
    assert april_key in ring.keys  # the held contact keeps its month readable
    on_disk = json.loads(key_file.read_text())
    assert march_key not in on_disk["keys"]  # gone from the file, only a tombstone left...
    assert on_disk["destroyed"][march_key] and march_key not in on_disk["key_periods"]
    assert DataKey.objects.get(key_id=march_key).destroyed_at is not None
    assert DataKey.objects.get(key_id=march_key).canary == ""
    # ...so the older backup's March value can no longer be opened, by anyone, ever
    with pytest.raises(crypto.Shredded, match=march_key):
        crypto.decrypt(backup["shredded"], "contacts.contact.caller_name")
    assert crypto.decrypt(backup["held"], "contacts.contact.caller_name") == "Synthetic Held"
    assert keys.check()  # the server still starts
    event = AuditEvent.objects.filter(object_type="privacy.key").get()
    assert "2025-03" in event.changes["months"] and "Synthetic" not in str(event.changes)
    # this month (the clock that picks keys) is never destroyed, whatever "now" a run is given
    assert crypto.period_of(crypto.now()) in ring.periods
    assert runner.run(timezone.now() + timedelta(days=4000))["month_keys"] == 0
    # released, the hold's contact is shredded and April goes as well
    case_actions.do_release_hold(held.holds.get(), actor=personas["supervisor"])
    assert runner.run()["month_keys"] == 1
    with pytest.raises(crypto.Shredded):
        crypto.decrypt(backup["held"], "contacts.contact.caller_name")


def test_other_servers_and_older_databases_follow_a_destroyed_key(
    db, own_keys, make_contact, tmp_path
):
    key_file = own_keys(datetime(2025, 3, 10, 12, tzinfo=UTC))
    other_server = tmp_path / "other-server-keys.json"
    shutil.copy(key_file, other_server)  # server B's copy of keys/, made before
    march_key = _ring().periods["2025-03"]
    canary = DataKey.objects.get(key_id=march_key).canary
    contact = make_contact(**_caller("Synthetic Restored", "+1 713 555 0107"))
    in_backup = Contact.objects.get(pk=contact.pk)
    fields = ("caller_name", "caller_phone", "summary", "caller_phone_index")
    Contact.objects.filter(pk=contact.pk).update(**dict.fromkeys(fields[:3]), caller_phone_index="")
    own_keys(datetime.now(UTC), extend=False)
    assert "2025-03" in periods.due()
    assert march_key in periods.destroy(["2025-03"])

    # server B checks its keys (at start, or on /readyz): the registry says the key is gone
    shutil.copy(other_server, key_file)
    assert march_key in json.loads(key_file.read_text())["keys"]
    keys.check()
    assert march_key not in _ring().keys and march_key in _ring().destroyed

    # a killed run that marked the registry but not the file is repaired the same way; and an
    # older database (restored from a backup) whose registry still wants the key starts, because
    # the key file remembers it destroyed it
    DataKey.objects.filter(key_id=march_key).update(destroyed_at=None, canary=canary)
    Contact.objects.filter(pk=contact.pk).update(**{f: getattr(in_backup, f) for f in fields})
    keys.check()
    assert DataKey.objects.get(key_id=march_key).destroyed_at is not None
    # its unreadable values are shredded by the next retention run
    assert _raw_name(contact).startswith(f"v1:{march_key}:")
    runner.run()
    restored = Contact.objects.get(pk=contact.pk)
    assert (restored.caller_name, restored.caller_phone, restored.caller_phone_index) == (
        None,
        None,
        "",
    )
    assert restored.shredded_at is not None
    assert AuditEvent.objects.filter(object_id="unreadable").get().changes == {"values_removed": 3}


def test_rotation_gives_each_month_a_new_key_and_keeps_months_apart(db, own_keys, make_contact):
    own_keys(datetime(2025, 3, 10, 12, tzinfo=UTC))
    march = make_contact(**_caller("Synthetic Rotated March", "+1 713 555 0104"))
    own_keys(datetime(2025, 4, 10, 12, tzinfo=UTC), extend=False)
    april = make_contact(**_caller("Synthetic Rotated April", "+1 713 555 0105"))
    before = _ring()
    keys.add_data_key()
    reencrypt_all()
    after = _ring()
    assert after.active_id != before.active_id
    for contact, month in ((march, "2025-03"), (april, "2025-04")):
        value = Contact.objects.get(pk=contact.pk).caller_name
        assert value.key_id == after.periods[month] != before.periods[month]
        assert after.key_periods[before.periods[month]] == month  # the old key is still its month's
    assert Contact.objects.get(pk=march.pk).caller_name.reveal() == "Synthetic Rotated March"
    # destroying March takes its old and its new key
    Contact.objects.filter(pk=march.pk).update(caller_name=None, caller_phone=None, summary=None)
    own_keys(datetime.now(UTC), extend=False)
    assert "2025-03" in periods.due() and "2025-04" not in periods.due()
    destroyed = periods.destroy(["2025-03"])
    assert {before.periods["2025-03"], after.periods["2025-03"]} <= set(destroyed)
    assert Contact.objects.get(pk=april.pk).caller_name.reveal() == "Synthetic Rotated April"


def test_when_the_months_run_out_values_fall_back_to_the_active_key(db, own_keys, make_contact):
    own_keys(datetime(2025, 3, 10, 12, tzinfo=UTC))
    ring = _ring()
    last = max(ring.periods)
    beyond = datetime(int(last[:4]) + 1, 6, 1, tzinfo=UTC)
    own_keys(beyond, extend=False)
    contact = Contact.objects.get(
        pk=make_contact(**_caller("Synthetic Late", "+1 713 555 0106")).pk
    )
    assert contact.caller_name.key_id == ring.active_id  # encrypted all the same, never lost
    assert "0 left: lantern period_keys --extend" in health.key_canaries()
    call_command("period_keys", "--extend", "--months", "2")
    assert crypto.period_of(beyond) in _ring().periods


def test_the_period_keys_command(db, own_keys, capsys, monkeypatch):
    own_keys(datetime.now(UTC), extend=False)
    call_command("period_keys")
    assert "month keys through" in capsys.readouterr().out
    with pytest.raises(CommandError, match="between 1 and 240"):
        call_command("period_keys", "--extend", "--months", "0")
    with pytest.raises(CommandError, match="--months goes with --extend"):
        call_command("period_keys", "--months", "3")
    monkeypatch.setenv("LANTERN_DATA_KEYS", f"envkey:{crypto._b64e(b'e' * 32)}")
    crypto.reset_cache()
    with pytest.raises(CommandError, match="LANTERN_DATA_KEYS"):
        call_command("period_keys", "--extend")
    # keys from the environment have no months: values go under the active key
    assert crypto.key_id_of(crypto.encrypt_in_period("Synthetic", "x.y")) == "envkey"


@given(st.integers(1900, 2200), st.integers(1, 12), st.integers(0, 400), st.integers(0, 400))
def test_month_arithmetic_is_consistent(year, month, a, b):
    start = f"{year:04d}-{month:02d}"
    assert periods.add_months(start, a + b) == periods.add_months(periods.add_months(start, a), b)
    assert periods.add_months(start, a) < periods.add_months(start, a + 1)
    assert periods.add_months(start, 12 * a)[5:] == start[5:]


def test_a_running_server_reads_values_under_a_key_made_after_it_started(db, own_keys):
    own_keys(datetime.now(UTC), extend=False)
    cached = crypto.load_keyring()  # what a running server holds
    keys.add_data_key()  # lantern rotate_keys in another process...
    ring = crypto.read_keyring()
    crypto._keyring = cached  # ...which this process has not seen
    value = crypto.seal_with(ring, ring.active_id, "Synthetic", "contacts.contact.summary")
    assert ring.active_id not in cached.keys
    assert crypto.decrypt(value, "contacts.contact.summary") == "Synthetic"


def test_a_month_key_missing_from_the_file_is_named(db, own_keys):
    key_file = own_keys(datetime.now(UTC), extend=False)
    doc = json.loads(key_file.read_text())
    month, key_id = sorted(doc["periods"].items())[1]
    del doc["keys"][key_id]  # an operator "tidies up" by hand
    key_file.write_text(json.dumps(doc))
    crypto.reset_cache()
    with pytest.raises(crypto.KeysUnavailable, match=f"month key {key_id} \\({month}\\)"):
        keys.check()
