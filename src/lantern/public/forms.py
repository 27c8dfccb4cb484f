from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lantern.contacts.choices import (
    ContactHeardAboutChoices,
    TipUrgencyChoices,
    VenueChoices,
    YesNoUnknownChoices,
)
from lantern.core import languages
from lantern.core.geo import USStateChoices, normalize_zip
from lantern.core.phone import normalize_phone

MAX_TEXT = 10_000
NOT_SAID = [("", "—")]


class TipForm(forms.Form):
    what_happened = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_TEXT,
        help_text=_("As much or as little as you want to tell. You do not need to give names."),
    )
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"), choices=TipUrgencyChoices.choices, widget=forms.RadioSelect
    )
    state = forms.ChoiceField(
        label=_("State or territory"), choices=[*NOT_SAID, *USStateChoices.choices],
        required=False,
    )  # fmt: skip
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("ZIP code"), max_length=10, required=False)
    when = forms.CharField(
        label=_("When did it happen?"), max_length=200, required=False,
        help_text=_('A date, or words like "last week" or "it is still going on".'),
    )  # fmt: skip
    venue = forms.ChoiceField(
        label=_("Type of work or place"), choices=[*NOT_SAID, *VenueChoices.choices],
        required=False,
    )  # fmt: skip
    people = forms.CharField(
        label=_("How many people are involved?"), max_length=100, required=False,
        help_text=_("A number or an estimate; no names needed."),
    )  # fmt: skip
    minors = forms.ChoiceField(
        label=_("Are any of them under 18?"),
        choices=[*NOT_SAID, *YesNoUnknownChoices.choices],
        required=False,
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("A safe phone number (optional)"), max_length=40, required=False
    )
    email = forms.EmailField(label=_("A safe email address (optional)"), required=False)
    consent_to_share = forms.TypedChoiceField(
        label=_("May we share your contact details with law enforcement?"),
        choices=[("", _("Not asked / no contact details")), ("yes", _("Yes")), ("no", _("No"))],
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
            raise forms.ValidationError(
                _("Enter a ZIP code of 5 digits (12345 or 12345-6789).")
            ) from exc

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if not value:
            return ""
        try:
            return normalize_phone(value)
        except ValueError as exc:
            raise forms.ValidationError(
                _("Enter a phone number we can call, with its area code.")
            ) from exc

    def clean(self):
        data = super().clean()
        if "\x00" in "".join(str(v) for v in data.values() if isinstance(v, str)):
            raise forms.ValidationError(_("The form contains a character it cannot store."))
        return data


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("Your receipt code"), max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip
    challenge = forms.CharField(widget=forms.HiddenInput)
    work = forms.CharField(widget=forms.HiddenInput, required=False)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}),
                           max_length=1600)  # fmt: skip


OTHER_LANGUAGE = "other"


class PreChatForm(forms.Form):
    """Short and optional: a person in danger must not be slowed down by a form."""

    language = forms.ChoiceField(label=_("Language"), required=False)
    safe = forms.TypedChoiceField(
        label=_("Are you safe to chat right now?"),
        choices=[("", _("Prefer not to say")), ("yes", _("Yes")), ("no", _("No, I am not safe"))],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
    )
    state = forms.ChoiceField(
        label=_("State or territory (optional)"),
        choices=[*NOT_SAID, *USStateChoices.choices],
        required=False,
    )
    heard_about = forms.ChoiceField(
        label=_("How did you hear about us? (optional)"),
        choices=[*NOT_SAID, *ContactHeardAboutChoices.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the hotline's languages, each named in itself; the page's language is chosen already
        self.fields["language"].choices = [
            *languages.choices(), (OTHER_LANGUAGE, _("Another language")),
        ]  # fmt: skip
        self.fields["language"].initial = get_language()
