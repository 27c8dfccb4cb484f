"""Template filters for case wording: ``{% load cases %}`` then ``{{ p.count|people:p.role }}``."""

from django import template

from lantern.cases import wording

register = template.Library()


@register.filter
def people(count, role):
    """``{{ 1|people:"potential_victim" }}`` -> ``1 potential victim`` (plurals by language)."""
    return wording.count_people(int(count or 0), str(role))


@register.filter
def control_method(code):
    return wording.control_method(code)


@register.filter
def place(value):
    """A case or an agency copy's ``place`` dict as one line with only its known parts."""

    def get(name):
        found = value.get(name) if isinstance(value, dict) else getattr(value, name, "")
        return found or ""

    return wording.place_line(get("city"), get("county"), get("state"), get("postal_code"))
