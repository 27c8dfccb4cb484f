"""A release's files: one CSV per table, the whole release as JSON, and a report (HTML with
charts, and PDF). Everything is written from the release's stored, protected tables: nothing
here reads the hotline's records.

CSV layout (one line per cell): the row (``state`` code and ``state_name``, or ``nation``),
the column's value and label (``channel``, ``channel_label``), the count in a column named for
what it counts (``contacts``, ``cases``, ``potential_victims``, ...), and ``suppressed``
("yes" where the count is withheld). Totals are lines whose column value is ``total`` and,
for the whole country, whose state is ``US``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from lantern.core import spreadsheet
from lantern.core.pdf import Document
from lantern.stats import charts, labels, tables


def national(table: dict) -> list[tuple[str, int | None]]:
    """The table's figures for the whole country: (column label, count or None)."""
    cells = table["totals"]["cells"] if "totals" in table else table["rows"][0]["cells"]
    return [(c["label"], v) for c, v in zip(table["columns"], cells, strict=True)]


def by_state(table: dict) -> dict[str, int | None]:
    """Row totals of a by-state partition table: state code -> count or None."""
    if table["row"] != "state" or not table["partition"]:
        return {}
    return {row["value"]: row["total"] for row in table["rows"]}


def csv_for(table: dict) -> str:
    out = io.StringIO()
    writer = spreadsheet.writer(out, lineterminator="\n")
    row_kind, col_kind, unit = table["row"], table["column"], table["unit"]
    writer.writerow(
        [row_kind, f"{row_kind}_name", col_kind, f"{col_kind}_label", unit, "suppressed"]
    )

    def line(code, name, value, label, count):
        writer.writerow(
            [
                code,
                name,
                value,
                label,
                "" if count is None else count,
                "yes" if count is None else "",
            ]
        )

    for row in table["rows"]:
        code = "US" if row["value"] == "all" else row["value"]
        for column, count in zip(table["columns"], row["cells"], strict=True):
            line(code, row["label"], column["value"], column["label"], count)
        if "total" in row:
            line(code, row["label"], "total", "Total", row["total"])
    if "totals" in table:
        for column, count in zip(table["columns"], table["totals"]["cells"], strict=True):
            line("US", "United States", column["value"], column["label"], count)
        line("US", "United States", "total", "Total", table["totals"]["total"])
    return out.getvalue()


def release_json(release) -> str:
    return json.dumps(
        {
            "year": release.year,
            "mode": release.mode,
            "threshold": release.threshold,
            "epsilon": release.epsilon,
            "sha256": release.digest,
            "approved": release.approved_at.isoformat() if release.approved_at else None,
            "tables": release.tables,
        },
        indent=1,
        ensure_ascii=False,
    )


def localized(table: dict, language: str | None = None) -> dict:
    """A published table with its words in ``language`` (the active one by default): its title,
    unit, row and column labels, from the codes the release stores beside its own words. The
    counts, and the stored release its digest covers, are unchanged."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    spec = tables.TABLES.get(table["key"])
    with translation.override(language):
        out = {
            **table,
            "title": str(spec.title) if spec else table["title"],
            "unit_label": str(tables.UNITS.get(table["unit"], table["unit"].replace("_", " "))),
            "columns": [
                {
                    **c,
                    "label": labels.column(
                        table["column"], c["value"], grouped=True, language=language
                    ),
                }  # fmt: skip
                for c in table["columns"]
            ],
            "rows": [
                {**r, "label": labels.row(r["value"], language=language)} for r in table["rows"]
            ],  # fmt: skip
        }
    return out


def chart_context(release) -> dict:
    """What a release's page shows, in the reader's language."""
    shown = [localized(table) for table in release.tables]
    items = [
        {
            "table": table,
            "chart": charts.bars(
                table["title"], national(table), unit=table["unit_label"], below=release.threshold
            ),
        }
        for table in shown
    ]
    maps = []
    for key, title in (
        ("contacts_by_channel", _("Contacts by state")),
        ("cases_by_type", _("Cases by state")),
    ):
        table = next((t for t in shown if t["key"] == key), None)
        if table:
            maps.append((title, charts.tile_map(title, by_state(table), unit=table["unit_label"])))
    return {"release": release, "tables": items, "maps": maps}


def html_report(release) -> str:
    return render_to_string("stats/report.html", chart_context(release))


def pdf_report(release) -> bytes:
    doc = Document(f"Hotline statistics {release.year}")
    doc.heading(f"Hotline statistics {release.year}", 16)
    doc.line("", _protection_note(release))
    pdf = doc.pdf
    for table in release.tables:
        doc.heading(table["title"])
        items = national(table)
        top = max([v for _, v in items if v], default=0) or 1
        for label, value in items:
            pdf.set_font(doc.family, size=9)
            y = pdf.get_y()
            if y > pdf.h - 30:
                pdf.add_page()
                y = pdf.get_y()
            pdf.set_xy(18, y)
            pdf.cell(70, 5, doc.text(label)[:45])
            if value is None:
                pdf.set_fill_color(200, 200, 200)
                pdf.rect(90, y + 1, 12, 3.5, style="F")
                pdf.set_xy(104, y)
                pdf.cell(0, 5, "suppressed")
            else:
                pdf.set_fill_color(31, 78, 121)
                width = max(0.5, 80 * value / top) if value else 0
                if width:
                    pdf.rect(90, y + 1, width, 3.5, style="F")
                pdf.set_xy(92 + width, y)
                pdf.cell(0, 5, f"{value:,}")
            pdf.set_y(y + 5)
    doc.line("", f"SHA-256 of the published tables: {release.digest}", size=8)
    if doc.lossy:
        doc.line("", "Some characters could not be printed in this PDF; the CSV files hold them.")
    return doc.output()


def _protection_note(release) -> str:
    if release.mode == "dp":
        return (
            f"Counts carry random noise (differential privacy; epsilon {release.epsilon:g} "
            f"spent by this release). Counts under {release.threshold} are not shown."
        )
    return (
        f"Counts under {release.threshold} are suppressed, with further counts withheld so "
        "that none can be worked out from the totals. Rare categories are grouped as "
        "'other'."
    )


def write(release, out_dir: Path) -> list[Path]:
    """Every file of the release into ``out_dir``, in the hotline's language; returns their
    paths."""
    with translation.override(settings.LANGUAGE_CODE):
        return _write(release, out_dir)


def _write(release, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table in release.tables:
        path = out_dir / f"{table['key']}.csv"
        path.write_text(csv_for(table), encoding="utf-8")
        written.append(path)
    for name, content in (
        ("release.json", release_json(release)),
        ("report.html", html_report(release)),
    ):
        (out_dir / name).write_text(content, encoding="utf-8")
        written.append(out_dir / name)
    (out_dir / "report.pdf").write_bytes(pdf_report(release))
    written.append(out_dir / "report.pdf")
    return written
