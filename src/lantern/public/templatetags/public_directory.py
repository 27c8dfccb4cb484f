"""The public directory's words in the visitor's language: distances in miles (and km), opening
hours with the day names translated, languages named in the page's language, and hints."""

from __future__ import annotations

import re

import langcodes
from django import template
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

register = template.Library()

KM_PER_MILE = 1.609344
_DAYS = {
    "Mon": pgettext_lazy("weekday", "Mon"),
    "Tue": pgettext_lazy("weekday", "Tue"),
    "Wed": pgettext_lazy("weekday", "Wed"),
    "Thu": pgettext_lazy("weekday", "Thu"),
    "Fri": pgettext_lazy("weekday", "Fri"),
    "Sat": pgettext_lazy("weekday", "Sat"),
    "Sun": pgettext_lazy("weekday", "Sun"),
    "Daily": pgettext_lazy("weekday", "Daily"),
}
_DAY = re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Daily)\b")
_DATE = r"(\d{4}-\d{2}-\d{2})"
_BETWEEN = re.compile(rf"\({_DATE} to {_DATE}\)")
_FROM = re.compile(rf"\(from {_DATE}\)")
_UNTIL = re.compile(rf"\(until {_DATE}\)")


@register.filter
def public_hours(line: str) -> str:
    """One line of ``schedules.describe()`` ("Mon–Fri 09:00–17:00 (until 2027-01-31)") in the
    page's language. A provider's own free-text hours keep their words."""
    if line == "Open 24/7":
        return _("Open 24/7")
    line = _BETWEEN.sub(lambda m: _("(%(start)s to %(end)s)") % {"start": m[1], "end": m[2]}, line)
    line = _FROM.sub(lambda m: _("(from %(date)s)") % {"date": m[1]}, line)
    line = _UNTIL.sub(lambda m: _("(until %(date)s)") % {"date": m[1]}, line)
    line = line.replace(" open 24 hours", " " + _("open 24 hours"))
    line = line.replace("(next day)", _("(next day)"))
    return _DAY.sub(lambda m: str(_DAYS[m[0]]), line)


@register.filter
def public_languages(codes: list[str]) -> str:
    """``["es", "vi"]`` -> "Spanish, Vietnamese" named in the page's language."""
    names = []
    for code in codes:
        try:
            names.append(langcodes.Language.get(code).display_name(get_language() or "en"))
        except (ValueError, LookupError):
            names.append(code)
    return ", ".join(names)


@register.simple_tag
def public_distance(km: float) -> str:
    miles = km / KM_PER_MILE
    return _("About %(miles).1f miles (%(km).1f km)") % {"miles": miles, "km": km}


@register.simple_tag
def public_hint(hint) -> str:
    """A ``relax.Relaxation`` in the visitor's words; the kinds the public form cannot set do
    not occur."""
    if hint.field == "radius_km":
        miles = round(float(hint.value) / KM_PER_MILE)
        return _("Within %(miles)d miles: %(n)d") % {"miles": miles, "n": hint.total}
    words = {
        "open_now": _("Including places not open now: %(n)d"),
        "term": _("Any kind of help: %(n)d"),
        "language": _("Any language: %(n)d"),
    }
    return words.get(hint.field, "%(n)d") % {"n": hint.total}
