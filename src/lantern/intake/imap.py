"""The IMAP poller (``lantern intake_imap``): for a hotline mailbox hosted elsewhere.

Every ``LANTERN_IMAP_INTERVAL`` seconds it reads the messages of ``LANTERN_IMAP_URL``'s mailbox
that it has not handled yet, stores each (``mail.receive``, as the SMTP receiver does), and only
then marks it with the IMAP keyword ``$LanternStored`` (``$LanternRejected`` for one Lantern
refuses). It never deletes, and it does not rely on the "seen" flag, which a person reading the
mailbox in their mail program would set. A database error leaves the message unmarked, so the
next poll takes it again; its Message-ID keeps it from being stored twice.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lantern.intake import mail

log = logging.getLogger("lantern.intake")
STORED, REJECTED = "$LanternStored", "$LanternRejected"


@dataclass
class Mailbox:
    secure: bool
    host: str
    port: int
    user: str
    password: str
    folder: str

    @classmethod
    def from_url(cls, url: str) -> Mailbox:
        """``imaps://user:password@imap.example.org:993/INBOX`` (``imap://`` without TLS)."""
        parts = urlsplit(url)
        if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
            raise ImproperlyConfigured(
                "LANTERN_IMAP_URL must look like imaps://user:password@host/INBOX"
            )
        secure = parts.scheme == "imaps"
        return cls(
            secure=secure,
            host=parts.hostname,
            port=parts.port or (993 if secure else 143),
            user=unquote(parts.username),
            password=unquote(parts.password or ""),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
        )


def _connect(box: Mailbox) -> imaplib.IMAP4:
    client = (imaplib.IMAP4_SSL if box.secure else imaplib.IMAP4)(box.host, box.port, timeout=30)
    client.login(box.user, box.password)
    status, _ = client.select(box.folder)
    if status != "OK":
        raise imaplib.IMAP4.error(f"cannot open the mailbox {box.folder!r}")
    return client


def poll_once(box: Mailbox, address: str) -> dict:
    """Handle every message not handled yet; returns counts. Network errors propagate."""
    counts = {"stored": 0, "duplicates": 0, "rejected": 0}
    client = _connect(box)
    try:
        status, data = client.uid("SEARCH", None, "UNKEYWORD", STORED, "UNKEYWORD", REJECTED)
        uids = data[0].split() if status == "OK" and data and data[0] else []
        for uid in uids:
            status, parts = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts or [] if isinstance(p, tuple)), None)
            if status != "OK" or raw is None:
                continue
            try:
                created = mail.receive(raw, address)
            except mail.Rejected as exc:
                log.warning("email refused from the IMAP mailbox: %s", exc)
                flag, counts["rejected"] = REJECTED, counts["rejected"] + 1
            else:
                flag = STORED
                counts["stored" if created else "duplicates"] += 1
            client.uid("STORE", uid, "+FLAGS", f"({flag})")  # only after the commit
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()
    return counts


def configured() -> tuple[Mailbox, str]:
    if not settings.LANTERN_IMAP_URL:
        raise ImproperlyConfigured("set LANTERN_IMAP_URL (imaps://user:password@host/INBOX)")
    address = settings.LANTERN_IMAP_ADDRESS or (
        settings.LANTERN_EMAIL_ADDRESSES[0] if settings.LANTERN_EMAIL_ADDRESSES else ""
    )
    if not re.fullmatch(r"[^@\s]+@[^@\s]+", address or ""):
        raise ImproperlyConfigured("set LANTERN_IMAP_ADDRESS: the hotline address of this mailbox")
    return Mailbox.from_url(settings.LANTERN_IMAP_URL), address.lower()
