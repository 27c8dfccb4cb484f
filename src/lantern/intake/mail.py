"""Email: parsing what arrives (MIME), storing it, and sending the hotline's replies.

``receive(raw, recipient)`` is what both receivers call (the SMTP server of
``lantern intake_smtp`` and the IMAP poller of ``lantern intake_imap``). A message is stored
(``contacts.actions.do_receive_message``) before the receiver acknowledges it; a redelivery
with the same Message-ID is stored once. Replies go out through Django's email backend
(``EMAIL_HOST`` ...), threaded with In-Reply-To and References.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import logging
import re
from dataclasses import dataclass, field
from email.utils import getaddresses
from html.parser import HTMLParser

from django.conf import settings
from django.core.mail import EmailMessage

from lantern.contacts import actions as contacts
from lantern.contacts import queries as contact_queries
from lantern.core import language
from lantern.outbox import mail as outbox_mail
from lantern.privacy.fields import reveal

log = logging.getLogger("lantern.intake")
MAX_PARTS = 100  # MIME parts walked; more is a MIME bomb
MAX_DEPTH = 10  # nesting of multiparts
MAX_ATTACHMENTS = 10
MAX_TEXT = 100_000


class Rejected(ValueError):
    """A message Lantern will not store; the text is safe to give back to the sending server."""


@dataclass
class Parsed:
    sender: str
    subject: str
    message_id: str
    thread_ids: list[str]
    text: str
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)


class _Text(HTMLParser):
    """The visible text of an HTML part: enough to read it, no markup kept."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in ("br", "p", "div", "li", "tr"):
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\n{3,}", "\n\n", "".join(parser.out)).strip()


def _depth(part, level=0) -> int:
    if not part.is_multipart():
        return level
    return max((_depth(p, level + 1) for p in part.iter_parts()), default=level)


def _content(part) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeDecodeError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")  # unknown or wrong character set


def parse(raw: bytes) -> Parsed:
    if len(raw) > settings.LANTERN_EMAIL_MAX_BYTES:
        raise Rejected("552 message too large")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = list(message.walk())
    if len(parts) > MAX_PARTS or _depth(message) > MAX_DEPTH:
        raise Rejected("552 too many or too deeply nested MIME parts")
    addresses = [a for _name, a in getaddresses([str(message.get("From", ""))]) if "@" in a]
    if not addresses:
        raise Rejected("550 no sender address")
    text_plain, text_html, attachments = "", "", []
    for part in parts:
        if part.is_multipart():
            continue
        if part.is_attachment() or part.get_filename():
            if len(attachments) >= MAX_ATTACHMENTS:
                continue
            data = part.get_payload(decode=True) or b""
            attachments.append((part.get_filename() or "attachment", part.get_content_type(), data))
        elif part.get_content_type() == "text/plain" and not text_plain:
            text_plain = _content(part)
        elif part.get_content_type() == "text/html" and not text_html:
            text_html = _content(part)
    text = (text_plain or html_to_text(text_html)).replace("\r\n", "\n").replace("\r", "\n").strip()
    message_id = str(message.get("Message-ID", "")).strip()[:200]
    if not message_id:  # a stable id, so a redelivery is still stored once
        message_id = "sha256:" + hashlib.sha256(raw).hexdigest()
    thread_ids = re.findall(
        r"<[^<>\s]+>", f"{message.get('In-Reply-To', '')} {message.get('References', '')}"
    )
    return Parsed(
        sender=addresses[0].strip().lower(),
        subject=str(message.get("Subject", "")).strip()[:300],
        message_id=message_id,
        thread_ids=thread_ids,
        text=text.replace("\x00", "")[:MAX_TEXT],
        attachments=attachments,
    )


def receive(raw: bytes, recipient: str) -> bool:
    """Store one email sent to ``recipient``; True when it was new. Raises Rejected."""
    parsed = parse(raw)
    body = f"Subject: {parsed.subject}\n\n{parsed.text}" if parsed.subject else parsed.text
    if not body.strip() and not parsed.attachments:
        raise Rejected("550 empty message")
    _message, created = contacts.do_receive_message(
        channel="email",
        hotline_address=recipient.strip().lower()[:200],
        participant=parsed.sender,
        body=body,
        provider_id=parsed.message_id,
        attachments=tuple(parsed.attachments),
        thread_ids=tuple(parsed.thread_ids),
        detect_language=lambda _body: language.hint(parsed.text[:2000]),
    )
    return created


def is_hotline_address(address: str) -> bool:
    return address.strip().lower() in settings.LANTERN_EMAIL_ADDRESSES


def send_queued(message_id, *, attempt: int = 1) -> None:
    """The email channel's sender (``contacts.outbound``), run by the outbound queue's worker.

    The Message-ID is derived from the message's id, so a retry after an attempt whose outcome
    was lost (the worker died mid-send) carries the same one and mail programs show it once.
    Raises ``Retry`` when the SMTP server cannot be reached or answers a temporary
    error, ``GiveUp`` when it refuses for good (5xx): ``outbox.mail.send``."""
    message = contact_queries.message_for_sending(message_id)
    if message is None or message.status != "queued":
        return
    conversation = message.conversation
    thread = contact_queries.email_thread_headers(conversation)
    domain = conversation.hotline_address.split("@")[-1] or "lantern.invalid"
    msgid = f"<{message.pk}@{domain}>"
    mail = EmailMessage(
        subject=thread["subject"],
        body=reveal(message.body) or "",
        from_email=conversation.hotline_address,
        to=[reveal(conversation.participant) or ""],
        headers={"Message-ID": msgid, **thread["headers"]},
    )
    outbox_mail.send(mail, what=f"email reply {message.pk}", attempt=attempt)
    contacts.do_update_message_status(message, "sent", provider_id=msgid)
