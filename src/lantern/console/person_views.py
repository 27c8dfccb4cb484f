"""A person asks what the hotline holds about them (issue 22): a supervisor finds every contact
reached from their phone number or email address, through the blind indexes, with the holds that
keep each one. The search is posted, never put in an address, and audited without the number."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lantern.cases import queries as case_queries
from lantern.console import access
from lantern.contacts import queries as contact_queries
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
        {"form": form, "found": found, "limit": contact_queries.PERSON_RECORDS_LIMIT},
    )
