"""Legal holds in the console (issue 22): a supervisor holds a contact or a case past its
retention schedule, with a reason and a review date, and releases it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantern.cases import actions as case_actions
from lantern.cases import queries as case_queries
from lantern.console import access
from lantern.console.forms import LegalHoldForm, LegalHoldRangeForm
from lantern.core.errors import InvalidInput


def _place(request, form_class=LegalHoldForm, **target) -> None:
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return
    data = form.cleaned_data
    if form_class is LegalHoldRangeForm:
        target = {"received_from": data["received_from"], "received_until": data["received_until"]}
    try:
        case_actions.do_place_hold(
            actor=request.user, reason=data["reason"], review_on=data["review_on"], **target
        )
    except InvalidInput as exc:
        messages.error(request, " ".join(exc.errors.values()))
    else:
        messages.success(
            request, _("Held: retention skips these records until the hold is released.")
        )


@require_POST
def contact_hold(request, contact_id):
    contact = access.contact(request.user, contact_id)
    access.require(request.user, "place_legal_hold")
    _place(request, contact=contact)
    return redirect("console:contact_detail", contact_id=contact.pk)


@require_POST
def case_hold(request, case_id):
    case = access.case(request.user, case_id)
    access.require(request.user, "place_legal_hold")
    _place(request, case=case)
    return redirect("console:case_detail", case_id=case.pk)


@require_POST
def range_hold(request):
    """Hold every contact received in a range of dates (from the home screen)."""
    access.require(request.user, "place_legal_hold")
    _place(request, LegalHoldRangeForm)
    return redirect("console:home")


@require_POST
def hold_release(request, hold_id):
    access.require(request.user, "place_legal_hold")
    hold = case_queries.legal_hold(hold_id)
    if hold is None:
        raise Http404("No such hold")
    case_actions.do_release_hold(hold, actor=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("Released: the retention schedule applies again."))
    if hold.contact_id:
        return redirect("console:contact_detail", contact_id=hold.contact_id)
    if hold.case_id:
        return redirect("console:case_detail", case_id=hold.case_id)
    return redirect("console:home")
