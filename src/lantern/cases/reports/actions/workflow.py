"""A tip report from draft to approval: draft, edit, submit, review, approve, withdraw."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lantern.accounts import rules
from lantern.accounts.choices import UserRoleChoices
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.cases.actions import require
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
    Case,
    TipReport,
)
from lantern.cases.reports import config, content
from lantern.cases.reports.actions.common import (
    _ENCRYPTED,
    EDITABLE_FIELDS,
    _event,
    _locked,
    _refuse,
)
from lantern.core.geo import USStateChoices
from lantern.directory.choices import ServiceStatusChoices


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
