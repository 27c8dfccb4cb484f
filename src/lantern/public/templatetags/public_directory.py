"""The public directory's words in the visitor's language: distances in miles (and km),
languages named in the page's language, and hints. (Opening hours come translated from
``directory.schedules.describe``.)"""

from __future__ import annotations

import langcodes
from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

KM_PER_MILE = 1.609344


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
