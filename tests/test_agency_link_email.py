# ruff: noqa: F811 (the report fixtures come from tests.test_reports)
"""Emailing an agency its secure link through the outbound queue (issue 20): sent once through
a real SMTP relay on loopback, retried when the relay is down, given up on when it refuses, shown
on the report and the board, and never kept once it went."""

from __future__ import annotations

import email
import re
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from lantern.audit.models import AuditEvent
from lantern.cases.models import AgencyLink, TipReportEvent
from lantern.cases.reports import actions, config, link_email
from lantern.cases.reports import queries as report_queries
from lantern.cases.reports.actions import ReportError
from lantern.outbox import actions as outbox
from lantern.outbox.models import OutboxItem
from tests.test_reports import approved, case, people  # noqa: F401 (fixtures)

URL = "https://hotline.example.org/agency/synthetic-token-for-the-test"
AGENCY = "det.example@example.org"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Relay:
    """The outside mail server: takes every message, or refuses every recipient for good."""

    def __init__(self, refuse: bool = False):
        self.refuse, self.received = refuse, []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 Message accepted"


@pytest.fixture
def mail_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.LANTERN_EMAIL_ADDRESSES = ["help@hotline.example.org"]
    settings.LANTERN_AGENCY_EMAIL_FROM = ""
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _port()  # nothing listens yet
    return settings


def relay(settings, refuse=False) -> tuple[Relay, Controller]:
    handler = Relay(refuse)
    controller = Controller(handler, hostname="127.0.0.1", port=settings.EMAIL_PORT)
    controller.start()
    return handler, controller


@pytest.fixture
def link(people, case, mail_settings):
    report = approved(people, case)
    link, _token = actions.do_issue_agency_link(
        report, actor=people["supervisor"], recipient_name="Det. Example", recipient_contact=AGENCY
    )
    return link


def raw_url(link) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT email_url FROM cases_agencylink WHERE id = %s", [link.pk.hex
                    if connection.vendor == "sqlite" else link.pk])  # fmt: skip
        return cur.fetchone()[0]


def events(link) -> list[str]:
    return list(TipReportEvent.objects.filter(report=link.report).values_list("kind", flat=True))


def test_the_link_is_emailed_once_then_forgotten(people, link, mail_settings):
    queued = actions.do_email_agency_link(link, actor=people["supervisor"], url=URL)
    assert queued.email_state == "queued"
    assert raw_url(link) and URL not in raw_url(link)  # kept encrypted until it goes
    assert OutboxItem.objects.get(kind=config.LINK_EMAIL_KIND).ref == str(link.pk)
    handler, controller = relay(mail_settings)
    try:
        assert outbox.run_once() == 1
    finally:
        controller.stop()
    [(to, message)] = handler.received
    assert to == [AGENCY] and URL in message and "Det. Example" in message
    subject = re.search(r"^Subject: (.*)$", message, re.M).group(1)
    assert "Synthetic" not in subject and "Example Diner" not in message  # nothing of the case
    link.refresh_from_db()
    assert link.email_state == "sent" and link.emailed_at and not raw_url(link)
    assert "link_emailed" in events(link)
    assert AuditEvent.objects.filter(object_id=str(link.report.pk),
                                     changes__emailed=True).exists()  # fmt: skip
    assert outbox.run_once(now=timezone.now() + timedelta(hours=1)) == 0  # nothing left


def test_a_relay_that_is_down_is_retried_and_a_retry_keeps_its_message_id(
    people, link, mail_settings, monkeypatch
):
    actions.do_email_agency_link(link, actor=people["supervisor"], url=URL)
    assert outbox.run_once() == 1  # nothing listens: tried, to be retried
    item = OutboxItem.objects.get(kind=config.LINK_EMAIL_KIND)
    assert item.state == "pending" and item.attempts == 1 and "unavailable" in item.last_error
    handler, controller = relay(mail_settings)
    try:
        # the worker dies after the relay took the message, before it could record it
        settle = link_email._settle
        monkeypatch.setattr(link_email, "_settle", lambda *a, **k: (_ for _ in ()).throw(
            SystemExit("killed")))  # fmt: skip
        with pytest.raises(SystemExit):
            link_email.send(link.pk, attempt=2)
        monkeypatch.setattr(link_email, "_settle", settle)
        assert outbox.run_once(now=item.next_attempt_at + timedelta(seconds=1)) == 1
    finally:
        controller.stop()
    ids = [email.message_from_string(m)["Message-ID"].strip() for _to, m in handler.received]
    assert len(ids) == 2 and ids[0] == ids[1] == f"<agency-link-{link.pk}@hotline.example.org>"
    link.refresh_from_db()
    assert link.email_state == "sent"


def test_a_refused_address_is_given_up_on_and_shown(people, link, mail_settings):
    actions.do_email_agency_link(link, actor=people["supervisor"], url=URL)
    handler, controller = relay(mail_settings, refuse=True)
    try:
        outbox.run_once()
    finally:
        controller.stop()
    assert not handler.received
    link.refresh_from_db()
    assert link.email_state == "failed" and "refused" in link.email_error and not raw_url(link)
    assert OutboxItem.objects.get(kind=config.LINK_EMAIL_KIND).state == "dead"
    assert "link_email_failed" in events(link)
    since = timezone.now() - timedelta(days=1)
    assert report_queries.failed_link_emails(people["supervisor"], since=since) == [link]
    assert report_queries.failed_link_emails(people["advocate"], since=since) == []


def test_a_link_revoked_before_it_went_is_not_sent(people, link, mail_settings):
    actions.do_email_agency_link(link, actor=people["supervisor"], url=URL)
    actions.do_revoke_agency_link(link, actor=people["supervisor"])
    handler, controller = relay(mail_settings)
    try:
        outbox.run_once()
    finally:
        controller.stop()
    assert not handler.received
    link.refresh_from_db()
    assert link.email_state == "cancelled" and not raw_url(link)


@pytest.mark.parametrize(
    "contact, field",
    [("", "recipient_contact"), ("+1 702 555 0100", "recipient_contact"),
     ("not an address", "recipient_contact")],
)  # fmt: skip
def test_a_link_without_an_email_address_is_refused(people, case, mail_settings, contact, field):
    report = approved(people, case)
    link, _token = actions.do_issue_agency_link(
        report, actor=people["supervisor"], recipient_name="Sgt. Example", recipient_contact=contact
    )
    with pytest.raises(ReportError) as refused:
        actions.do_email_agency_link(link, actor=people["supervisor"], url=URL)
    assert field in refused.value.errors
    assert not OutboxItem.objects.exists()


def test_only_once_only_open_links_only_with_a_sender_and_only_for_deliverers(
    people, link, mail_settings
):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.do_email_agency_link(link, actor=people["advocate"], url=URL)
    mail_settings.LANTERN_EMAIL_ADDRESSES = []
    with pytest.raises(ReportError, match="no address"):
        actions.do_email_agency_link(link, actor=people["supervisor"], url=URL)
    mail_settings.LANTERN_AGENCY_EMAIL_FROM = "reports@hotline.example.org"
    actions.do_email_agency_link(link, actor=people["supervisor"], url=URL)
    with pytest.raises(ReportError):
        actions.do_email_agency_link(link, actor=people["supervisor"], url=URL)
    assert OutboxItem.objects.count() == 1
    AgencyLink.objects.filter(pk=link.pk).update(email_state="", expires_at=timezone.now())
    with pytest.raises(ReportError):
        actions.do_email_agency_link(link, actor=people["supervisor"], url=URL)


def test_the_console_emails_the_link_it_shows(people, case, mail_settings, client):
    report = approved(people, case)
    client.force_login(people["supervisor"])
    page = client.get(f"/console/reports/{report.pk}/")
    assert b'name="email_link"' in page.content
    form_id = re.search(rb'name="form_id" value="([^"]+)"', page.content).group(1).decode()
    answer = client.post(f"/console/reports/{report.pk}/link/", {
        "recipient_name": "Det. Example", "recipient_contact": AGENCY, "hours": 48,
        "email_link": "on", "form_id": form_id})  # fmt: skip
    assert answer.status_code == 200
    shown = re.search(rb'id="agency-link-url"[^>]*>([^<]+)<', answer.content)
    assert b"being emailed" in answer.content and shown
    link = AgencyLink.objects.get(report=report)
    handler, controller = relay(mail_settings)
    try:
        outbox.run_once()
    finally:
        controller.stop()
    [(_to, message)] = handler.received
    assert shown.group(1).decode().strip() in message
    assert b"emailed" in client.get(f"/console/reports/{report.pk}/").content
    link.refresh_from_db()
    assert link.email_state == "sent"
