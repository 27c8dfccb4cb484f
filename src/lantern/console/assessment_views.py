"""The hotline self-assessment (issue 23 part 3): supervisors and administrators read it with
Lantern's evidence filled in and print it; administrators answer it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lantern.accounts import rules
from lantern.assessment import actions, queries
from lantern.assessment.choices import AnswerChoices
from lantern.assessment.criteria import CRITERIA
from lantern.assessment.printing import report_pdf
from lantern.console import access


def _posted(post) -> dict:
    """The criteria the form sent (a criterion absent from the POST is left as it is)."""
    return {
        c.key: (post.get(f"{c.key}-answer", ""), post.get(f"{c.key}-note", ""))
        for c in CRITERIA
        if f"{c.key}-answer" in post or f"{c.key}-note" in post
    }


@require_http_methods(["GET", "HEAD", "POST"])
def assessment_page(request):
    access.require(request.user, "view_self_assessment")
    errors, posted = {}, {}
    if request.method == "POST":
        access.require(request.user, "answer_self_assessment")
        posted = _posted(request.POST)
        try:
            changed = actions.do_answer_self_assessment(posted, actor=request.user)
        except actions.AssessmentError as exc:
            errors = exc.errors
        else:
            messages.success(request, _("Answers saved (%(n)s changed).") % {"n": changed})
            return redirect("console:assessment")
    report = queries.report()
    for row in report.rows:  # a refused form shows what was typed, not what is stored
        if row.criterion.key in posted:
            row.answer, row.note = posted[row.criterion.key]
    return render(
        request,
        "console/assessment.html",
        {
            "report": report,
            "errors": errors,
            "choices": AnswerChoices.choices,
            "can_answer": rules.allows(request.user, "answer_self_assessment"),
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "HEAD"])
def assessment_pdf(request):
    access.require(request.user, "view_self_assessment")
    response = HttpResponse(report_pdf(queries.report()), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="self-assessment.pdf"'
    response["Cache-Control"] = "no-store"
    return response
