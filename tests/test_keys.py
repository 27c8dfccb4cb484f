"""Keys that cannot be lost silently (privacy.keys): a lost, damaged or foreign keys/ stops the
server and every command with the key's id, and a new key is made only for an empty database."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lantern.datadir import keys_dir
from lantern.privacy import crypto, keys
from lantern.privacy.models import DataKey

LANTERN = str(Path(sys.executable).with_name("lantern"))


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A data directory of the test's own; ``copy_keys=True`` starts it with the session's keys."""

    def _use(*, copy_keys: bool) -> Path:
        if copy_keys:
            shutil.copytree(keys_dir(), tmp_path / "keys")
        monkeypatch.setenv("LANTERN_DATA_DIR", str(tmp_path))
        crypto.reset_cache()
        return tmp_path

    yield _use
    monkeypatch.delenv("LANTERN_DATA_DIR")
    crypto.reset_cache()


def test_lost_keys_stop_everything_and_no_new_key_is_made(make_contact, data_dir):
    make_contact()
    key_id = crypto.load_keyring().active_id
    empty = data_dir(copy_keys=False)
    with pytest.raises(crypto.KeysUnavailable, match=key_id) as refused:
        keys.check()
    assert "data-keys.json" in str(refused.value)
    # nothing that encrypts makes a fresh key for a database that holds data
    with pytest.raises(crypto.KeysUnavailable, match=key_id):
        crypto.encrypt("Synthetic", "contacts.contact.summary")
    with pytest.raises(crypto.KeysUnavailable, match="blind-index"):
        crypto.blind_index("phone", "+12025550143")
    assert not (empty / "keys" / "data-keys.json").exists()
    assert not (empty / "keys" / "index_key").exists()


def test_a_key_missing_from_the_keyring_is_named(make_contact, data_dir):
    make_contact()
    old = crypto.load_keyring().active_id
    path = data_dir(copy_keys=True) / "keys" / "data-keys.json"
    new = keys.add_data_key()
    doc = json.loads(path.read_text())
    del doc["keys"][old]  # an operator "tidies up" the keyring
    path.write_text(json.dumps(doc))
    crypto.reset_cache()
    with pytest.raises(crypto.KeysUnavailable, match=f"under key {old}, which") as refused:
        keys.check()
    assert new not in str(refused.value)


def test_damaged_keys_are_named(make_contact, data_dir):
    make_contact()
    key_id = crypto.load_keyring().active_id
    path = data_dir(copy_keys=True) / "keys" / "data-keys.json"
    good = path.read_text()
    # the same id, other bytes: a damaged file or another deployment's keys
    doc = json.loads(good)
    doc["keys"][key_id] = crypto._b64e(secrets.token_bytes(32))
    path.write_text(json.dumps(doc))
    with pytest.raises(crypto.KeysUnavailable, match=f"key {key_id} in .* does not decrypt"):
        keys.check()
    for damaged, expected in (
        ("{not json", "is damaged"),
        (json.dumps({"active": key_id, "keys": {key_id: "c2hvcnQ"}}), f"key {key_id} in"),
        (json.dumps({"active": "k9", "keys": {}}), "active key 'k9'"),
    ):
        path.write_text(damaged)
        with pytest.raises(crypto.KeysUnavailable, match=expected):
            keys.check()
    path.write_text(good)
    index = path.with_name("index_key")
    index.write_text(crypto._b64e(secrets.token_bytes(32)))
    with pytest.raises(crypto.KeysUnavailable, match="blind-index key .* is not the one"):
        keys.check()


def test_a_database_from_before_the_registry_is_scanned(make_contact, data_dir):
    contact = make_contact()
    key_id = type(contact).objects.get(pk=contact.pk).caller_name.key_id  # this month's key
    DataKey.objects.all().delete()
    data_dir(copy_keys=False)
    with pytest.raises(crypto.KeysUnavailable, match=key_id):
        keys.check()


def test_new_key_ids_are_never_reused():
    taken = {"k1"}
    ids = {crypto.new_key_id(taken) for _ in range(50)}
    assert len(ids) == 50
    assert not ids & taken
    assert all(":" not in key_id for key_id in ids)


def _lantern(env, *args, check=True):
    result = subprocess.run([LANTERN, *args], env=env, capture_output=True, text=True, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr[-2000:]
    return result


def test_commands_and_the_server_refuse_to_start_without_their_keys(tmp_path):
    """A fresh deployment (its own SQLite database) gets keys; with its keys/ lost, a command and
    `lantern serve` stop with the key's id; with them restored, they work again."""
    env = {**os.environ, "LANTERN_DATA_DIR": str(tmp_path), "PORT": "1"}
    env.pop("DATABASE_URL", None)
    _lantern(env, "migrate", "--noinput")
    _lantern(
        env, "shell", "-c",
        "from lantern.contacts.actions import do_create_contact\n"
        "do_create_contact({'channel': 'phone', 'call_types': ['tip'],"
        " 'caller': {'name': 'Synthetic Caller', 'phone': '+1 202 555 0143'}}, actor=None)",
    )  # fmt: skip
    ring = json.loads((tmp_path / "keys" / "data-keys.json").read_text())
    key_id = ring["active"]
    assert key_id != "k1" and key_id.startswith("k")
    shutil.move(tmp_path / "keys", tmp_path / "keys.saved")
    refused = _lantern(env, "createuser", "someone", "--role", "advocate", check=False)
    assert refused.returncode == 2
    assert f"cannot start: the database holds personal data encrypted under key {key_id}" in (
        refused.stderr
    )
    served = _lantern(env, "serve", "--no-migrate", check=False)
    assert served.returncode != 0
    assert key_id in served.stderr
    assert not (tmp_path / "keys" / "data-keys.json").exists()
    shutil.rmtree(tmp_path / "keys")
    shutil.move(tmp_path / "keys.saved", tmp_path / "keys")
    _lantern(env, "shell", "-c", "print('ok')")
