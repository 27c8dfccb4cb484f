"""Nothing personal in clear on disk: the SQLite file, its WAL, and the application log."""

import json
import os
import subprocess
import sys
from pathlib import Path

SECRETS = {
    "name": "Zelophehad Quillfeather",
    "phone_typed": "(702) 555-0187",
    "email": "zelophehad.quill@example.org",
    "summary": "Synthetic: workers kept in the basement of the Marigold Laundromat",
    "summary_update": "Xanthippe Overbrook drives them at night",
    "sms_from": "+17025550143",
    "sms_body": "Synthetic: Quimby Farrowdale holds my papers at Larkspur Nails",
    "sms_reply": "Synthetic reply: Quimby, you can talk to us",
    "tip_text": "Synthetic: Wendeline Brackhurst keeps them at the Poppyfield Motel",
    "tip_phone": "(702) 555-0151",
    "chat_text": "Synthetic chat: Ottoline Grimsditch took us to the Saffronhill Farm",
}
NEEDLES = [
    "Zelophehad",
    "Quillfeather",
    "+17025550187",
    "7025550187",
    "555-0187",
    "zelophehad.quill",
    "Marigold Laundromat",
    "Xanthippe",
    "Overbrook",
    "7025550143",
    "555-0143",
    "Farrowdale",
    "Larkspur",
    "Quimby",
    "Brackhurst",
    "Poppyfield",
    "7025550151",
    "555-0151",
    "Grimsditch",
    "Saffronhill",
]


def _variants(needle: str) -> list[bytes]:
    # SQLite stores text as UTF-8; also look for UTF-16 and case variants, to be thorough.
    return [needle.encode(), needle.lower().encode(), needle.encode("utf-16-le")]


def test_database_wal_and_log_hold_no_personal_data_in_clear(tmp_path):
    env = {
        **os.environ,
        "LANTERN_DATA_DIR": str(tmp_path),
        "LANTERN_ALLOWED_HOSTS": "testserver",
        "LANTERN_PUBLIC_URL": "http://testserver",
        "TWILIO_ACCOUNT_SID": "AC" + "6" * 32,
        "TWILIO_AUTH_TOKEN": "synthetic-at-rest-token",
        "TWILIO_API_URL": "http://127.0.0.1:9",  # nothing listens: sending a reply fails
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("at_rest_scenario.py")), json.dumps(SECRETS)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "scenario complete" in result.stdout

    db = tmp_path / "lantern.sqlite3"
    files = [db, tmp_path / "lantern.sqlite3-wal", *sorted((tmp_path / "logs").glob("*"))]
    blobs = {f.name: f.read_bytes() for f in files if f.exists()}
    blobs["stderr"] = result.stderr.encode()
    blobs["stdout"] = result.stdout.encode()
    assert db.stat().st_size > 0
    database_bytes = blobs[db.name] + blobs.get("lantern.sqlite3-wal", b"")
    # The scenario really stored encrypted values (the scan below would be vacuous otherwise).
    key_id = json.loads((tmp_path / "keys" / "data-keys.json").read_text())["active"]
    assert f"v1:{key_id}:".encode() in database_bytes
    assert b"/api/v1/contacts" in blobs["lantern.log"]
    assert b"/intake/twilio/sms" in blobs["lantern.log"]
    # no client address in any log line (the test client's is 127.0.0.1)
    assert b"127.0.0.1" not in blobs["lantern.log"] + blobs["stderr"]
    # the receipt code was shown once and is nowhere on disk (only its Argon2id hash is)
    receipt = result.stdout.split("receipt ")[1].split()[0]
    assert len(receipt) == 16
    for name, blob in blobs.items():
        if name != "stdout":
            assert receipt.encode() not in blob, f"the receipt code is in {name}"
        for needle in NEEDLES:
            for variant in _variants(needle):
                assert variant not in blob, f"{needle!r} found in clear in {name}"
    # Keys were generated on first run, outside the database, readable by the owner only.
    for key_file in ("secret_key", "data-keys.json", "index_key"):
        path = tmp_path / "keys" / key_file
        assert path.exists(), key_file
        assert path.stat().st_mode & 0o777 == 0o600, key_file
