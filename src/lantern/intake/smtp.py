"""The SMTP receiver (``lantern intake_smtp``): the hotline's own mail server for incoming email.

It accepts mail only for ``LANTERN_EMAIL_ADDRESSES``, refuses messages over
``LANTERN_EMAIL_MAX_BYTES`` (SMTP SIZE), and answers ``250`` only once the message is stored:
a sending server that gets no answer, or a ``451``, delivers again, and the Message-ID keeps
that from storing it twice. The client's address is never logged.
"""

from __future__ import annotations

import asyncio
import logging

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import DatabaseError, close_old_connections

from lantern.intake import mail

log = logging.getLogger("lantern.intake")


def _store(raw: bytes, recipients: list[str]) -> str:
    try:
        for recipient in recipients:
            mail.receive(raw, recipient)
    except mail.Rejected as exc:
        return str(exc)
    except DatabaseError:
        log.exception("email not stored; the sender will try again")
        return "451 temporary failure, please try again"
    finally:
        close_old_connections()
    return "250 message accepted"


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if not mail.is_hotline_address(address):
            return "550 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="replace")
        loop = asyncio.get_running_loop()
        # Django's database access is synchronous: a worker thread, awaited before answering
        return await loop.run_in_executor(None, _store, raw, list(envelope.rcpt_tos))


def controller(host: str, port: int) -> Controller:
    return Controller(
        Handler(),
        hostname=host,
        port=port,
        data_size_limit=settings.LANTERN_EMAIL_MAX_BYTES,
        decode_data=False,
    )
