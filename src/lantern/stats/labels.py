"""What each row and column value is called in published tables (choices in one place: every
label comes from the owning app's choices)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils import translation

NATIONAL = "all"


def service_type_codes() -> list[str]:
    from lantern.directory import taxonomy

    types = next(t for t in taxonomy.definition() if t["code"] == taxonomy.SERVICE_TYPES)
    return [term["code"] for term in types["terms"]]


@functools.cache
def _columns() -> dict[str, dict[str, str]]:
    # cached for the process: in the hotline's language, never the first request's
    with translation.override(settings.LANGUAGE_CODE):
        return _column_labels()


def _column_labels() -> dict[str, dict[str, str]]:
    from lantern.cases.choices import (
        CaseAgeBandChoices,
        CaseCitizenshipChoices,
        CaseControlMethodChoices,
        CaseGenderChoices,
        CaseTraffickingTypeChoices,
        ReferralStatusChoices,
    )
    from lantern.contacts.choices import (
        ContactCallerTypeChoices,
        ContactCallTypeChoices,
        ContactChannelChoices,
        VenueChoices,
    )
    from lantern.directory import taxonomy
    from lantern.directory.choices import OrganizationTypeChoices

    types = next(t for t in taxonomy.definition() if t["code"] == taxonomy.SERVICE_TYPES)

    def of(choices):
        return {str(k).lower(): str(v) for k, v in choices.choices}

    return {
        "channel": of(ContactChannelChoices),
        "call_type": {**of(ContactCallTypeChoices), "not_logged_yet": "Not logged yet"},
        "caller_type": of(ContactCallerTypeChoices),
        "substantive": {"true": "Substantive", "false": "Not substantive"},
        "trafficking_type": of(CaseTraffickingTypeChoices),
        "venue": of(VenueChoices),
        "control_method": of(CaseControlMethodChoices),
        "age_band": of(CaseAgeBandChoices),
        "minor": {"true": "Minor", "false": "Adult", "unknown": "Not known"},
        "gender": of(CaseGenderChoices),
        "citizenship": of(CaseCitizenshipChoices),
        "outcome": of(ReferralStatusChoices),
        "service_type": {t["code"]: t["name"] for t in types["terms"]},
        "agency_type": {
            **of(OrganizationTypeChoices),
            "not_in_directory": "Not in the directory",
            "unknown": "Not known",
        },  # fmt: skip
    }


def column(kind: str, value: str, *, grouped: bool = False) -> str:
    """A column's label. In a release (``grouped``), "other" also holds the categories too rare
    to show alone; in staff's raw tables it is only what was recorded as "other"."""
    if value == "other":
        base = str(_columns().get(kind, {}).get("other", "Other"))
        return f"{base} (with categories too rare to show alone)" if grouped else base
    if kind == "language":
        return _language(value)
    return _columns().get(kind, {}).get(value, value.replace("_", " ").capitalize())


@functools.cache
def _language(tag: str) -> str:
    import langcodes

    try:
        return langcodes.Language.get(tag).display_name()
    except (ValueError, LookupError):
        return tag


def row(value: str) -> str:
    from lantern.core.geo import USStateChoices

    if value == NATIONAL:
        return "United States"
    if value == "unknown":
        return "State not known"
    with translation.override(settings.LANGUAGE_CODE):  # a release's words, not the request's
        return str(dict(USStateChoices.choices).get(value, value))


def known_columns(kind: str) -> set[str] | None:
    """The values a column may hold (None: any BCP 47 language tag, checked by shape)."""
    if kind == "language":
        return None
    return set(_columns()[kind]) | {"unknown", "other"}
