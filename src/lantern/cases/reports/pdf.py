"""The approved report as a PDF (fpdf2), printed from the frozen content and nothing else.

A Unicode font is used when one is found (``LANTERN_PDF_FONT``, else DejaVu Sans where Debian
puts it), so reports in any script print whole. Without one, the PDF falls back to Helvetica,
which has Latin-1 only: other characters print as "?" and the PDF says so, pointing at the
secure link, which always shows the full text.
"""

from __future__ import annotations

import os
from pathlib import Path

from fpdf import FPDF

_CANDIDATES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)
_MARGIN = 18


def _font_path() -> str | None:
    for candidate in (os.environ.get("LANTERN_PDF_FONT", ""), *_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


class _Writer:
    def __init__(self):
        self.pdf = FPDF(format="Letter")
        self.pdf.set_auto_page_break(auto=True, margin=_MARGIN)
        self.pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.pdf.set_creator("Lantern")
        font = _font_path()
        if font:
            self.pdf.add_font("body", "", font)
            self.family, self.unicode = "body", True
        else:
            self.family, self.unicode = "helvetica", False
        self.lossy = False
        self.pdf.add_page()

    def text(self, value: str) -> str:
        value = str(value)
        if self.unicode:
            return value
        safe = value.encode("latin-1", "replace").decode("latin-1")
        self.lossy = self.lossy or safe != value
        return safe

    def heading(self, value: str, size: int = 13) -> None:
        self.pdf.set_font(self.family, size=size)
        self.pdf.ln(3)
        self.pdf.multi_cell(0, size * 0.5, self.text(value), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def line(self, label: str, value) -> None:
        if value in ("", None, []):
            return
        self.pdf.set_font(self.family, size=10)
        text = f"{label}: {value}" if label else str(value)
        self.pdf.multi_cell(0, 5, self.text(text), new_x="LMARGIN", new_y="NEXT")


def render(content: dict, digest: str) -> bytes:
    """The PDF of ``content`` (``cases.reports.content.build``'s shape)."""
    w = _Writer()
    w.heading("Tip report from the hotline - confidential", 16)
    w.line("Report", content["report"])
    w.line("Hotline case", content["hotline_case"])
    w.line("To", content["to"])
    w.line("Urgency", content["urgency"])
    w.heading("Situation")
    w.line("Type of trafficking", content["trafficking_type"])
    w.line("Venue or industry", content["venue"])
    w.line("Indicators", ", ".join(content["indicators"]))
    place = content["place"]
    w.line("Place", ", ".join(v for v in (place["city"], place["county"], place["state"],
                                          place["postal_code"]) if v))  # fmt: skip
    w.line("Location detail", place["detail"])
    if content["people"]:
        w.heading("People (counted, no names)")
        for p in content["people"]:
            minor = " (minor)" if p["minor"] else ""
            nationality = f", {p['nationality']}" if p["nationality"] else ""
            w.line("", f"{p['count']} {p['role'].lower()}: {p['age_band']}{minor}, "
                       f"{p['gender']}, {p['citizenship']}{nationality}")  # fmt: skip
    w.heading("What the hotline learned")
    w.line("", content["facts"])
    if "personal_details" in content:
        w.heading("Personal details (shared under the basis below)")
        w.line("", content["personal_details"])
    w.heading("Basis for sharing")
    w.line("", content["consent"])
    w.pdf.ln(4)
    w.line("Fingerprint of the approved text (SHA-256)", digest)
    if w.lossy:
        w.line("", "Some characters could not be printed in this PDF. The secure link shows "
                   "the full text.")  # fmt: skip
    return bytes(w.pdf.output())


def content_disposition(report) -> str:
    """The download header for a report's PDF (the console's and the agency's)."""
    return f'attachment; filename="tip-report-{report.short_id}.pdf"'
