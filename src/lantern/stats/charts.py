"""Charts as inline SVG, drawn on the server: no script, no third-party asset, readable by
screen readers (each chart has a title and a text table beside it).

``bars`` draws a horizontal bar chart; ``tile_map`` draws the United States as a grid of equal
tiles (one per state, DC and Puerto Rico, placed like the map), shaded by a count. Suppressed
values are drawn hatched and labelled, never as zero.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.translation import gettext as _

# (column, row) of each state on a 12 x 8 tile grid, laid out like the map
TILES = {
    "AK": (0, 0),
    "ME": (11, 0),
    "VT": (10, 1),
    "NH": (11, 1),
    "WA": (1, 2),
    "ID": (2, 2),
    "MT": (3, 2),
    "ND": (4, 2),
    "MN": (5, 2),
    "IL": (6, 2),
    "WI": (7, 2),
    "MI": (8, 2),
    "NY": (9, 2),
    "RI": (10, 2),
    "MA": (11, 2),
    "OR": (1, 3),
    "NV": (2, 3),
    "WY": (3, 3),
    "SD": (4, 3),
    "IA": (5, 3),
    "IN": (6, 3),
    "OH": (7, 3),
    "PA": (8, 3),
    "NJ": (9, 3),
    "CT": (10, 3),
    "CA": (1, 4),
    "UT": (2, 4),
    "CO": (3, 4),
    "NE": (4, 4),
    "MO": (5, 4),
    "KY": (6, 4),
    "WV": (7, 4),
    "VA": (8, 4),
    "MD": (9, 4),
    "DE": (10, 4),
    "AZ": (2, 5),
    "NM": (3, 5),
    "KS": (4, 5),
    "AR": (5, 5),
    "TN": (6, 5),
    "NC": (7, 5),
    "SC": (8, 5),
    "DC": (9, 5),
    "OK": (4, 6),
    "LA": (5, 6),
    "MS": (6, 6),
    "AL": (7, 6),
    "GA": (8, 6),
    "HI": (0, 7),
    "TX": (4, 7),
    "FL": (9, 7),
    "PR": (11, 7),
}
_HATCH = (
    '<defs><pattern id="suppressed" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#eee"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#999" stroke-width="2"/></pattern></defs>'
)


def _count(value: int) -> str:
    """A count in the reader's locale (1,234 or 1.234)."""
    return number_format(value, force_grouping=True)


def bars(title: str, items: list[tuple[str, int | None]], *, unit: str, below: int) -> str:
    """``items``: (label, count or None when suppressed), drawn in the order given; a suppressed
    count is hatched and labelled (the page's note says what ``below`` the threshold means).

    Each label sits on its own line above its bar, so the chart is narrow (320 units): on a
    390 px phone it is drawn at least at its own size and its 12-unit labels stay >= 12 px
    (the stylesheets give ``svg.chart`` a 320 px minimum width).
    """
    width, bar_w, row_h = 320, 200, 38
    top = max([v for _, v in items if v is not None], default=0) or 1
    height = row_h * len(items) + 6
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        _HATCH,
    ]
    for n, (label, value) in enumerate(items):
        y = 4 + n * row_h
        parts.append(f'<text x="0" y="{y + 12}" font-size="12">{escape(label)}</text>')
        if value is None:
            parts.append(
                f'<rect x="0" y="{y + 17}" width="30" height="14" fill="url(#suppressed)"/>'
                f'<text x="38" y="{y + 29}" font-size="12">{escape(_("suppressed"))}</text>'
            )
            continue
        w = max(1, round(bar_w * value / top)) if value else 0
        parts.append(
            f'<rect x="0" y="{y + 17}" width="{w}" height="14" fill="#1f4e79"/>'
            f'<text x="{w + 6}" y="{y + 29}" font-size="12">{_count(value)} {escape(unit)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def tile_map(title: str, values: dict[str, int | None], *, unit: str) -> str:
    """A state is darker the higher its count; a suppressed state is hatched.

    Labels are 21 units on a 576-unit grid: drawn at 330 px or wider (its stylesheet minimum),
    they stay >= 12 px on a phone.
    """
    size, gap = 44, 4
    top = max([v for v in values.values() if v], default=0) or 1
    parts = [
        f'<svg class="chart map" role="img" viewBox="0 0 {12 * (size + gap)} '
        f'{8 * (size + gap)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}'
        "</title>",
        _HATCH,
    ]
    for state, (col, row) in TILES.items():
        x, y = col * (size + gap), row * (size + gap)
        value = values.get(state, 0)
        if value is None:
            fill, shown = "url(#suppressed)", _("suppressed")
        else:
            shade = 0.12 + 0.88 * (value / top) if value else 0.04
            fill, shown = f"rgba(31,78,121,{shade:.2f})", f"{_count(value)} {unit}"
        ink = "#fff" if value and value / top > 0.5 else "#111"
        parts.append(
            f'<g><title>{state}: {escape(shown)}</title><rect x="{x}" y="{y}" '
            f'width="{size}" height="{size}" rx="4" fill="{fill}"/><text x="{x + size / 2}" '
            f'y="{y + size / 2 + 7}" text-anchor="middle" font-size="21" '
            f'fill="{ink}">{state}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
