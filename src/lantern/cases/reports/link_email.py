"""Emailing an agency its secure link, through the outbound queue (issue 20).

Staff who issue a link may have Lantern email it to the recipient's address. The action
(``actions.do_email_agency_link``) keeps the link's address, encrypted, on the link and queues
it in the same transaction; the queue's worker sends it here with retries, and a link given up
on shows "not emailed" and why on the report, and counts on the board. Once sent (or given up
on, or revoked before it went) the address is removed: like the token, Lantern keeps no way to
open the link.

A retry after an attempt whose outcome was lost carries the same Message-ID (derived from the
link's id), so mail programs show it once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.cases.choices import AgencyLinkEmailStateChoices as EmailState
from lantern.cases.choices import TipReportEventKindChoices as Event
from lantern.cases.models import AgencyLink
from lantern.cases.reports import config
from lantern.cases.reports.actions.common import _event
from lantern.outbox import mail
from lantern.privacy.fields import reveal


def send(link_id, *, attempt: int = 1) -> None:
    """The outbound queue's sender for ``config.LINK_EMAIL_KIND``."""
    link = AgencyLink.objects.filter(pk=link_id).first()
    if link is None or link.email_state != EmailState.QUEUED:
        return
    if link.revoked_at or link.expires_at <= timezone.now():
        _settle(link, EmailState.CANCELLED)
        return
    sender = config.link_email_sender()
    domain = sender.rsplit("@", 1)[-1] or "lantern.invalid"
    context = {
        "hotline": settings.LANTERN_HOTLINE_NAME,
        "recipient": link.recipient,
        "url": reveal(link.email_url) or "",
        "expires_at": link.expires_at,
    }
    message = EmailMessage(
        # no personal data and nothing about the case in the subject: it shows in every list
        subject=_("A report from %(hotline)s") % {"hotline": settings.LANTERN_HOTLINE_NAME},
        body=render_to_string("cases/agency_link_email.txt", context),
        from_email=sender,
        to=[reveal(link.recipient_contact) or ""],
        headers={"Message-ID": f"<agency-link-{link.pk}@{domain}>"},
    )
    mail.send(message, what=f"agency link {link.pk}", attempt=attempt)
    _settle(link, EmailState.SENT)


def dead(link_id, reason: str) -> None:
    """The outbound queue gave up: the report shows that the link was not emailed, and why."""
    link = AgencyLink.objects.filter(pk=link_id).first()
    if link is not None and link.email_state == EmailState.QUEUED:
        _settle(link, EmailState.FAILED, reason)


def _settle(link: AgencyLink, state: str, reason: str = "") -> None:
    with transaction.atomic():
        changed = AgencyLink.objects.filter(pk=link.pk, email_state=EmailState.QUEUED).update(
            email_state=state,
            email_url="",
            email_error=reason[:200],
            emailed_at=timezone.now() if state == EmailState.SENT else None,
        )
        if changed and state == EmailState.SENT:
            _event(link.report, Event.LINK_EMAILED, "system")
        elif changed and state == EmailState.FAILED:
            _event(link.report, Event.LINK_EMAIL_FAILED, "system", reason)
