"""The crisis fast path for tip reports: when someone is in immediate danger, a supervisor alone
approves a report and it can be sent at once; a case analyst's review follows afterwards and is
recorded.

The usual way out (``cases.reports.actions``) takes an analyst's review and a supervisor's
approval, a day's work. For a report marked *Immediate: someone is in danger now*, a supervisor
may approve from any step before approval (draft, review, approval), with a reason, even when
they wrote it. Everything else holds: the report must be complete, an override of consent needs
its confirmation, what the agency sees is frozen at approval. The report then waits for a case
analyst (not the supervisor who used the fast path) to review it afterwards; until then it is
listed for the analysts and counted in the operations dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.cases.actions import require
from lantern.cases.choices import TipReportConsentBasisChoices, TipReportUrgencyChoices
from lantern.cases.choices import TipReportEventKindChoices as Event
from lantern.cases.choices import TipReportStatusChoices as Status
from lantern.cases.models import TipReport
from lantern.cases.reports import content
from lantern.cases.reports.actions.common import _event, _locked, _refuse
from lantern.cases.reports.actions.workflow import missing_for_submission

# The steps a report may be fast-tracked from: any before approval.
BEFORE_APPROVAL = (Status.DRAFT, Status.IN_REVIEW, Status.AWAITING_APPROVAL)


@dataclass(frozen=True)
class FastPathSteps:
    fast_track: bool  # this user may approve it now, alone
    review_after: bool  # this user may record the analyst's review that follows


def steps_for(user, report: TipReport) -> FastPathSteps:
    return FastPathSteps(
        fast_track=(
            report.urgency == TipReportUrgencyChoices.IMMEDIATE
            and report.status in BEFORE_APPROVAL
            and rules.allows(user, "fast_track_report")
        ),
        review_after=(
            report.fast_tracked_at is not None
            and report.after_reviewed_at is None
            and report.status != Status.WITHDRAWN
            and rules.allows(user, "review_report")
            and user.pk not in (report.fast_tracked_by_id, report.author_id)
        ),
    )


def do_fast_track_report(
    report: TipReport, *, actor, reason: str, confirm_override: bool = False
) -> TipReport:
    """A supervisor approves a report about someone in immediate danger alone, now."""
    require(actor, "fast_track_report")
    with transaction.atomic():
        fresh = _locked(report)
        errors = {}
        if fresh.urgency != TipReportUrgencyChoices.IMMEDIATE:
            errors["urgency"] = _("the fast path is for someone in immediate danger only")
        elif fresh.status not in BEFORE_APPROVAL:
            errors["status"] = _("this report is %(status)s") % {
                "status": fresh.get_status_display().lower()
            }
        elif not reason.strip():
            errors["reason"] = _("say why it cannot wait for the usual review")
        elif fresh.consent_basis == TipReportConsentBasisChoices.OVERRIDE and not confirm_override:
            errors["confirm_override"] = _("confirm that the override reason applies")
        else:
            errors = missing_for_submission(fresh)
        if not errors:
            old = fresh.status
            now = timezone.now()
            fresh.approved_content, fresh.approved_digest = content.freeze(content.build(fresh))
            fresh.status = Status.APPROVED
            fresh.approved_by = actor
            fresh.approved_at = now
            fresh.fast_tracked_by = actor
            fresh.fast_tracked_at = now
            fresh.fast_track_reason = reason.strip()
            fresh.save()
            _event(fresh, Event.FAST_TRACKED, actor, reason.strip())
            audit.record(
                actor,
                Audit.UPDATE,
                fresh,
                changes={
                    "status": [old, Status.APPROVED],
                    "fast_path": True,
                    "digest": fresh.approved_digest,
                    "personal_details": "shared" if content.shares_personal_details(fresh)
                    else "left out",
                    "override": fresh.override_reason
                    if fresh.consent_basis == TipReportConsentBasisChoices.OVERRIDE else "",
                },
            )  # fmt: skip
    if errors:
        raise _refuse(actor, report, errors)
    return fresh


def do_review_after_fast_path(report: TipReport, *, actor, comment: str = "") -> TipReport:
    """A case analyst reviews a fast-tracked report afterwards; the review is recorded (what
    left cannot be recalled, but a concern can still withdraw an undelivered report or reach
    the agency)."""
    require(actor, "review_report")
    with transaction.atomic():
        fresh = _locked(report)
        errors = {}
        if fresh.fast_tracked_at is None:
            errors["status"] = _("this report did not take the fast path")
        elif fresh.after_reviewed_at is not None:
            errors["status"] = _("this report's review after the fast path is recorded already")
        elif actor.pk in (fresh.fast_tracked_by_id, fresh.author_id):
            errors["reviewer"] = _(
                "someone other than its author and the supervisor who approved it reviews it"
            )
        if not errors:
            fresh.reviewed_by = actor
            fresh.after_reviewed_at = timezone.now()
            fresh.save(update_fields=["reviewed_by", "after_reviewed_at", "updated_at"])
            _event(fresh, Event.REVIEWED_AFTER, actor, comment.strip())
            audit.record(actor, Audit.UPDATE, fresh, changes={"reviewed_after_fast_path": True})
    if errors:
        raise _refuse(actor, report, errors)
    return fresh


def awaiting_review_after(user):
    """Fast-tracked reports whose analyst review has not been recorded, for those who may
    review them (counts and ids only are needed by the lists)."""
    if not rules.allows(user, "review_report"):
        return TipReport.objects.none()
    return (
        TipReport.objects.filter(fast_tracked_at__isnull=False, after_reviewed_at__isnull=True)
        .exclude(status=Status.WITHDRAWN)
        .exclude(fast_tracked_by=user)
        .exclude(author=user)
        .select_related("case")
        .order_by("fast_tracked_at")
    )
