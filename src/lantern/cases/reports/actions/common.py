"""What every step of a tip report shares: its errors, its event log, the row lock."""

from __future__ import annotations

from lantern.cases.actions import CaseError, refuse
from lantern.cases.choices import TipReportStatusChoices as Status
from lantern.cases.models import (
    TipReport,
    TipReportEvent,
)

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
