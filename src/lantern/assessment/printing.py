"""The self-assessment as a PDF an administrator prints or sends to a funder or partner."""

from __future__ import annotations

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lantern.assessment.queries import Report
from lantern.core.pdf import Document


def report_pdf(report: Report) -> bytes:
    title = _("%(hotline)s: hotline self-assessment") % {"hotline": settings.LANTERN_HOTLINE_NAME}
    doc = Document(title)
    doc.heading(title, size=16)
    doc.line(_("Prepared"), date_format(report.today, "DATE_FORMAT"))
    doc.line(
        _("Answered"),
        _("%(answered)s of %(total)s criteria: %(yes)s yes, %(partly)s partly, %(no)s no") % {
            "answered": report.answered, "total": len(report.rows), "yes": report.count("yes"),
            "partly": report.count("partly"), "no": report.count("no"),
        },
    )  # fmt: skip
    doc.line(
        "",
        _("Evidence that counts activity covers %(since)s to %(today)s.") % {
            "since": date_format(report.since, "DATE_FORMAT"),
            "today": date_format(report.today, "DATE_FORMAT"),
        },
    )  # fmt: skip
    for number, row in enumerate(report.rows, 1):
        doc.heading(f"{number}. {row.criterion.question}", size=12)
        doc.line(_("Answer"), row.answer_label or _("Not answered yet"))
        if row.note:
            doc.line(_("How the hotline does it"), row.note)
        if row.answer and row.answered_by:
            doc.line(_("Answered by"), f"{row.answered_by}, "
                     f"{date_format(row.answered_at.date(), 'DATE_FORMAT')}")  # fmt: skip
        doc.line(_("Evidence needed"), row.criterion.evidence_needed, size=9)
        if row.facts:
            doc.line("", _("What Lantern records:"), size=9)
            for fact in row.facts:
                doc.line(f"  {fact.label}", fact.value, size=9)
        else:
            doc.line("", _("Lantern records nothing for this yet: attach your own evidence."),
                     size=9)  # fmt: skip
    if doc.lossy:
        doc.line("", _("Some characters could not be printed in this PDF."))
    return doc.output()
