"""How a case's facts read in a sentence: counted people with plural forms, a place without gaps.

The console's case page and the agency's copy of a tip report (live or frozen at approval) both
use these, so "1 potential victim" and "Place: Wichita, Kansas" read the same everywhere and in
every language of the console.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import ngettext

from lantern.cases.choices import CaseControlMethodChoices, CasePartyRoleChoices
from lantern.core.geo import USStateChoices


def _role_code(role: str) -> str:
    """A party role as its code; a frozen agency copy stores the English (or then active) label."""
    if role in CasePartyRoleChoices.values:
        return role
    for code, label in CasePartyRoleChoices.choices:
        with translation.override("en"):
            english = str(label)
        if role.casefold() in (english.casefold(), str(label).casefold()):
            return code
    return role


def count_people(count: int, role: str) -> str:
    """``1 potential victim``, ``3 suspected traffickers`` (``role`` is a code or its label)."""
    code = _role_code(role)
    if code == CasePartyRoleChoices.POTENTIAL_VICTIM:
        text = ngettext("%(count)d potential victim", "%(count)d potential victims", count)
    elif code == CasePartyRoleChoices.SUSPECTED_TRAFFICKER:
        text = ngettext("%(count)d suspected trafficker", "%(count)d suspected traffickers", count)
    else:
        return f"{count} {role}"
    return text % {"count": count}


def control_method(code: str) -> str:
    """A method of control's label; an unknown (retired) code is shown as it was stored."""
    return str(dict(CaseControlMethodChoices.choices).get(code, code))


def place_line(city="", county="", state="", postal_code="") -> str:
    """``Wichita, Sedgwick County, Kansas 67202``: only the parts that are known, no stray commas.

    ``state`` may be a code (``KS``) or already a label (``Kansas``, in a frozen agency copy).
    """
    state = str(dict(USStateChoices.choices).get(state, state)) if state else ""
    parts = ", ".join(part for part in (city, county, state) if part)
    return " ".join(part for part in (parts, postal_code) if part)
