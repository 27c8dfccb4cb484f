"""Field encryption, blind indexes and key rotation."""

import shutil

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from lantern.contacts.models import Contact
from lantern.datadir import keys_dir
from lantern.privacy import crypto, keys
from lantern.privacy.fields import PLACEHOLDER, Sealed


@given(st.text(max_size=300))
def test_round_trip(text):
    sealed = crypto.encrypt(text, "contacts.contact.summary")
    assert crypto.decrypt(sealed, "contacts.contact.summary") == text


def test_ciphertext_is_bound_to_its_column_and_authenticated():
    sealed = crypto.encrypt("Synthetic secret", "contacts.contact.caller_name")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, "contacts.contact.summary")
    prefix, key_id, body = sealed.split(":")
    flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{prefix}:{key_id}:{flipped}", "contacts.contact.caller_name")
    with pytest.raises(crypto.DecryptionError, match="unknown key"):
        crypto.decrypt(f"{prefix}:k999:{body}", "contacts.contact.caller_name")


def test_same_plaintext_encrypts_differently_but_indexes_equally():
    assert crypto.encrypt("x", "c") != crypto.encrypt("x", "c")
    assert crypto.blind_index("phone", "+12025550143") == crypto.blind_index(
        "phone", "+12025550143"
    )
    assert crypto.blind_index("phone", "+12025550143") != crypto.blind_index(
        "email", "+12025550143"
    )


def test_loaded_values_never_render_in_clear(make_contact):
    contact = Contact.objects.get(pk=make_contact(caller={"name": "Test Caller Sigma"}).pk)
    assert isinstance(contact.caller_name, Sealed)
    assert str(contact.caller_name) == PLACEHOLDER
    assert "Sigma" not in repr(contact.__dict__)
    assert contact.caller_name.reveal() == "Test Caller Sigma"


def test_environment_keys(monkeypatch):
    key = crypto._b64e(b"k" * 32)
    monkeypatch.setenv("LANTERN_DATA_KEYS", f"prod2:{key},prod1:{crypto._b64e(b'j' * 32)}")
    crypto.reset_cache()
    try:
        sealed = crypto.encrypt("x", "c")
        assert sealed.startswith("v1:prod2:")
        with pytest.raises(RuntimeError, match="LANTERN_DATA_KEYS"):
            keys.add_data_key()
    finally:
        monkeypatch.delenv("LANTERN_DATA_KEYS")
        crypto.reset_cache()


def test_rotate_keys_reencrypts_everything(make_contact, tmp_path, monkeypatch, capsys):
    # a copy of the keys, so the rotation does not touch the other tests' keyring
    shutil.copytree(keys_dir(), tmp_path / "keys")
    monkeypatch.setenv("LANTERN_DATA_DIR", str(tmp_path))
    crypto.reset_cache()
    try:
        contacts = [make_contact(summary=f"Synthetic summary {i}") for i in range(3)]
        old_ids = {
            c.caller_name.key_id if isinstance(c.caller_name, Sealed) else None
            for c in Contact.objects.all()
        }
        (old_id,) = old_ids
        call_command("rotate_keys")
        ring = crypto.load_keyring()
        new_id = ring.active_id
        assert new_id != old_id
        assert f"now under key {new_id}" in capsys.readouterr().out
        # each value moves to its own month's new key (months stay apart for crypto-shredding)
        month_key = ring.periods.get(crypto.period_of(crypto.now()), new_id)
        assert month_key != old_id
        for contact in Contact.objects.all():
            for field in ("caller_name", "caller_phone", "caller_email", "summary"):
                assert getattr(contact, field).key_id == month_key
        reloaded = Contact.objects.get(pk=contacts[1].pk)
        assert reloaded.summary.reveal() == "Synthetic summary 1"
        assert (tmp_path / "keys" / "data-keys.json").stat().st_mode & 0o777 == 0o600
        # Running again with nothing stale rewrites nothing.
        call_command("rotate_keys", "--reencrypt-only")
        assert "0 rows re-encrypted" in capsys.readouterr().out
    finally:
        monkeypatch.delenv("LANTERN_DATA_DIR")
        crypto.reset_cache()
