from django import forms

from lantern.contacts.choices import (
    ContactHeardAboutChoices,
    TipUrgencyChoices,
    VenueChoices,
    YesNoUnknownChoices,
)
from lantern.core.geo import USStateChoices, normalize_zip
from lantern.core.phone import normalize_phone

MAX_TEXT = 10_000


class TipForm(forms.Form):
    what_happened = forms.CharField(
        label="What happened?",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_TEXT,
        help_text="As much or as little as you want to tell. You do not need to give names.",
    )
    urgency = forms.ChoiceField(
        label="How urgent is it?", choices=TipUrgencyChoices.choices, widget=forms.RadioSelect
    )
    state = forms.ChoiceField(
        label="State or territory", choices=[("", "—"), *USStateChoices.choices], required=False
    )
    city = forms.CharField(label="City", max_length=100, required=False)
    postal_code = forms.CharField(label="ZIP code", max_length=10, required=False)
    when = forms.CharField(
        label="When did it happen?", max_length=200, required=False,
        help_text='A date, or words like "last week" or "it is still going on".',
    )  # fmt: skip
    venue = forms.ChoiceField(
        label="Type of work or place", choices=[("", "—"), *VenueChoices.choices], required=False
    )
    people = forms.CharField(
        label="How many people are involved?", max_length=100, required=False,
        help_text="A number or an estimate; no names needed.",
    )  # fmt: skip
    minors = forms.ChoiceField(
        label="Are any of them under 18?",
        choices=[("", "—"), *YesNoUnknownChoices.choices],
        required=False,
    )
    name = forms.CharField(label="Your name (optional)", max_length=200, required=False)
    phone = forms.CharField(label="A safe phone number (optional)", max_length=40, required=False)
    email = forms.EmailField(label="A safe email address (optional)", required=False)
    consent_to_share = forms.TypedChoiceField(
        label="May we share your contact details with law enforcement?",
        choices=[("", "Not asked / no contact details"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
    )

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if not value:
            return ""
        try:
            return normalize_zip(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if not value:
            return ""
        try:
            return normalize_phone(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        data = super().clean()
        if "\x00" in "".join(str(v) for v in data.values() if isinstance(v, str)):
            raise forms.ValidationError("The form contains a character it cannot store.")
        return data


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label="Your receipt code", max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip
    challenge = forms.CharField(widget=forms.HiddenInput)
    work = forms.CharField(widget=forms.HiddenInput, required=False)


class ReplyForm(forms.Form):
    body = forms.CharField(label="Your answer", widget=forms.Textarea(attrs={"rows": 4}),
                           max_length=1600)  # fmt: skip


class PreChatForm(forms.Form):
    """Short and optional: a person in danger must not be slowed down by a form."""

    language = forms.ChoiceField(
        label="Language",
        choices=[("en", "English"), ("es", "Español"), ("other", "Another language")],
        required=False,
    )
    safe = forms.TypedChoiceField(
        label="Are you safe to chat right now?",
        choices=[("", "Prefer not to say"), ("yes", "Yes"), ("no", "No, I am not safe")],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
    )
    state = forms.ChoiceField(
        label="State or territory (optional)",
        choices=[("", "—"), *USStateChoices.choices],
        required=False,
    )
    heard_about = forms.ChoiceField(
        label="How did you hear about us? (optional)",
        choices=[("", "—"), *ContactHeardAboutChoices.choices],
        required=False,
    )
