"""A person asks what the hotline holds about them (issue 22): a supervisor finds every contact
reached from their phone number or email address, through the blind indexes, with the holds that
keep each one. The search is posted, never put in an address, and audited without the number.
From the list a supervisor shreds the chosen contacts, or prepares a copy for the person that a
second supervisor reads and approves before it is released once (``cases.person_requests``)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from lantern.accounts import rules
from lantern.cases import person_bundle, person_requests
from lantern.cases import queries as case_queries
from lantern.cases.choices import PersonExportStateChoices as ExportState
from lantern.console import access
from lantern.contacts import queries as contact_queries
from lantern.core.errors import InvalidInput
from lantern.core.phone import normalize_phone


class PersonRecordsForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("Phone number"), max_length=40, required=False)
    email = forms.EmailField(label=gettext_lazy("Email address"), max_length=254, required=False)
    reason = forms.CharField(
        label=gettext_lazy("Why (for the audit trail)"), max_length=300,
        help_text=gettext_lazy("For example: the person's request of 3 March, by letter."),
    )  # fmt: skip

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone:
            try:
                normalize_phone(phone)
            except ValueError:
                raise forms.ValidationError(_("That is not a phone number we can read.")) from None
        return phone

    def clean(self):
        data = super().clean()
        if not (data.get("phone") or "").strip() and not data.get("email"):
            raise forms.ValidationError(_("Give a phone number or an email address."))
        return data


def person_records(request):
    access.require(request.user, "find_person_records")
    form = PersonRecordsForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contacts = contact_queries.person_records(
            request.user, phone=data["phone"].strip(), email=data["email"], reason=data["reason"]
        )
        found = [(contact, case_queries.holds_for_contact(contact)) for contact in contacts]
    return render(
        request,
        "console/person_records.html",
        {"form": form, "found": found, "limit": contact_queries.PERSON_RECORDS_LIMIT,
         "can_shred": rules.allows(request.user, "shred_on_request"),
         "languages": settings.LANGUAGES},
    )  # fmt: skip


@require_POST
def person_shred(request):
    access.require(request.user, "shred_on_request")
    if request.POST.get("confirm") != "on":
        messages.error(request, _("Confirm that nothing obliges the hotline to keep them."))
        return redirect("console:person_records")
    try:
        done = person_requests.do_shred_for_person(
            request.user, request.POST.getlist("contact"), phone=request.POST.get("phone", ""),
            email=request.POST.get("email", ""), reason=request.POST.get("shred_reason", ""),
        )  # fmt: skip
    except InvalidInput as exc:
        messages.error(request, " ".join(exc.errors.values()))
        return redirect("console:person_records")
    messages.success(request, ngettext("%(n)s contact shredded.", "%(n)s contacts shredded.",
                                       done.contacts) % {"n": done.contacts})  # fmt: skip
    if done.held:
        messages.warning(request, ngettext(
            "%(n)s contact is kept by a legal hold and was not shredded.",
            "%(n)s contacts are kept by a legal hold and were not shredded.", len(done.held),
        ) % {"n": len(done.held)})  # fmt: skip
    if done.still_open:
        messages.warning(request, ngettext(
            "%(n)s contact has an open conversation: close it, then shred it.",
            "%(n)s contacts have an open conversation: close them, then shred them.",
            len(done.still_open),
        ) % {"n": len(done.still_open)})  # fmt: skip
    return redirect("console:person_records")


@require_POST
def person_export_create(request):
    access.require(request.user, "find_person_records")
    try:
        export = person_requests.do_prepare_export(
            request.user, request.POST.getlist("contact"), phone=request.POST.get("phone", ""),
            email=request.POST.get("email", ""), reason=request.POST.get("shred_reason", ""),
            language=request.POST.get("language", ""),
        )  # fmt: skip
    except InvalidInput as exc:
        messages.error(request, " ".join(exc.errors.values()))
        return redirect("console:person_records")
    prepared = _("Copy %(ref)s prepared: another supervisor reads and approves it before it is "
                 "released.")  # fmt: skip
    messages.success(request, prepared % {"ref": export.short_id})
    return redirect(export)


def person_exports(request):
    access.require(request.user, "find_person_records")
    return render(request, "console/person_exports.html",
                  {"exports": case_queries.person_exports()})  # fmt: skip


def _export_or_404(export_id):
    export = case_queries.person_export(export_id)
    if export is None:
        raise Http404
    return export


def person_export(request, export_id):
    """The copy as the person will receive it, for the approver to read (audited as a reading
    of personal data), with the approval form; or where it stands."""
    access.require(request.user, "find_person_records")
    export = _export_or_404(export_id)
    content = person_requests.read_export(export, actor=request.user)
    user = request.user
    return render(request, "console/person_export.html", {
        "export": export, "content": content,
        "expires_at": person_requests.export_expires_at(export),
        "can_decide": export.state == ExportState.PENDING and export.requested_by_id != user.pk
        and rules.allows(user, "approve_person_export"),
        "can_release": export.state == ExportState.APPROVED
        and user.pk in (export.requested_by_id, export.decided_by_id),
        "changed": content is not None and export.state == ExportState.APPROVED
        and person_bundle.digest(content) != export.digest,
    })  # fmt: skip


@require_POST
def person_export_decide(request, export_id):
    access.require(request.user, "approve_person_export")
    export = _export_or_404(export_id)
    approve = request.POST.get("decision") == "approve"
    try:
        person_requests.do_decide_export(
            export, actor=request.user, approve=approve, note=request.POST.get("note", "")
        )
    except InvalidInput as exc:
        messages.error(request, " ".join(exc.errors.values()))
        return redirect(export)
    messages.success(request, _("Approved: it can be released once.") if approve
                     else _("Declined."))  # fmt: skip
    return redirect(export)


@require_POST
def person_export_download(request, export_id):
    access.require(request.user, "find_person_records")
    export = _export_or_404(export_id)
    try:
        bundle = person_requests.do_release_export(export, actor=request.user)
    except InvalidInput as exc:
        messages.error(request, " ".join(exc.errors.values()))
        return redirect(export)
    response = HttpResponse(bundle, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="records-{export.short_id}.zip"'
    response["Cache-Control"] = "no-store"
    return response
