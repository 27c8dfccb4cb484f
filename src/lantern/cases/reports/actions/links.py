"""The agency's side of a secure link: find, claim, open, download and acknowledge, with
every use logged and refusals rate-limited."""

from __future__ import annotations

import hmac
import secrets

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.cases.choices import (
    AgencyLinkAccessOutcomeChoices as Access,
)
from lantern.cases.choices import TipReportStatusChoices as Status
from lantern.cases.models import (
    AgencyLink,
    AgencyLinkAccess,
)
from lantern.cases.reports import content
from lantern.cases.reports.actions.common import AgencyLinkRefused, _locked
from lantern.cases.reports.actions.delivery import _acknowledge, _digest
from lantern.core.ids import short_id

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
