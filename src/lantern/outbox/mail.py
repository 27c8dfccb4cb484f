"""Sending one email from an outbound queue's sender, with the queue's retry rules.

A mail server that cannot be reached, or answers a temporary error, is ``Retry``; one that
refuses the message or its recipient for good is ``GiveUp``. The connection is time-limited by
``EMAIL_TIMEOUT``. The reasons name the kind of failure, never an address or the content.
"""

from __future__ import annotations

import logging
import smtplib

from django.core.mail import EmailMessage

from lantern.outbox.actions import GiveUp, Retry

log = logging.getLogger("lantern.outbox")


def send(mail: EmailMessage, *, what: str, attempt: int) -> None:
    """Send ``mail``; ``what`` names it in the log without personal data ("email reply 42")."""
    try:
        mail.send(fail_silently=False)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, ValueError) as exc:
        log.warning("%s refused: %s", what, type(exc).__name__)
        raise GiveUp(f"refused by the mail server ({type(exc).__name__})") from None
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("%s not sent (attempt %d): %s", what, attempt, type(exc).__name__)
        raise Retry(f"mail server unavailable ({type(exc).__name__})") from None
