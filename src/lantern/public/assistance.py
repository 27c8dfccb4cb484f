"""The public T&TA request form (/assistance/): a professional asks the hotline for training,
advice or materials. It goes through the same gate as the tip form (``guard``); the page after
shows the reference number and the date the hotline promises to answer by, from the session,
never in the address."""

from __future__ import annotations

from datetime import date

from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lantern.assistance import actions, queries
from lantern.assistance.choices import AssistanceRequestSourceChoices
from lantern.assistance.exceptions import AssistanceError, DuplicateRequest
from lantern.assistance.forms import AssistanceRequestForm
from lantern.public import guard

SENT = "lantern_assistance_sent"  # the reference, due date and urgency just given


@never_cache
@require_http_methods(["GET", "POST"])
def assistance(request):
    form = AssistanceRequestForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        key, response, error = guard.gate(
            request, queries.submission_received, "public:assistance_sent"
        )
        if response is not None:
            return response
        if not error and form.is_valid():
            data = {**form.cleaned_data, "language": get_language()}
            try:
                item = actions.do_create_assistance_request(
                    data, actor="public", source=AssistanceRequestSourceChoices.PUBLIC_FORM,
                    submission_key=key,
                )  # fmt: skip
            except DuplicateRequest:
                return redirect("public:assistance_sent")
            except AssistanceError as exc:
                form.add_action_errors(exc.errors)
            else:
                guard.opened(request)
                request.session[SENT] = [item.reference, item.due_on.isoformat(), item.urgent]
                return redirect("public:assistance_sent")
        status = 400
    context = {"form": form, "error": error, **guard.form_context()}
    return render(request, "public/assistance_form.html", context, status=status)


@never_cache
@require_http_methods(["GET"])
def assistance_sent(request):
    """After sending (post/redirect/get): the reference and the promised date while this
    browser session lasts; reloading files nothing."""
    reference, due, urgent = request.session.get(SENT) or ("", "", False)
    context = {"reference": reference, "due": date.fromisoformat(due) if reference else None,
               "urgent": urgent}  # fmt: skip
    return render(request, "public/assistance_sent.html", context)
