"""Email through the real SMTP receiver on loopback, and replies through a local SMTP relay."""

from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler

from lantern.contacts.actions import do_send_message, do_take_contact
from lantern.contacts.models import Attachment, Contact, Conversation, Message
from lantern.intake.smtp import controller
from lantern.privacy.fields import reveal

HOTLINE = "help@hotline.example.org"
SENDER = "someone@example.org"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Relay(MessageHandler):
    """The outside mail server replies are handed to."""

    def __init__(self):
        super().__init__()
        self.received = []

    def handle_message(self, message):
        self.received.append(message)


@pytest.fixture
def smtp(settings, live_db):
    settings.LANTERN_EMAIL_ADDRESSES = [HOTLINE]
    settings.LANTERN_EMAIL_MAX_BYTES = 200_000
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    relay = Relay()
    outside = Controller(relay, hostname="127.0.0.1", port=_port())
    outside.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", outside.port
    receiver = controller("127.0.0.1", _port())
    receiver.start()
    yield receiver.port, relay
    receiver.stop()
    outside.stop()


def mail(
    subject="Help", body="I need help with my visa papers.", msgid="<m1@example.org>", **headers
):
    message = EmailMessage()
    message["From"] = f"Some One <{SENDER}>"
    message["To"] = HOTLINE
    message["Subject"] = subject
    message["Message-ID"] = msgid
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def send(port, message, to=HOTLINE):
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        return client.send_message(message, to_addrs=[to])


def test_an_email_is_stored_once_then_answered_in_its_thread(smtp, personas):
    port, relay = smtp
    assert send(port, mail()) == {}
    send(port, mail())  # the same Message-ID delivered again
    [message] = Message.objects.all()
    assert message.provider_id == "<m1@example.org>"
    assert reveal(message.body) == "Subject: Help\n\nI need help with my visa papers."
    conversation = message.conversation
    assert conversation.channel == "email" and conversation.hotline_address == HOTLINE
    assert reveal(conversation.participant) == SENDER
    assert conversation.contact.status == "open" and conversation.contact.language_hint == "en"

    do_take_contact(conversation.contact, actor=personas["advocate"])
    reply = do_send_message(conversation, "We can help. Are you safe?", actor=personas["advocate"])
    reply.refresh_from_db()
    assert reply.status == "sent" and reply.provider_id.startswith("<")
    [out] = relay.received
    assert out["To"] == SENDER and out["From"] == HOTLINE and out["Subject"] == "Re: Help"
    assert out["In-Reply-To"] == "<m1@example.org>" and out["Message-ID"] == reply.provider_id
    # their answer to our reply joins the same conversation, whatever its subject
    send(port, mail(subject="Re: Help", body="Yes, for now.", msgid="<m2@example.org>",
                    In_Reply_To=reply.provider_id))  # fmt: skip
    assert Conversation.objects.count() == 1 and conversation.messages.count() == 3


def test_html_other_charsets_and_attachments(smtp):
    port, _ = smtp
    message = mail(body="")
    message.set_content("<p>Ayuda, <b>por favor</b>.</p><script>x()</script>", subtype="html",
                        charset="iso-8859-1")  # fmt: skip
    message.add_attachment(b"%PDF-1.4 synthetic", maintype="application", subtype="pdf",
                           filename="contrato.pdf")  # fmt: skip
    send(port, message)
    stored = Message.objects.get()
    assert "Ayuda, por favor." in reveal(stored.body) and "x()" not in reveal(stored.body)
    [attachment] = Attachment.objects.all()
    assert reveal(attachment.filename) == "contrato.pdf" and attachment.size == 18
    assert attachment.content_type == "application/pdf"
    assert "PDF" not in str(Attachment.objects.values_list("content", flat=True)[0])


def test_invalid_utf8_is_kept_readable(smtp):
    port, _ = smtp
    head = f"From: {SENDER}\r\nTo: {HOTLINE}\r\nSubject: x\r\nMessage-ID: <bad@example.org>\r\n"
    raw = (head + "Content-Type: text/plain; charset=utf-8\r\n\r\n").encode() + b"caf\xe9 \xff help"
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.sendmail(SENDER, [HOTLINE], raw)
    assert "help" in reveal(Message.objects.get().body)


def test_refusals_store_nothing(smtp):
    port, _ = smtp
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(port, mail(), to="someone-else@example.org")
    with pytest.raises((smtplib.SMTPDataError, smtplib.SMTPSenderRefused)):
        send(port, mail(body="x" * 300_000))  # over LANTERN_EMAIL_MAX_BYTES
    bomb = mail(body="start")
    for i in range(120):
        bomb.add_attachment(b"x", maintype="application", subtype="octet-stream", filename=f"{i}")
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(port, bomb)
    assert refused.value.smtp_code == 552
    no_sender = mail()
    del no_sender["From"]
    with pytest.raises(smtplib.SMTPDataError), smtplib.SMTP("127.0.0.1", port) as client:
        client.sendmail(SENDER, [HOTLINE], no_sender.as_bytes())
    assert not Message.objects.exists() and not Contact.objects.exists()
