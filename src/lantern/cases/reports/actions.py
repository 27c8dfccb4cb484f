"""Every change to a tip report, from draft to outcome, and every use of an agency link.

The workflow (DESIGN.md, "Tip report")::

    draft -> in_review -> awaiting_approval -> approved -> delivered -> acknowledged -> closed
      ^          |               |
      +- sent back with comments +            (a report not yet delivered can be withdrawn)

Each step checks the permission rules and the report's status inside one transaction, with
the row locked, so two people clicking at once cannot both move it. A refused step changes
nothing and is audited (``Audit.REFUSED``) with its reasons.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantern.accounts import rules
from lantern.accounts.choices import UserRoleChoices
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.cases.actions import CaseError, refuse, require
from lantern.cases.choices import (
    AgencyLinkAccessOutcomeChoices as Access,
)
from lantern.cases.choices import (
    CaseControlMethodChoices,
    TipReportConsentBasisChoices,
    TipReportConsentScopeChoices,
    TipReportUrgencyChoices,
)
from lantern.cases.choices import TipReportEventKindChoices as Event
from lantern.cases.choices import TipReportStatusChoices as Status
from lantern.cases.models import (
    AgencyLink,
    AgencyLinkAccess,
    Case,
    PhoneNotification,
    TipReport,
    TipReportEvent,
)
from lantern.cases.reports import config, content
from lantern.core.geo import USStateChoices
from lantern.core.ids import short_id
from lantern.directory.choices import ServiceStatusChoices

# Statuses from which the agency has (or may be given) the approved report.
RELEASED = (Status.APPROVED, Status.DELIVERED, Status.ACKNOWLEDGED)
EDITABLE_FIELDS = (
    "agency", "agency_name", "protocol", "urgency", "facts", "location_detail", "indicators",
    "personal_details", "consent_basis", "consent_given_by", "consent_given_at", "consent_scope",
    "override_reason", "override_state", "override_explanation", "follow_up_on",
)  # fmt: skip
_ENCRYPTED = ("facts", "location_detail", "personal_details", "consent_given_by",
              "override_explanation")  # fmt: skip


class ReportError(CaseError):
    """A step of a report that cannot be taken as asked; ``errors`` says why."""


class AgencyLinkRefused(Exception):
    """An agency link that cannot be used: unknown, expired, revoked or claimed elsewhere.
    ``reason`` is what the person holding the link is told."""

    def __init__(self, reason: str, status: int = 410):
        self.reason, self.status = reason, status
        super().__init__(reason)


def _refuse(actor, report, errors: dict) -> ReportError:
    return refuse(actor, report, errors, object_type="cases.tipreport", error=ReportError)


def _event(report, kind, actor, comment: str = "") -> TipReportEvent:
    label = actor if isinstance(actor, str) else actor.get_username()
    return TipReportEvent.objects.create(
        report=report,
        kind=kind,
        actor=None if isinstance(actor, str) else actor,
        actor_label=label[:150],
        comment=(comment or "").strip()[:5_000],
    )


def _locked(report) -> TipReport:
    return TipReport.objects.select_for_update().select_related("case").get(pk=report.pk)


# --- drafting ---------------------------------------------------------------------------------


def _apply(report: TipReport, data: dict) -> dict:
    """Copy the form's fields onto ``report``; the errors of what cannot be stored at all.

    Completeness (an agency, the facts, a whole consent basis) is checked on submission, so a
    half-written draft can be saved."""
    errors = {}
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        errors[sorted(unknown)[0]] = "is not a field of a report"
    for name in _ENCRYPTED:
        if name in data:
            value = (data[name] or "").strip()
            if len(value) > 20_000:
                errors[name] = "is too long (at most 20,000 characters)"
            setattr(report, name, value)
    if "agency" in data:
        agency = data["agency"]
        if agency is not None and agency.status != ServiceStatusChoices.ACTIVE:
            errors["agency"] = f"{agency.name} is no longer active in the directory"
        report.agency = agency
    if "agency_name" in data:
        report.agency_name = (data["agency_name"] or "").strip()[:200]
    if "protocol" in data:
        report.protocol = data["protocol"]
    for name, choices in (
        ("urgency", TipReportUrgencyChoices),
        ("consent_basis", TipReportConsentBasisChoices),
        ("consent_scope", TipReportConsentScopeChoices),
    ):
        if name in data:
            value = data[name] or ""
            if value and value not in choices.values:
                errors[name] = "choose one of the listed options"
            setattr(report, name, value)
    if "indicators" in data:
        methods = list(data["indicators"] or [])
        bad = [m for m in methods if m not in CaseControlMethodChoices.values]
        if bad:
            errors["indicators"] = f"{bad[0]!r} is not a method of control"
        report.indicators = sorted(set(methods))
    if "override_reason" in data:
        reason = data["override_reason"] or ""
        if reason and reason not in config.current().overrides:
            errors["override_reason"] = "choose one of the hotline's override reasons"
        report.override_reason = reason
    if "override_state" in data:
        state = data["override_state"] or ""
        if state and state not in USStateChoices.values:
            errors["override_state"] = "not a U.S. state or territory"
        report.override_state = state
    if "consent_given_at" in data:
        report.consent_given_at = data["consent_given_at"]
    if "follow_up_on" in data:
        report.follow_up_on = data["follow_up_on"]
    return errors


def do_draft_report(case: Case, data: dict, *, actor) -> TipReport:
    """A new draft on ``case``. The indicators start as the case's methods of control."""
    require(actor, "draft_report")
    require(actor, "view_case", case)
    if case.merged_into_id:
        raise _refuse(actor, None, {"case": "this case was merged; report on the case it joined"})
    report = TipReport(case=case, author=actor, indicators=list(case.control_methods))
    errors = _apply(report, data)
    if errors:
        raise _refuse(actor, None, errors)
    with transaction.atomic():
        report.save(force_insert=True)
        _event(report, Event.DRAFTED, actor)
        audit.record(actor, Audit.CREATE, report, changes={"case": str(case.pk)})
    return report


def do_edit_report(report: TipReport, data: dict, *, actor) -> TipReport:
    """Change a draft. Only its author edits it; reviewers comment and send it back."""
    require(actor, "draft_report")
    with transaction.atomic():
        fresh = _locked(report)
        errors = {}
        if fresh.status != Status.DRAFT:
            errors["status"] = "only a draft can be changed; ask the reviewer to send it back"
        elif fresh.author_id != actor.pk:
            errors["author"] = "only the report's author edits the draft"
        else:
            errors = _apply(fresh, data)
        if not errors:
            fresh.save()
            _event(fresh, Event.EDITED, actor)
            audit.record(actor, Audit.UPDATE, fresh, changes={"fields": sorted(data)})
    if errors:
        raise _refuse(actor, report, errors)
    return fresh


def missing_for_submission(report: TipReport) -> dict:
    """What a report still needs before a reviewer can look at it (empty when complete)."""
    from lantern.privacy.fields import reveal

    errors = {}
    if not report.agency_id and not report.agency_name:
        errors["agency"] = "choose the agency this report is for"
    if not (reveal(report.facts) or "").strip():
        errors["facts"] = "write what the agency needs to know"
    if report.consent_basis == TipReportConsentBasisChoices.CONSENT:
        if not (reveal(report.consent_given_by) or "").strip():
            errors["consent_given_by"] = "say who consented"
        if not report.consent_given_at:
            errors["consent_given_at"] = "say when they consented"
        if not report.consent_scope:
            errors["consent_scope"] = "say what they agreed may be shared"
    elif report.consent_basis == TipReportConsentBasisChoices.OVERRIDE:
        override = config.current().overrides.get(report.override_reason)
        if override is None:
            errors["override_reason"] = "choose the override reason"
        elif override.needs_state and not report.override_state:
            errors["override_state"] = "name the state whose law requires the report"
        if not (reveal(report.override_explanation) or "").strip():
            errors["override_explanation"] = "explain why the override applies"
    else:
        errors["consent_basis"] = (
            "record the consent basis: the caller's consent, or an override reason"
        )
    return errors


def do_submit_report(report: TipReport, *, actor) -> TipReport:
    """The author sends a complete draft to the case analysts."""
    require(actor, "draft_report")
    with transaction.atomic():
        fresh = _locked(report)
        if fresh.status != Status.DRAFT:
            errors = {"status": f"this report is {fresh.get_status_display().lower()}"}
        elif fresh.author_id != actor.pk:
            errors = {"author": "only the report's author sends it for review"}
        else:
            errors = missing_for_submission(fresh)
        if not errors:
            fresh.status = Status.IN_REVIEW
            fresh.save(update_fields=["status", "updated_at"])
            _event(fresh, Event.SUBMITTED, actor)
            audit.record(
                actor, Audit.UPDATE, fresh, changes={"status": [Status.DRAFT, fresh.status]}
            )
    if errors:
        raise _refuse(actor, report, errors)
    return fresh


def _send_back(fresh: TipReport, actor, comment: str) -> None:
    old = fresh.status
    fresh.status = Status.DRAFT
    fresh.reviewed_by = None
    fresh.save(update_fields=["status", "reviewed_by", "updated_at"])
    _event(fresh, Event.SENT_BACK, actor, comment)
    audit.record(actor, Audit.UPDATE, fresh, changes={"status": [old, Status.DRAFT]})


def do_review_report(report: TipReport, *, actor, approve: bool, comment: str = "") -> TipReport:
    """A case analyst passes the report on for approval, or sends it back with comments."""
    require(actor, "review_report")
    with transaction.atomic():
        fresh = _locked(report)
        errors = {}
        if fresh.status != Status.IN_REVIEW:
            errors["status"] = f"this report is {fresh.get_status_display().lower()}"
        elif fresh.author_id == actor.pk:
            errors["reviewer"] = "the author of a report cannot review it"
        elif not approve and not comment.strip():
            errors["comment"] = "say what needs to change before sending it back"
        if not errors and approve:
            fresh.status = Status.AWAITING_APPROVAL
            fresh.reviewed_by = actor
            fresh.save(update_fields=["status", "reviewed_by", "updated_at"])
            _event(fresh, Event.REVIEWED, actor, comment)
            audit.record(
                actor, Audit.UPDATE, fresh, changes={"status": [Status.IN_REVIEW, fresh.status]}
            )
        elif not errors:
            _send_back(fresh, actor, comment)
    if errors:
        raise _refuse(actor, report, errors)
    return fresh


def do_approve_report(
    report: TipReport, *, actor, approve: bool, comment: str = "", confirm_override: bool = False
) -> TipReport:
    """A supervisor approves the reviewed report (freezing what the agency will see) or sends
    it back. An override of consent needs a supervisor's explicit confirmation."""
    require(actor, "approve_report")
    settings = config.current()
    with transaction.atomic():
        fresh = _locked(report)
        errors = {}
        overriding = fresh.consent_basis == TipReportConsentBasisChoices.OVERRIDE
        if fresh.status != Status.AWAITING_APPROVAL:
            errors["status"] = f"this report is {fresh.get_status_display().lower()}"
        elif fresh.author_id == actor.pk:
            errors["approver"] = "the author of a report cannot approve it"
        elif not approve:
            if not comment.strip():
                errors["comment"] = "say what needs to change before sending it back"
        elif settings.distinct_reviewer and fresh.reviewed_by_id == actor.pk:
            errors["approver"] = "a second person must approve what you reviewed"
        elif overriding and actor.role != UserRoleChoices.SUPERVISOR:
            errors["approver"] = "sharing without consent needs a supervisor's approval"
        elif overriding and not confirm_override:
            errors["confirm_override"] = "confirm that the override reason applies"
        else:
            errors = missing_for_submission(fresh)
        if not errors and approve:
            fresh.approved_content, fresh.approved_digest = content.freeze(content.build(fresh))
            fresh.status = Status.APPROVED
            fresh.approved_by = actor
            fresh.approved_at = timezone.now()
            fresh.save()
            _event(fresh, Event.APPROVED, actor, comment)
            audit.record(
                actor,
                Audit.UPDATE,
                fresh,
                changes={
                    "status": [Status.AWAITING_APPROVAL, Status.APPROVED],
                    "digest": fresh.approved_digest,
                    "personal_details": "shared" if content.shares_personal_details(fresh)
                    else "left out",
                    "override": fresh.override_reason if overriding else "",
                },
            )  # fmt: skip
        elif not errors:
            _send_back(fresh, actor, comment)
    if errors:
        raise _refuse(actor, report, errors)
    return fresh


def do_withdraw_report(report: TipReport, *, actor, reason: str) -> TipReport:
    """Stop a report that has not reached the agency (its author, or an approver)."""
    require(actor, "draft_report")
    with transaction.atomic():
        fresh = _locked(report)
        errors = {}
        if fresh.status not in (Status.DRAFT, Status.IN_REVIEW, Status.AWAITING_APPROVAL,
                                Status.APPROVED):  # fmt: skip
            errors["status"] = "a report the agency has received cannot be withdrawn"
        elif fresh.author_id != actor.pk and not rules.allows(actor, "approve_report"):
            errors["author"] = "only the author or a supervisor withdraws a report"
        elif not reason.strip():
            errors["reason"] = "say why the report is withdrawn"
        if not errors:
            old = fresh.status
            fresh.status = Status.WITHDRAWN
            fresh.save(update_fields=["status", "updated_at"])
            _event(fresh, Event.WITHDRAWN, actor, reason)
            AgencyLink.objects.filter(report=fresh, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
            audit.record(actor, Audit.UPDATE, fresh, changes={"status": [old, fresh.status]})
    if errors:
        raise _refuse(actor, report, errors)
    return fresh


# --- delivery ---------------------------------------------------------------------------------


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


# --- the agency's side of a link --------------------------------------------------------------


def _agency_label(link: AgencyLink) -> str:
    # the recipient's name is personal data (encrypted on the link): the audit names the link
    return f"agency link {short_id(link.pk)}"


def _log_access(link: AgencyLink, outcome: str) -> None:
    AgencyLinkAccess.objects.create(link=link, outcome=outcome)


# A refused link is logged and audited at most once per link and outcome in this many seconds;
# the next row says how many refusals it stands for. Someone hammering a forwarded or expired
# link cannot fill the audit log (issue 16).
REFUSAL_WINDOW = 600


def _refuse_link(link: AgencyLink, outcome: str, reason: str) -> AgencyLinkRefused:
    key = f"agency-refused:{link.pk}:{outcome}"
    if cache.add(key, 1, timeout=REFUSAL_WINDOW):
        unrecorded = cache.get(f"{key}:unrecorded", 0)
        cache.delete(f"{key}:unrecorded")
        with transaction.atomic():
            _log_access(link, outcome)
            audit.record(
                _agency_label(link), Audit.REFUSED, link,
                changes={"errors": {"link": outcome}, "also_refused_since_last_row": unrecorded},
            )  # fmt: skip
    elif not cache.add(f"{key}:unrecorded", 1, timeout=24 * 60 * 60):
        cache.incr(f"{key}:unrecorded")
    return AgencyLinkRefused(reason)


def find_link(token: str) -> AgencyLink:
    """The link a token opens, checked: unknown, revoked, withdrawn or expired links raise
    ``AgencyLinkRefused`` (the last three logged and audited)."""
    link = (
        AgencyLink.objects.select_related("report").filter(token_hash=_digest(token or "")).first()
    )
    if link is None:
        raise AgencyLinkRefused(_("This link is not valid. Check that it was copied whole."), 404)
    if link.revoked_at or link.report.status == Status.WITHDRAWN:
        raise _refuse_link(
            link, Access.REVOKED,
            _("This link was withdrawn by the hotline. Call the hotline if you still need "
              "the report."),
        )  # fmt: skip
    if timezone.now() >= link.expires_at:
        raise _refuse_link(
            link, Access.EXPIRED,
            _("This link has expired. Call the hotline to ask for the report again."),
        )  # fmt: skip
    return link


def _claim_matches(link: AgencyLink, claim: str | None) -> bool:
    return bool(claim) and hmac.compare_digest(link.claim_hash, _digest(claim))


def open_agency_link(token: str, claim: str | None) -> tuple[AgencyLink, str | None]:
    """The recipient opens the report. The first opening claims the link for that browser and
    returns the new claim secret (to keep in a cookie); later openings must present it. Any
    other browser is refused: the link is for one recipient."""
    link = find_link(token)
    if link.claim_hash:
        if not _claim_matches(link, claim):
            raise _refuse_link(
                link, Access.REUSED,
                _("This link has already been opened on another device. It works for one "
                  "recipient only; call the hotline if you need the report."),
            )  # fmt: skip
        new_claim = None
        outcome = Access.VIEWED
    else:
        new_claim = secrets.token_urlsafe(32)
        claimed = AgencyLink.objects.filter(pk=link.pk, claim_hash="").update(
            claim_hash=_digest(new_claim), claimed_at=timezone.now()
        )
        if not claimed:  # someone else opened it a moment ago
            raise _refuse_link(link, Access.REUSED, _("This link has already been opened."))
        outcome = Access.OPENED
    with transaction.atomic():
        _log_access(link, outcome)
        audit.record(_agency_label(link), Audit.READ_PII, link.report, reason="agency link")
    link.refresh_from_db()
    return link, new_claim


def agency_pdf(token: str, claim: str | None) -> tuple[AgencyLink, bytes]:
    """The PDF of the report, for the browser that claimed the link."""
    from lantern.cases.reports import pdf

    link = find_link(token)
    if not link.claim_hash or not _claim_matches(link, claim):
        raise _refuse_link(link, Access.REUSED, _("Open the report from its link first."))
    with transaction.atomic():
        _log_access(link, Access.PDF)
        audit.record(_agency_label(link), Audit.EXPORT, link.report, reason="agency link PDF")
    return link, pdf.render(content.thaw(link.report), link.report.approved_digest)


def acknowledge_via_link(token: str, claim: str | None, *, name: str, note: str = "") -> None:
    """The recipient confirms they received the report (once; later clicks change nothing)."""
    link = find_link(token)
    if not link.claim_hash or not _claim_matches(link, claim):
        raise _refuse_link(link, Access.REUSED, _("Open the report from its link first."))
    name = (name or "").strip()[:200]
    if not name:
        raise AgencyLinkRefused(_("Give your name so the hotline knows who received it."), 400)
    with transaction.atomic():
        fresh = _locked(link.report)
        _log_access(link, Access.ACKNOWLEDGED)
        if fresh.status == Status.DELIVERED:
            _acknowledge(fresh, _agency_label(link), f"by {name}. {note or ''}".strip())
            audit.record(
                _agency_label(link), Audit.UPDATE, fresh,
                changes={"status": ["delivered", "acknowledged"]},
            )  # fmt: skip
