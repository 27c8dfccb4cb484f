"""The hotline's report settings (``cases/data/reports.yaml`` or ``LANTERN_REPORTS_FILE``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lantern.core import datafiles

DEFAULT_FILE = Path(__file__).parent.parent / "data" / "reports.yaml"
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@dataclass(frozen=True)
class Override:
    code: str
    label: str
    needs_state: bool = False


@dataclass(frozen=True)
class ReportSettings:
    overrides: dict[str, Override]
    link_hours: int
    distinct_reviewer: bool

    def choices(self) -> list[tuple[str, str]]:
        return [(o.code, o.label) for o in self.overrides.values()]


def parse(document, source: str = "report settings") -> ReportSettings:
    if not isinstance(document, dict):
        raise ImproperlyConfigured(f"{source}: expected 'overrides', 'link_hours', ...")
    raw = document.get("overrides")
    if not isinstance(raw, list) or not raw:
        raise ImproperlyConfigured(f"{source}: 'overrides' is a list of reasons (code, label)")
    overrides = {}
    for item in raw:
        if not isinstance(item, dict) or not _CODE.match(str(item.get("code", ""))):
            raise ImproperlyConfigured(f"{source}: each override needs a lowercase 'code'")
        if not str(item.get("label", "")).strip():
            raise ImproperlyConfigured(f"{source}: override {item['code']} needs a 'label'")
        if item["code"] in overrides:
            raise ImproperlyConfigured(f"{source}: override {item['code']} is listed twice")
        overrides[item["code"]] = Override(
            item["code"], str(item["label"]).strip(), bool(item.get("needs_state", False))
        )
    hours = document.get("link_hours", 72)
    if not isinstance(hours, int) or not 1 <= hours <= 24 * 30:
        raise ImproperlyConfigured(f"{source}: link_hours is a whole number from 1 to 720")
    return ReportSettings(overrides, hours, bool(document.get("distinct_reviewer", True)))


def current() -> ReportSettings:
    return datafiles.load("LANTERN_REPORTS_FILE", DEFAULT_FILE, parse)


# The outbound queue's kind for emailed agency links (cases.reports.link_email sends them).
LINK_EMAIL_KIND = "agency_link_email"


def link_email_sender() -> str:
    """Who an emailed agency link comes from: ``LANTERN_AGENCY_EMAIL_FROM``, else the
    hotline's first email address; empty when neither is set (links are then not emailed)."""
    if settings.LANTERN_AGENCY_EMAIL_FROM:
        return settings.LANTERN_AGENCY_EMAIL_FROM
    return settings.LANTERN_EMAIL_ADDRESSES[0] if settings.LANTERN_EMAIL_ADDRESSES else ""
