import functools
import re

from django import forms
from django.utils import translation
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


# What a visitor can look for, in the public's words, and the Lantern service types it means
# (directory/data/taxonomy.yaml). Staff-only kinds (law enforcement) are not offered here.
PUBLIC_NEEDS = [
    ("shelter", _("A safe place to stay tonight"), ("emergency-shelter",)),
    ("housing", _("Housing for longer"), ("transitional-housing",)),
    ("crisis", _("Someone to talk to now (crisis line)"), ("crisis-line",)),
    ("legal", _("Legal help"), ("legal-services", "victim-advocacy")),
    ("immigration", _("Help with immigration or visas"), ("immigration-legal",)),
    ("counselling", _("Counselling and mental health"), ("mental-health",)),
    ("medical", _("Medical care"), ("medical-care",)),
    ("substance", _("Help with alcohol or drugs"), ("substance-use",)),
    ("case", _("A case manager"), ("case-management",)),
    ("food", _("Food"), ("food",)),
    ("money", _("Money for emergencies"), ("financial-assistance",)),
    ("work", _("Finding work"), ("employment",)),
    ("school", _("Classes and school"), ("education",)),
    ("documents", _("Replacing ID or documents"), ("identity-documents",)),
    ("transport", _("Getting somewhere safe (transport)"), ("transportation",)),
    ("interpreter", _("An interpreter"), ("interpretation",)),
    ("home", _("Going home to my country"), ("repatriation",)),
]
NEED_TYPES = {key: types for key, _label, types in PUBLIC_NEEDS}


class DirectorySearchForm(forms.Form):
    """The public directory's search: a place, and optionally a need, a language, open now."""

    place = forms.CharField(
        label=_("Where? A ZIP code, or a city and state"),
        max_length=100,
        help_text=_("For example 77002 or Houston, TX."),
        error_messages={"required": _("Enter a ZIP code, or a city and its state.")},
    )
    need = forms.ChoiceField(
        label=_("What do you need?"),
        choices=[("", _("Any kind of help")), *[(k, label) for k, label, _t in PUBLIC_NEEDS]],
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Language spoken"),
        choices=[("", _("Any language")), *languages.choices()],
        required=False,
    )
    open_now = forms.BooleanField(label=_("Only places open now"), required=False)
    page = forms.IntegerField(min_value=1, max_value=500, required=False, widget=forms.HiddenInput)

    def clean_place(self) -> dict:
        """``{"zip": ...}`` or ``{"city": ..., "state": ...}`` as the directory search takes."""
        value = " ".join(self.cleaned_data["place"].split())
        if ZIP_IN_TEXT.fullmatch(value):
            return {"zip": value[:5]}
        found = CITY_STATE.fullmatch(value)
        if found:
            state = _state_code(found["state"])
            if state in USStateChoices.values:
                return {"city": found["city"].strip(" ,"), "state": state}
        raise forms.ValidationError(
            _("Enter a ZIP code (like 77002) or a city and its state (like Houston, TX).")
        )


ZIP_IN_TEXT = re.compile(r"\d{5}(?:-\d{4})?")
# "Houston, TX", "Houston TX", "houston, texas", "New York, New York"
CITY_STATE = re.compile(
    r"(?P<city>[^\d,]{2,80}?)\s*(?:,\s*|\s+)(?P<state>[A-Za-z]{2}|[A-Za-z .]{4,30})"
)


@functools.cache
def _state_names() -> dict[str, str]:
    with translation.override("en"):
        return {str(label).lower(): code for code, label in USStateChoices.choices}


def _state_code(text: str) -> str:
    """ "TX", "tx", "Texas" -> "TX"; anything else as typed, upper case."""
    text = " ".join(text.split())
    return _state_names().get(text.lower(), text.upper())
