"""Reads of tip reports, through the permission rules. Revealing a report's encrypted fields is
a read of personal data: it is audited, with the report as the object."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.utils import timezone

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.cases.choices import AgencyLinkEmailStateChoices as EmailState
from lantern.cases.choices import TipReportStatusChoices as Status
from lantern.cases.models import AgencyLink, TipReport
from lantern.cases.reports import content
from lantern.privacy.fields import reveal

_REVEALED = ("facts", "location_detail", "personal_details", "consent_given_by",
             "override_explanation", "outcome")  # fmt: skip


def reports_for_user(user):
    """Reports on the cases the user may open (not merged away)."""
    return (
        TipReport.objects.restrict(user, "view_case")
        .filter(case__merged_into__isnull=True)
        .select_related("case", "agency", "author")
    )


def access_report_for_user(user, report_id) -> TipReport:
    """One report, or ``TipReport.DoesNotExist`` (missing and forbidden look the same)."""
    try:
        pk = uuid.UUID(str(report_id))
    except ValueError:
        raise TipReport.DoesNotExist from None
    return (
        reports_for_user(user).select_related("reviewed_by", "approved_by", "protocol").get(pk=pk)
    )


def reports_for_case(user, case) -> list[TipReport]:
    return list(reports_for_user(user).filter(case=case).order_by("created_at"))


def may_read(user, report: TipReport) -> bool:
    """The author and the people who review, approve or deliver reports read their text."""
    return report.author_id == user.pk or any(
        rules.allows(user, action) for action in ("review_report", "approve_report",
                                                  "deliver_report")
    )  # fmt: skip


@dataclass
class Steps:
    """Which of the workflow's buttons this user gets on this report."""

    edit: bool
    submit: bool
    review: bool
    approve: bool
    withdraw: bool
    deliver: bool
    outcome: bool


def steps_for(user, report: TipReport) -> Steps:
    status, own = report.status, report.author_id == user.pk
    deliverer = rules.allows(user, "deliver_report")
    return Steps(
        edit=own and status == Status.DRAFT and rules.allows(user, "draft_report"),
        submit=own and status == Status.DRAFT and rules.allows(user, "draft_report"),
        review=not own and status == Status.IN_REVIEW and rules.allows(user, "review_report"),
        approve=not own and status == Status.AWAITING_APPROVAL
        and rules.allows(user, "approve_report"),
        withdraw=status in (Status.DRAFT, Status.IN_REVIEW, Status.AWAITING_APPROVAL,
                            Status.APPROVED)
        and (own or rules.allows(user, "approve_report")),
        deliver=deliverer and status in (Status.APPROVED, Status.DELIVERED, Status.ACKNOWLEDGED),
        outcome=deliverer and status in (Status.DELIVERED, Status.ACKNOWLEDGED, Status.CLOSED),
    )  # fmt: skip


def report_text(user, report: TipReport) -> dict[str, str] | None:
    """The report's encrypted fields in clear, or None when the user may not read them."""
    if not may_read(user, report):
        return None
    text = {name: reveal(getattr(report, name)) or "" for name in _REVEALED}
    if any(text.values()):
        audit.record(user, Audit.READ_PII, report, reason="tip report")
    return text


def agency_preview(user, report: TipReport) -> dict | None:
    """What the agency gets: the frozen content once approved, else what approval would freeze
    now (so the reviewer and the approver see exactly what will leave)."""
    if not may_read(user, report):
        return None
    if report.approved_digest:
        return content.thaw(report)
    return content.build(report)


@dataclass
class EventView:
    at: object
    kind: str
    label: str
    actor: str
    comment: str


def report_history(user, report: TipReport) -> list[EventView]:
    """The report's steps, oldest first; comments only for those who may read the report."""
    readable = may_read(user, report)
    return [
        EventView(e.at, e.kind, e.get_kind_display(), e.actor_label,
                  (reveal(e.comment) or "") if readable else "")
        for e in report.events.all()
    ]  # fmt: skip


def links_for(report: TipReport) -> list[AgencyLink]:
    return list(report.links.prefetch_related("accesses"))


def failed_link_emails(user, *, since) -> list[AgencyLink]:
    """Agency links issued since ``since`` that the outbound queue could not email, for the
    staff who deliver reports (the board lists them so someone calls the agency instead)."""
    if not rules.allows(user, "deliver_report"):
        return []
    return list(
        AgencyLink.objects.filter(email_state=EmailState.FAILED, created_at__gte=since)
        .select_related("report")
        .order_by("-created_at")[:20]
    )


def agency_content(link: AgencyLink) -> dict:
    """What the holder of ``link`` is shown (after ``actions.open_agency_link`` let them in)."""
    return content.thaw(link.report)


@dataclass
class Waiting:
    title: str
    reports: list


def waiting_for(user, limit: int = 50) -> list[Waiting]:
    """The reports that wait for this user, by the step they can take; empty groups left out."""
    mine = reports_for_user(user).filter(author=user)
    others = reports_for_user(user).exclude(author=user)
    groups = [Waiting("Your drafts and reports sent back to you", mine.filter(status=Status.DRAFT))]
    if rules.allows(user, "review_report"):
        groups.append(Waiting("Waiting for your review", others.filter(status=Status.IN_REVIEW)))
    if rules.allows(user, "approve_report"):
        groups.append(
            Waiting("Waiting for your approval", others.filter(status=Status.AWAITING_APPROVAL))
        )
    if rules.allows(user, "deliver_report"):
        groups.append(
            Waiting("Approved, not delivered yet", reports_for_user(user).filter(
                status=Status.APPROVED))
        )  # fmt: skip
        groups.append(
            Waiting("Follow-ups with agencies due", reports_for_user(user).filter(
                status__in=(Status.DELIVERED, Status.ACKNOWLEDGED, Status.CLOSED),
                follow_up_on__lte=timezone.localdate()))
        )  # fmt: skip
    out = []
    for group in groups:
        rows = list(group.reports.order_by("created_at")[:limit])
        if rows:
            out.append(Waiting(group.title, rows))
    return out
