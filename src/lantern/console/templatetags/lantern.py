from datetime import timedelta

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from lantern.contacts.choices import (
    ContactAtRiskChoices,
    ContactCallerTypeChoices,
    ContactCallTypeChoices,
    ContactChannelChoices,
    ContactHeardAboutChoices,
)
from lantern.core.geo import USStateChoices
from lantern.core.language import language_name
from lantern.core.phone import format_phone

register = template.Library()

_LABELS = {
    "channel": dict(ContactChannelChoices.choices),
    "call_type": dict(ContactCallTypeChoices.choices),
    "caller_type": dict(ContactCallerTypeChoices.choices),
    "at_risk": dict(ContactAtRiskChoices.choices),
    "heard_about": dict(ContactHeardAboutChoices.choices),
    "state": dict(USStateChoices.choices),
}


@register.filter
def phone(value):
    """E.164 to a readable international number; masked values pass through."""
    if not value or not str(value).startswith("+") or "*" in str(value):
        return value
    return format_phone(value)


@register.filter
def label(value, vocabulary):
    return _LABELS[vocabulary].get(value, value)


@register.filter
def language(tag):
    return language_name(tag) if tag else ""


@register.filter
def distance(km):
    """``12.34`` -> ``12.3 km (7.7 mi)``: U.S. callers think in miles."""
    if km is None or km == "":
        return ""
    km = float(km)
    return f"{number_format(km, 1)} km ({number_format(km * 0.621371, 1)} mi)"


@register.filter
def duration(delta):
    """A wait: ``45 s``, ``12 min``, ``3 h 05 min``, ``2 days``."""
    if delta is None:
        return ""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return gettext("%(s)d s") % {"s": seconds}
    if seconds < 3600:
        return gettext("%(m)d min") % {"m": seconds // 60}
    if seconds < 2 * 86400:
        return gettext("%(h)d h %(m)02d min") % {"h": seconds // 3600, "m": seconds % 3600 // 60}
    days = seconds // 86400
    return ngettext("%(d)d day", "%(d)d days", days) % {"d": days}


@register.filter
def seconds(value):
    """A number of seconds as a wait (``45 s``, ``12 min``); empty for None."""
    if value is None:
        return "–"
    return duration(timedelta(seconds=float(value)))


@register.filter
def percent(share):
    """0.884 -> ``88.4%``."""
    if share is None:
        return "–"
    return f"{number_format(share * 100, 1)}%"


@register.filter
def get_item(mapping, key):
    """``{{ counts|get_item:channel }}``: a dict's value for a key held in a variable."""
    return mapping.get(key) if hasattr(mapping, "get") else None
