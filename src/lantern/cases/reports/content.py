"""What an agency is shown: built from a report when it is approved, then frozen.

``build`` decides what goes in; it is the only place that reads a report's personal details
for the agency, and it leaves them out unless the consent basis allows them. ``freeze`` turns
the result into the canonical JSON that approval stores (encrypted) with its SHA-256, so the
PDF and the link can prove they show exactly what was approved.
"""

from __future__ import annotations

import hashlib
import json

from lantern.cases.choices import (
    CaseControlMethodChoices,
    CasePartyRoleChoices,
    TipReportConsentBasisChoices,
    TipReportConsentScopeChoices,
    TipReportUrgencyChoices,
)
from lantern.cases.reports import config
from lantern.core.geo import USStateChoices
from lantern.privacy.fields import reveal

FORMAT = 1


def shares_personal_details(report) -> bool:
    """Personal details leave only with the caller's consent to share them, or an override."""
    if report.consent_basis == TipReportConsentBasisChoices.OVERRIDE:
        return bool(report.override_reason)
    return (
        report.consent_basis == TipReportConsentBasisChoices.CONSENT
        and report.consent_scope == TipReportConsentScopeChoices.FACTS_AND_IDENTITY
    )


def _label(choices, value) -> str:
    return str(dict(choices.choices).get(value, value))


def build(report) -> dict:
    """The agency's view of ``report`` as plain data (no database objects)."""
    case = report.case
    place = {
        "state": _label(USStateChoices, case.state) if case.state else "",
        "county": case.county,
        "city": case.city,
        "postal_code": case.postal_code,
        "detail": reveal(report.location_detail) or "",
    }
    people = [
        {
            "role": _label(CasePartyRoleChoices, p.role),
            "count": p.count,
            "age_band": p.get_age_band_display(),
            "minor": p.minor,
            "gender": p.get_gender_display(),
            "citizenship": p.get_citizenship_display(),
            "nationality": p.nationality,
        }
        for p in case.parties.all()
    ]
    content = {
        "format": FORMAT,
        "report": report.short_id,
        "hotline_case": case.short_id,
        "to": report.recipient,
        "urgency": _label(TipReportUrgencyChoices, report.urgency),
        "trafficking_type": case.get_trafficking_type_display(),
        "venue": case.get_venue_display(),
        "indicators": [_label(CaseControlMethodChoices, m) for m in report.indicators],
        "place": place,
        "people": people,
        "facts": reveal(report.facts) or "",
        "consent": describe_basis(report),
    }
    if shares_personal_details(report):
        content["personal_details"] = reveal(report.personal_details) or ""
    return content


def describe_basis(report) -> str:
    """One line the agency reads: on what basis the hotline shares this."""
    if report.consent_basis == TipReportConsentBasisChoices.CONSENT:
        scope = _label(TipReportConsentScopeChoices, report.consent_scope)
        when = f" on {report.consent_given_at:%Y-%m-%d}" if report.consent_given_at else ""
        return f"Shared with consent{when}: {scope[0].lower()}{scope[1:]}."
    if report.consent_basis == TipReportConsentBasisChoices.OVERRIDE:
        override = config.current().overrides.get(report.override_reason)
        label = override.label if override else report.override_reason
        state = f" ({report.override_state})" if report.override_state else ""
        return f"Shared without consent, approved by a supervisor: {label}{state}."
    return ""


def freeze(content: dict) -> tuple[str, str]:
    """Canonical JSON of ``content`` and its SHA-256 (hex)."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def thaw(report) -> dict:
    """The approved content, checked against its digest (a mismatch is never shown)."""
    text = reveal(report.approved_content) or ""
    if not text or hashlib.sha256(text.encode("utf-8")).hexdigest() != report.approved_digest:
        raise ValueError(f"{report} has no intact approved content")
    return json.loads(text)
