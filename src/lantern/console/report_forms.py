"""Forms of the tip report screens. They collect what was typed; the report actions decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.cases import choices as case_choices
from lantern.cases.reports import config
from lantern.console import fields
from lantern.console.forms import BLANK, DomainErrors
from lantern.core.geo import USStateChoices

OTHER_AGENCY = "other"


class ReportForm(DomainErrors, forms.Form):
    """A report's draft. The agency is one of the protocol's directory contacts, or another
    agency named by hand."""

    ERROR_FIELDS = {"agency_name": "agency"}

    agency = forms.ChoiceField(label=_("Agency"), widget=forms.RadioSelect)
    agency_name = forms.CharField(label=_("Other agency's name"), max_length=200, required=False)
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=case_choices.TipReportUrgencyChoices.choices,
        widget=forms.RadioSelect,
    )
    facts = forms.CharField(
        label=_("What the agency needs to know"), required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What happened, where, when, and what the caller asked for."),
    )  # fmt: skip
    location_detail = forms.CharField(
        label=_("Address or description of the place"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    indicators = forms.MultipleChoiceField(
        label=_("Indicators (methods of control)"), required=False,
        choices=case_choices.CaseControlMethodChoices.choices,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    personal_details = forms.CharField(
        label=_("Personal details"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Names, phone numbers, how to reach someone safely. Shared only with consent "
                    "to share them, or an override."),
    )  # fmt: skip
    consent_basis = forms.ChoiceField(
        label=_("Basis for sharing"), required=False, widget=forms.RadioSelect,
        choices=case_choices.TipReportConsentBasisChoices.choices,
    )  # fmt: skip
    consent_given_by = forms.CharField(label=_("Who consented"), max_length=300, required=False)
    consent_given_at = fields.DateTimeField(
        label=_("When"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )  # fmt: skip
    consent_scope = forms.ChoiceField(
        label=_("What they agreed may be shared"), required=False,
        choices=BLANK + case_choices.TipReportConsentScopeChoices.choices,
    )  # fmt: skip
    override_reason = forms.ChoiceField(label=_("Override reason"), required=False)
    override_state = forms.ChoiceField(
        label=_("State whose law requires it"), required=False,
        choices=BLANK + USStateChoices.choices,
    )  # fmt: skip
    override_explanation = forms.CharField(
        label=_("Why the override applies"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    follow_up_on = fields.DateField(
        label=_("Follow up with the agency on"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip

    def __init__(self, *args, agencies=(), **kwargs):
        """``agencies``: the directory services to offer, in the protocol's order."""
        super().__init__(*args, **kwargs)
        self.agencies = {str(s.pk): s for s in agencies}
        self.fields["agency"].choices = [
            *((pk, s.name) for pk, s in self.agencies.items()),
            (OTHER_AGENCY, "Another agency"),
        ]
        self.fields["override_reason"].choices = BLANK + config.current().choices()

    @classmethod
    def initial_from(cls, report, text: dict) -> dict:
        initial = {name: getattr(report, name) for name in (
            "urgency", "indicators", "consent_basis", "consent_given_at", "consent_scope",
            "override_reason", "override_state", "follow_up_on", "agency_name")}  # fmt: skip
        initial.update({k: v for k, v in text.items() if k in cls.base_fields})
        initial["agency"] = str(report.agency_id) if report.agency_id else OTHER_AGENCY
        return initial

    def to_data(self) -> dict:
        data = dict(self.cleaned_data)
        choice = data.pop("agency")
        data["agency"] = self.agencies.get(choice)
        if data["agency"] is not None:
            data["agency_name"] = ""
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("approve")), ("send_back", _("send back"))]
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=5_000)
    confirm_override = forms.BooleanField(label=_("I confirm the override applies"), required=False)


class LinkForm(forms.Form):
    recipient_name = forms.CharField(label=_("Recipient"), max_length=200)
    recipient_contact = forms.CharField(
        label=_("Where you send it (email or phone)"), max_length=300, required=False
    )
    hours = forms.IntegerField(label=_("Valid for (hours)"), min_value=1, max_value=720)
    email_link = forms.BooleanField(label=_("Email the link to this address"), required=False)


class PhoneForm(forms.Form):
    agency_name = forms.CharField(label=_("Agency"), max_length=200)
    person = forms.CharField(label=_("Person spoken to"), max_length=200)
    badge_or_id = forms.CharField(label=_("Badge or staff id"), max_length=64, required=False)
    called_at = fields.DateTimeField(
        label=_("When"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5_000, widget=forms.Textarea(attrs={"rows": 2})
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 3})
    )
    follow_up_on = fields.DateField(
        label=_("Follow up again on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
