"""When a directory search finds nothing: which single filter to relax, and what that gives.

An advocate on a call who sees "0 results" for an emergency shelter must not conclude there is
none: the nearest may be 220 km away, or open tomorrow morning. ``relaxations(user, query)``
runs the same search once per filter with only that filter relaxed and returns, for each that
finds something, how many results it gives ("3 within 160 km", "5 not open now"), best first.
It costs one search per filter in use, and runs only for a search that found nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.utils.translation import ngettext_lazy

from lantern.directory.search import MAX_RADIUS_KM, DirectoryQuery, search

# the radii an advocate can pick, in km; wider ones are tried in this order
WIDER_RADII = (80.0, 160.0, MAX_RADIUS_KM)


@dataclass(frozen=True)
class Relaxation:
    field: str  # the parameter to change: "radius_km", "open_now", "term", ...
    value: str  # its new value ("" to clear it)
    total: int  # results the search then gives
    label: str  # "3 within 160 km"


# (parameter, DirectoryQuery attribute, its relaxed value, label)
_SINGLE = (
    ("open_now", "open_now", False,
     ngettext_lazy("%(n)d result not open now", "%(n)d results not open now", "n")),
    ("available_24_7", "available_24_7", False,
     ngettext_lazy("%(n)d result without the 24/7 filter",
                   "%(n)d results without the 24/7 filter", "n")),
    ("term", "terms", (),
     ngettext_lazy("%(n)d result of any service type", "%(n)d results of any service type", "n")),
    ("language", "language", "",
     ngettext_lazy("%(n)d result in any language", "%(n)d results in any language", "n")),
    ("population", "populations", (),
     ngettext_lazy("%(n)d result serving anyone", "%(n)d results serving anyone", "n")),
    ("age", "age", None,
     ngettext_lazy("%(n)d result for any age", "%(n)d results for any age", "n")),
    ("organization_type", "organization_type", "",
     ngettext_lazy("%(n)d result of any organization type",
                   "%(n)d results of any organization type", "n")),
    ("verified_within_months", "verified_within_months", None,
     ngettext_lazy("%(n)d result verified at any time", "%(n)d results verified at any time", "n")),
    ("q", "text", "",
     ngettext_lazy("%(n)d result without the search words",
                   "%(n)d results without the search words", "n")),
)  # fmt: skip
_WIDER = ngettext_lazy("%(n)d result within %(km)d km", "%(n)d results within %(km)d km", "n")


def _count(user, query: DirectoryQuery) -> int:
    return search(user, dataclasses.replace(query, page=1, per_page=1)).total


def relaxations(user, query: DirectoryQuery) -> list[Relaxation]:
    """Single-filter relaxations of ``query`` that find something, most results first."""
    out: list[Relaxation] = []
    located = bool(query.postal_code or query.city or query.latitude is not None)
    if located:
        for radius in WIDER_RADII:
            if radius <= query.radius_km:
                continue
            total = _count(user, dataclasses.replace(query, radius_km=radius))
            if total:
                label = _WIDER % {"n": total, "km": radius}
                out.append(Relaxation("radius_km", f"{radius:g}", total, label))
                break
    for field, attr, cleared, label in _SINGLE:
        if getattr(query, attr) in (cleared, None, "", (), False):
            continue
        total = _count(user, dataclasses.replace(query, **{attr: cleared}))
        if total:
            out.append(Relaxation(field, "", total, label % {"n": total}))
    return sorted(out, key=lambda r: -r.total)
