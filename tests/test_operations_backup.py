"""Backups and restores: back up while the server takes contacts, destroy everything, restore
into an empty data directory, verify the audit chain and read a contact's personal fields."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from lantern.operations.backup import BackupError, open_keys, seal_keys
from tests.browser.conftest import LANTERN, LiveLantern

PASSPHRASE = "a synthetic backup passphrase"


def _lantern(env, *args, check=True):
    result = subprocess.run(
        [LANTERN, *args], env=env, capture_output=True, text=True, timeout=180
    )
    if check:
        assert result.returncode == 0, result.stderr[-2000:]
    return result


def test_sealed_keys_need_the_passphrase():
    blob = seal_keys({"index_key": "synthetic"}, PASSPHRASE)
    assert b"synthetic" not in blob
    assert open_keys(blob, PASSPHRASE) == {"index_key": "synthetic"}
    with pytest.raises(BackupError, match="wrong passphrase"):
        open_keys(blob, "another passphrase")


def test_back_up_while_serving_destroy_restore_and_read(tmp_path):
    live = LiveLantern(tmp_path / "live", twilio_api="http://127.0.0.1:9")
    (tmp_path / "live").mkdir()
    live.start()
    try:
        created = live.api_post(
            "/contacts",
            {"channel": "phone", "call_types": ["tip"],
             "caller": {"name": "Synthetic Backup Caller", "phone": "+1 202 555 0188"},
             "summary": "Synthetic summary kept by the backup."},
        )  # fmt: skip
        passphrase = tmp_path / "passphrase"
        passphrase.write_text(PASSPHRASE)
        backup_dir = tmp_path / "backup"
        out = _lantern(live.env, "backup", str(backup_dir), "--passphrase-file", str(passphrase))
        assert "backed up the sqlite database" in out.stdout
        # the server keeps taking contacts while (and after) the backup runs
        live.api_post("/contacts", {"channel": "phone", "call_types": ["tip"]})
    finally:
        live.stop()
    files = sorted(p.name for p in backup_dir.iterdir())
    assert files == ["keys.json.enc", "lantern.sqlite3", "manifest.json"]
    assert b"Synthetic Backup Caller" not in (backup_dir / "lantern.sqlite3").read_bytes()
    assert b"Synthetic" not in (backup_dir / "keys.json.enc").read_bytes()
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["keys_sealed"] is True and manifest["audit_entries"] > 0
    shutil.rmtree(tmp_path / "live")  # the machine is lost

    env = {**live.env, "LANTERN_DATA_DIR": str(tmp_path / "new")}
    refused = _lantern(env, "restore", str(backup_dir), check=False)
    assert refused.returncode != 0 and "passphrase" in refused.stderr
    restored = _lantern(env, "restore", str(backup_dir), "--passphrase-file", str(passphrase))
    assert "audit entries verified" in restored.stdout
    assert "intact" in _lantern(env, "verify_audit").stdout
    read = _lantern(
        env, "shell", "-c",
        "from lantern.contacts.models import Contact\n"
        f"c = Contact.objects.get(pk='{created['id']}')\n"
        "print(c.caller_name.reveal(), '|', c.summary.reveal())",
    )  # fmt: skip
    assert "Synthetic Backup Caller | Synthetic summary kept by the backup." in read.stdout
    # a restore never goes over a deployment that has keys
    again = _lantern(
        env, "restore", str(backup_dir), "--passphrase-file", str(passphrase), check=False
    )
    assert again.returncode != 0 and "restore into an empty" in again.stderr
    assert os.stat(tmp_path / "new" / "keys" / "data-keys.json").st_mode & 0o777 == 0o600
