"""The IMAP poller against a local IMAP server, through Python's real imaplib client."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lantern.contacts.models import Message
from lantern.intake import imap
from lantern.privacy.fields import reveal
from tests.fakes.imap_server import FakeImap

HOTLINE = "help@hotline.example.org"


def raw(msgid: str, body: str = "Synthetic: I need help.", parts: int = 0) -> bytes:
    message = EmailMessage()
    message["From"] = "someone@example.org"
    message["To"] = HOTLINE
    message["Subject"] = "Help"
    message["Message-ID"] = msgid
    message.set_content(body)
    for i in range(parts):
        message.add_attachment(
            b"x", maintype="application", subtype="octet-stream", filename=f"{i}"
        )
    return message.as_bytes()


@pytest.fixture
def mailbox(settings):
    messages = [raw("<a@example.org>"), raw("<b@example.org>", parts=150), raw("<a@example.org>")]
    with FakeImap(user="hotline", password="synthetic pw", messages=messages) as server:
        settings.LANTERN_IMAP_URL = f"imap://hotline:synthetic%20pw@127.0.0.1:{server.port}/INBOX"
        settings.LANTERN_IMAP_ADDRESS = HOTLINE
        yield server


def test_poll_stores_new_mail_once_and_marks_it_after(mailbox, db):
    box, address = imap.configured()
    counts = imap.poll_once(box, address)
    assert counts == {"stored": 1, "duplicates": 1, "rejected": 1}
    [message] = Message.objects.all()
    assert "I need help" in reveal(message.body)
    assert mailbox.flags == {1: {imap.STORED}, 2: {imap.REJECTED}, 3: {imap.STORED}}
    assert imap.poll_once(box, address) == {"stored": 0, "duplicates": 0, "rejected": 0}


def test_the_command_polls_once_and_explains_bad_settings(mailbox, settings, db, capsys):
    call_command("intake_imap", "--once")
    assert "1 stored, 1 already stored, 1 refused" in capsys.readouterr().out
    settings.LANTERN_IMAP_URL = "ftp://nowhere"
    with pytest.raises(CommandError, match="imaps://"):
        call_command("intake_imap", "--once")
    settings.LANTERN_IMAP_URL = f"imap://hotline:wrong@127.0.0.1:{mailbox.port}/INBOX"
    with pytest.raises(CommandError, match="could not be read"):
        call_command("intake_imap", "--once")
