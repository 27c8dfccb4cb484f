"""Urgent work end to end: the crisis fast path of a tip report (a supervisor alone approves a
report about someone in immediate danger; an analyst reviews it afterwards), and 911 or the
police called during a contact."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lantern.accounts import rules
from lantern.cases.models import TipReport
from lantern.cases.reports import fast_path
from lantern.cases.reports import queries as report_queries
from lantern.cases.reports.actions import ReportError
from lantern.console import access
from lantern.contacts import queries as contact_queries
from lantern.contacts.choices import PoliceCallByChoices, PoliceCallToChoices
from lantern.contacts.exceptions import ContactValidationError
from lantern.contacts.models import Contact
from lantern.contacts.police_calls import do_record_police_call


class FastTrackForm(forms.Form):
    reason = forms.CharField(max_length=500, label=gettext_lazy("Why it cannot wait"))
    confirm_override = forms.BooleanField(required=False)


class ReviewAfterForm(forms.Form):
    comment = forms.CharField(max_length=2000, required=False)


class PoliceCallForm(forms.Form):
    called = forms.ChoiceField(choices=PoliceCallToChoices.choices,
                               label=gettext_lazy("Who was called"))  # fmt: skip
    called_by = forms.ChoiceField(choices=PoliceCallByChoices.choices,
                                  label=gettext_lazy("Who called"))  # fmt: skip
    called_at = forms.DateTimeField(label=gettext_lazy("When"),
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])  # fmt: skip


def _report(user, report_id) -> TipReport:
    try:
        return report_queries.access_report_for_user(user, report_id)
    except TipReport.DoesNotExist:
        raise Http404("No such report") from None


def police_calls_context(user, contact) -> dict:
    """What the contact page shows of its calls to 911 or the police, and the form's choices."""
    return {
        "police_calls": list(contact.police_calls.select_related("recorded_by")),
        "can_record_police_call": rules.allows(user, "record_police_call"),
        "police_call_to": PoliceCallToChoices.choices,
        "police_call_by": PoliceCallByChoices.choices,
        "now_local": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }


def _errors(form) -> str:
    return " ".join(f"{form.fields[f].label if f in form.fields else f}: {' '.join(e)}"
                    for f, e in form.errors.items())  # fmt: skip


@require_POST
def report_fast_track(request, report_id):
    report = _report(request.user, report_id)
    access.require(request.user, "fast_track_report", report)
    form = FastTrackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the report cannot wait for the usual review."))
    else:
        try:
            fast_path.do_fast_track_report(report, actor=request.user, **form.cleaned_data)
        except ReportError as exc:
            messages.error(request, " ".join(str(e) for e in exc.errors.values()))
        else:
            messages.success(
                request,
                _("Approved by the crisis fast path: send it now. A case analyst reviews it "
                  "afterwards."),
            )  # fmt: skip
            return redirect(reverse("console:report_detail", args=[report.pk]) + "#delivery")
    return redirect("console:report_detail", report_id=report.pk)


@require_POST
def report_review_after(request, report_id):
    report = _report(request.user, report_id)
    access.require(request.user, "review_report", report)
    form = ReviewAfterForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        fast_path.do_review_after_fast_path(report, actor=request.user, comment=comment)
    except ReportError as exc:
        messages.error(request, " ".join(str(e) for e in exc.errors.values()))
    else:
        messages.success(request, _("Your review after the fast path is recorded."))
    return redirect("console:report_detail", report_id=report.pk)


@require_POST
def contact_police_call(request, contact_id):
    try:
        contact = contact_queries.access_contact_for_user(request.user, contact_id, "view_contact")
    except Contact.DoesNotExist:
        raise Http404("No such contact") from None
    access.require(request.user, "record_police_call", contact)
    form = PoliceCallForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
    else:
        try:
            do_record_police_call(contact, actor=request.user, **form.cleaned_data)
        except ContactValidationError as exc:
            messages.error(request, " ".join(exc.errors.values()))
        else:
            messages.success(request, _("The call is recorded on the contact."))
    return redirect(reverse("console:contact_detail", args=[contact.pk]) + "#police-calls")
