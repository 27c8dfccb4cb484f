"""An approved report reaching the agency: secure links, the PDF, a phone call, the
acknowledgement and the outcome."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.cases.actions import require
from lantern.cases.choices import AgencyLinkEmailStateChoices as EmailState
from lantern.cases.choices import TipReportEventKindChoices as Event
from lantern.cases.choices import TipReportStatusChoices as Status
from lantern.cases.models import (
    AgencyLink,
    PhoneNotification,
    TipReport,
)
from lantern.cases.reports import config, content
from lantern.cases.reports.actions.common import RELEASED, _event, _locked, _refuse
from lantern.outbox import actions as outbox
from lantern.privacy.fields import reveal


def _release_errors(fresh: TipReport) -> dict:
    if fresh.status in RELEASED:
        return {}
    return {
        "status": "only an approved report can go to an agency; this one is "
        f"{fresh.get_status_display().lower()}"
    }


def _delivered(fresh: TipReport) -> None:
    if fresh.status == Status.APPROVED:
        fresh.status = Status.DELIVERED
        fresh.save(update_fields=["status", "updated_at"])


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def do_issue_agency_link(
    report: TipReport,
    *,
    actor,
    recipient_name: str,
    recipient_contact: str = "",
    hours: int | None = None,
) -> tuple[AgencyLink, str]:
    """A secure link to the approved report for one named recipient; returns the link and its
    token, which is shown once (only its hash is kept). Earlier links of the report that are
    still open are revoked: one report, one recipient, one live link."""  # fmt: skip
    require(actor, "deliver_report")
    hours = hours or config.current().link_hours
    recipient_name = (recipient_name or "").strip()[:200]
    if not recipient_name:
        raise _refuse(actor, report, {"recipient_name": "name the person who receives the link"})
    if not 1 <= hours <= 24 * 30:
        raise _refuse(actor, report, {"hours": "a link lasts from 1 hour to 30 days"})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        fresh = _locked(report)
        errors = _release_errors(fresh)
        if errors:
            link = None
        else:
            link = _issue(fresh, actor, token, recipient_name, recipient_contact, hours, now)
    if errors:
        raise _refuse(actor, report, errors)
    return link, token


def _issue(fresh, actor, token, recipient_name, recipient_contact, hours, now) -> AgencyLink:
    revoked = AgencyLink.objects.filter(report=fresh, revoked_at__isnull=True).update(
        revoked_at=now
    )
    link = AgencyLink.objects.create(
        report=fresh,
        token_hash=_digest(token),
        recipient_name=recipient_name,
        recipient_contact=(recipient_contact or "").strip()[:300],
        created_by=actor,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    if revoked:
        _event(fresh, Event.LINK_REVOKED, actor, "replaced by a new link")
    _event(fresh, Event.LINK_ISSUED, actor, f"for {recipient_name}, valid {hours} hours")
    _delivered(fresh)
    audit.record(
        actor, Audit.EXPORT, fresh,
        changes={"link": str(link.pk), "expires_at": link.expires_at.isoformat()},
    )  # fmt: skip
    return link


def do_email_agency_link(link: AgencyLink, *, actor, url: str) -> AgencyLink:
    """Have the outbound queue email the link (``url``, shown once to the staff member) to the
    recipient's address (``recipient_contact``). Only a link that is still open, once."""
    require(actor, "deliver_report")
    report = link.report
    address = (reveal(link.recipient_contact) or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise _refuse(
            actor, report, {"recipient_contact": "give an email address to email the link to"}
        ) from None
    if not config.link_email_sender():
        raise _refuse(actor, report, {"email": "this hotline has no address to email links "
                                      "from (LANTERN_AGENCY_EMAIL_FROM)"})  # fmt: skip
    with transaction.atomic():
        changed = AgencyLink.objects.filter(
            pk=link.pk, revoked_at__isnull=True, email_state="", expires_at__gt=timezone.now()
        ).update(email_state=EmailState.QUEUED, email_url=url)
        if changed:
            outbox.enqueue(config.LINK_EMAIL_KIND, link.pk)
            audit.record(actor, Audit.EXPORT, report, changes={"link": str(link.pk),
                                                               "emailed": True})  # fmt: skip
    if not changed:
        raise _refuse(actor, report, {"link": "only an open link that was not emailed yet"})
    link.refresh_from_db()
    return link


def do_revoke_agency_link(link: AgencyLink, *, actor) -> AgencyLink:
    require(actor, "deliver_report")
    with transaction.atomic():
        changed = AgencyLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if changed:
            _event(link.report, Event.LINK_REVOKED, actor)
            audit.record(actor, Audit.UPDATE, link, changes={"revoked": True})
    link.refresh_from_db()
    return link


def do_prepare_pdf(report: TipReport, *, actor) -> bytes:
    """The approved report as a PDF for the staff member who sends it (fax, secure email)."""
    from lantern.cases.reports import pdf

    require(actor, "deliver_report")
    fresh = TipReport.objects.get(pk=report.pk)
    errors = _release_errors(fresh)
    if errors:
        raise _refuse(actor, report, errors)
    document = pdf.render(content.thaw(fresh), fresh.approved_digest)
    with transaction.atomic():
        _event(fresh, Event.PDF_PREPARED, actor)
        audit.record(actor, Audit.EXPORT, fresh, changes={"pdf": fresh.approved_digest})
    return document


def do_record_phone_notification(
    report: TipReport,
    *,
    actor,
    agency_name: str,
    person: str,
    badge_or_id: str = "",
    called_at=None,
    note: str = "",
) -> PhoneNotification:
    """The agency was told by phone: by whom, to whom (badge or staff id), when."""  # fmt: skip
    require(actor, "deliver_report")
    errors = {}
    if not (agency_name or "").strip():
        errors["agency_name"] = "which agency was called"
    if not (person or "").strip():
        errors["person"] = "who was spoken to"
    called_at = called_at or timezone.now()
    if called_at > timezone.now() + timedelta(minutes=5):
        errors["called_at"] = "is in the future"
    if errors:
        raise _refuse(actor, report, errors)
    with transaction.atomic():
        fresh = _locked(report)
        errors = _release_errors(fresh)
        call = None if errors else _phoned(fresh, actor, agency_name, person, badge_or_id,
                                           called_at, note)  # fmt: skip
    if errors:
        raise _refuse(actor, report, errors)
    return call


def _phoned(fresh, actor, agency_name, person, badge_or_id, called_at, note):
    call = PhoneNotification.objects.create(
        report=fresh,
        agency_name=agency_name.strip()[:200],
        person=person.strip()[:200],
        badge_or_id=(badge_or_id or "").strip()[:64],
        called_at=called_at,
        note=(note or "").strip()[:5_000],
        recorded_by=actor,
    )
    _event(fresh, Event.PHONED, actor, f"{call.agency_name}: {call.person_name}")
    _delivered(fresh)
    audit.record(actor, Audit.CREATE, call, changes={"report": str(fresh.pk)})
    return call


def do_record_acknowledgement(report: TipReport, *, actor, note: str = "") -> TipReport:
    """Staff record that the agency confirmed receipt (by phone, say)."""
    require(actor, "deliver_report")
    with transaction.atomic():
        fresh = _locked(report)
        if fresh.status != Status.DELIVERED:
            errors = {"status": "only a delivered report can be acknowledged"}
        else:
            errors = {}
            _acknowledge(fresh, actor, note)
            audit.record(
                actor, Audit.UPDATE, fresh, changes={"status": ["delivered", "acknowledged"]}
            )
    if errors:
        raise _refuse(actor, report, errors)
    return fresh


def _acknowledge(fresh: TipReport, actor, note: str) -> None:
    fresh.status = Status.ACKNOWLEDGED
    fresh.save(update_fields=["status", "updated_at"])
    _event(fresh, Event.ACKNOWLEDGED, actor, note)


def do_record_outcome(report: TipReport, *, actor, outcome: str, follow_up_on=None) -> TipReport:
    """What the agency did with it; closes the report (a later follow-up can still be set)."""
    require(actor, "deliver_report")
    outcome = (outcome or "").strip()
    with transaction.atomic():
        fresh = _locked(report)
        errors = {}
        if fresh.status not in (Status.DELIVERED, Status.ACKNOWLEDGED, Status.CLOSED):
            errors["status"] = "record an outcome once the report is delivered"
        elif not outcome:
            errors["outcome"] = "say what the agency did or said"
        if not errors:
            old = fresh.status
            fresh.outcome = outcome[:20_000]
            fresh.follow_up_on = follow_up_on
            fresh.status = Status.CLOSED
            fresh.save()
            _event(fresh, Event.OUTCOME, actor)
            audit.record(actor, Audit.UPDATE, fresh, changes={"status": [old, Status.CLOSED]})
    if errors:
        raise _refuse(actor, report, errors)
    return fresh
