"""The approved report as a PDF, printed from the frozen content and nothing else.

Fonts as ``lantern.core.pdf`` finds them: without a Unicode font, characters outside Latin-1
print as "?" and the PDF says so, pointing at the secure link, which always shows the full
text.
"""

from __future__ import annotations

from lantern.cases.wording import count_people, place_line
from lantern.core.pdf import Document


def render(content: dict, digest: str) -> bytes:
    """The PDF of ``content`` (``cases.reports.content.build``'s shape)."""
    w = Document("Tip report")
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
    parts = (place["city"], place["county"], place["state"], place["postal_code"])
    w.line("Place", place_line(*parts))
    w.line("Location detail", place["detail"])
    if content["people"]:
        w.heading("People (counted, no names)")
        for p in content["people"]:
            minor = " (minor)" if p["minor"] else ""
            nationality = f", {p['nationality']}" if p["nationality"] else ""
            w.line("", f"{count_people(p['count'], p['role'])}: {p['age_band']}{minor}, "
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
    return w.output()


def content_disposition(report) -> str:
    """The download header for a report's PDF (the console's and the agency's)."""
    return f'attachment; filename="tip-report-{report.short_id}.pdf"'
