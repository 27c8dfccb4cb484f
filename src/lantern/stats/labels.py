"""What each row and column value is called in published tables (choices in one place: every
label comes from the owning app's choices).

A release stores each value's code beside its label in the hotline's language (the digest
covers those); pages show the labels in the reader's language, from the codes
(``publishing.localized``)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

NATIONAL = "all"
# The default taxonomy's service types (directory/data/taxonomy.yaml), marked so that the
# catalogues translate them; a hotline's own names show as written. A test keeps this list equal
# to the file's.
SERVICE_TYPE_NAMES = (
    gettext_noop("Case management"),
    gettext_noop("Emergency shelter"),
    gettext_noop("Transitional housing"),
    gettext_noop("Legal services"),
    gettext_noop("Immigration legal services"),
    gettext_noop("Mental health and counselling"),
    gettext_noop("Medical care"),
    gettext_noop("Substance use treatment"),
    gettext_noop("Transportation"),
    gettext_noop("Interpretation and translation"),
    gettext_noop("Employment"),
    gettext_noop("Food"),
    gettext_noop("Hotline / crisis line"),
    gettext_noop("Law enforcement"),
    gettext_noop("Victim advocacy"),
    gettext_noop("Financial assistance"),
    gettext_noop("Education"),
    gettext_noop("Identity documents"),
    gettext_noop("Repatriation assistance"),
)


def service_type_codes() -> list[str]:
    from lantern.directory import taxonomy

    types = next(t for t in taxonomy.definition() if t["code"] == taxonomy.SERVICE_TYPES)
    return [term["code"] for term in types["terms"]]


def _columns(language: str | None = None) -> dict[str, dict[str, str]]:
    """The labels in ``language`` (by default the hotline's, never the request's)."""
    return _columns_in(language or settings.LANGUAGE_CODE)


@functools.cache
def _columns_in(language: str) -> dict[str, dict[str, str]]:
    with translation.override(language):
        return _column_labels()


def _column_labels() -> dict[str, dict[str, str]]:
    from lantern.assistance.choices import AssistanceRequestOrganizationTypeChoices
    from lantern.cases.choices import (
        CaseAgeBandChoices,
        CaseCitizenshipChoices,
        CaseControlMethodChoices,
        CaseGenderChoices,
        CaseTraffickingTypeChoices,
        ReferralStatusChoices,
    )
    from lantern.contacts.choices import (
        ContactAtRiskChoices,
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
        "call_type": {**of(ContactCallTypeChoices), "not_logged_yet": _("Not logged yet")},
        "caller_type": of(ContactCallerTypeChoices),
        "substantive": {"true": _("Substantive"), "false": _("Not substantive")},
        "at_risk": of(ContactAtRiskChoices),
        "trafficking_type": of(CaseTraffickingTypeChoices),
        "venue": of(VenueChoices),
        "control_method": of(CaseControlMethodChoices),
        "age_band": of(CaseAgeBandChoices),
        "minor": {"true": _("Minor"), "false": _("Adult"), "unknown": _("Not known")},
        "gender": of(CaseGenderChoices),
        "directly_supported": {
            "true": _("Directly supported"),
            "false": _("Not directly supported"),
            "unknown": _("Not recorded"),
        },
        "citizenship": of(CaseCitizenshipChoices),
        "outcome": of(ReferralStatusChoices),
        "service_type": {t["code"]: _(t["name"]) for t in types["terms"]},
        "tta_organization_type": of(AssistanceRequestOrganizationTypeChoices),
        "agency_type": {
            **of(OrganizationTypeChoices),
            "not_in_directory": _("Not in the directory"),
            "unknown": _("Not known"),
        },  # fmt: skip
    }


def column(kind: str, value: str, *, grouped: bool = False, language: str | None = None) -> str:
    """A column's label. In a release (``grouped``), "other" also holds the categories too rare
    to show alone; in staff's raw tables it is only what was recorded as "other"."""
    language = language or settings.LANGUAGE_CODE
    labels = _columns(language).get(kind, {})
    if value == "other":
        with translation.override(language):
            base = str(labels.get("other") or _("Other"))
            if grouped:
                return _("%(other)s (with categories too rare to show alone)") % {"other": base}
            return base
    if kind == "language":
        return _language(value, language)
    if kind == "tta_topic":  # the hotline's own topics: data, named by staff in each language
        return _tta_topics(language).get(value, value.replace("_", " ").capitalize())
    return labels.get(value, value.replace("_", " ").capitalize())


def _tta_topics(language: str) -> dict[str, str]:
    from lantern.assistance.queries import topics

    return {t.key: t.label(language) for t in topics(active_only=False)}


@functools.cache
def _language(tag: str, language: str = "en") -> str:
    """A language's name in ``language`` (in English where that name is not known)."""
    import langcodes

    try:
        name = langcodes.Language.get(tag).display_name(language)
    except (ValueError, LookupError, ImportError):
        try:
            name = langcodes.Language.get(tag).display_name()
        except (ValueError, LookupError):
            return tag
    return name


def row(value: str, *, language: str | None = None) -> str:
    """A row's label: a state, the nation, or an unknown state (a release's words are the
    hotline's language unless ``language`` says otherwise)."""
    from lantern.core.geo import USStateChoices

    with translation.override(language or settings.LANGUAGE_CODE):
        if value == NATIONAL:
            return _("United States")
        if value == "unknown":
            return _("State not known")
        return str(dict(USStateChoices.choices).get(value, value))


def known_columns(kind: str) -> set[str] | None:
    """The values a column may hold (None: any BCP 47 language tag, checked by shape)."""
    if kind == "language":
        return None
    if kind == "tta_topic":
        return set(_tta_topics(settings.LANGUAGE_CODE)) | {"unknown", "other"}
    return set(_columns()[kind]) | {"unknown", "other"}
