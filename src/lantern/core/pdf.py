"""PDF documents (fpdf2) in a font that prints every script when one is installed.

A Unicode font is used when one is found (``LANTERN_PDF_FONT``, else DejaVu Sans where Debian
puts it). Without one, documents fall back to Helvetica, which has Latin-1 only: other
characters print as "?" and ``Document.lossy`` says so, for the document to tell its reader.
"""

from __future__ import annotations

import os
from pathlib import Path

from fpdf import FPDF

_CANDIDATES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)
MARGIN = 18


def font_path() -> str | None:
    for candidate in (os.environ.get("LANTERN_PDF_FONT", ""), *_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


class Document:
    """A Letter-size document with headings and wrapped lines."""

    def __init__(self, title: str):
        self.pdf = FPDF(format="Letter")
        self.pdf.set_auto_page_break(auto=True, margin=MARGIN)
        self.pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf.set_creator("Lantern")
        self.pdf.set_title(title)
        font = font_path()
        if font:
            self.pdf.add_font("body", "", font)
            self.family, self.unicode = "body", True
        else:
            self.family, self.unicode = "helvetica", False
        self.lossy = False
        self.pdf.add_page()

    def text(self, value) -> str:
        """``value`` as the font can print it: a character it has no glyph for becomes "?" and
        marks the document ``lossy`` (left to fpdf2, it would be dropped silently and logged:
        the log must never hold a document's text)."""
        value = str(value)
        if self.unicode:
            cmap = self.pdf.fonts[self.family].cmap
            safe = "".join(c if ord(c) in cmap or c in "\n\t" else "?" for c in value)
        else:
            safe = value.encode("latin-1", "replace").decode("latin-1")
        self.lossy = self.lossy or safe != value
        return safe

    def heading(self, value: str, size: int = 13) -> None:
        self.pdf.set_font(self.family, size=size)
        self.pdf.ln(3)
        self.pdf.multi_cell(0, size * 0.5, self.text(value), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def line(self, label: str, value, size: int = 10) -> None:
        if value in ("", None, []):
            return
        self.pdf.set_font(self.family, size=size)
        text = f"{label}: {value}" if label else str(value)
        self.pdf.multi_cell(0, 5, self.text(text), new_x="LMARGIN", new_y="NEXT")

    def output(self) -> bytes:
        return bytes(self.pdf.output())
