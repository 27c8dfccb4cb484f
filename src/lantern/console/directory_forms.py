"""Directory forms. They only collect what was typed; ``directory.actions`` validates it.

Every field is a plain text/choice field with ``required=False`` so that the messages a manager
sees come from one place (the actions), the same ones the API and the importer give.
"""

from __future__ import annotations

import re

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from lantern.core.geo import USStateChoices
from lantern.directory.choices import (
    OrganizationTypeChoices,
    PhoneTypeChoices,
    PopulationChoices,
    ServiceAreaScopeChoices,
    ServiceStatusChoices,
    WeekdayChoices,
)

BLANK = [("", "—")]
STATES = BLANK + list(USStateChoices.choices)
RADII = [
    ("10", "10 km (6 mi)"),
    ("25", "25 km (16 mi)"),
    ("40", "40 km (25 mi)"),
    ("80", "80 km (50 mi)"),
    ("160", "160 km (100 mi)"),
    ("500", "500 km (310 mi)"),
]
SEARCH_KEYS = (
    "q",
    "zip",
    "city",
    "state",
    "radius_km",
    "term",
    "language",
    "population",
    "age",
    "open_now",
    "available_24_7",
    "page",
)
_ZIP = re.compile(r"^\d{5}(?:-\d{4})?$")
_CITY_STATE = re.compile(r"^(?P<city>.+?)[,\s]+(?P<state>[A-Za-z]{2})$")


class DirectorySearchForm(forms.Form):
    """The search panel. ``near`` takes a ZIP code or "City, ST"; everything else is named as
    ``directory.search.parse_query`` names it, and that function does the validation.

    Labels avoid the contact form's words (City, State, Language, ZIP code) because both
    forms sit on one page: a label must name one field only.
    """

    q = forms.CharField(
        required=False,
        label=_("Search directory"),
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "shelter, legal, T visa…",
                "autocomplete": "off",
                "aria-keyshortcuts": "/",
            }
        ),
    )
    near = forms.CharField(
        required=False,
        label=_("Near"),
        widget=forms.TextInput(
            attrs={"placeholder": "77002 or Houston, TX", "autocomplete": "off"}
        ),
    )
    radius_km = forms.ChoiceField(required=False, choices=RADII, initial="40", label=_("Within"))
    term = forms.ChoiceField(required=False, label=_("Service type"))
    language = forms.CharField(
        required=False,
        label=_("Speaks"),
        widget=forms.TextInput(
            attrs={"list": "directory-languages", "autocomplete": "off", "placeholder": "es"}
        ),
    )
    population = forms.ChoiceField(
        required=False,
        label=_("Serves"),
        choices=[("", _("Anyone"))] + list(PopulationChoices.choices),
    )
    age = forms.IntegerField(
        required=False,
        label=_("Age"),
        min_value=0,
        max_value=120,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "16"}),
    )
    open_now = forms.BooleanField(required=False, label=_("Open now"))
    available_24_7 = forms.BooleanField(required=False, label="24/7")

    def __init__(self, *args, service_types=(), languages=(), **kwargs):
        kwargs.setdefault("auto_id", "dir-%s")
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = [("", _("Any"))] + list(service_types)
        self.languages = list(languages)
        self.near_error = ""

    @staticmethod
    def near_for(postal_code: str = "", city: str = "", state: str = "") -> str:
        """The ``near`` text for a contact's location: its ZIP code, else "City, ST"."""
        if postal_code:
            return postal_code
        if city and state:
            return f"{city}, {state}"
        return state or ""

    def params(self) -> dict[str, str]:
        """The non-empty raw values for ``parse_query``; ``near`` becomes zip or city+state."""
        data = self.data
        out = {}
        for key in SEARCH_KEYS:
            value = (data.get(key) or "").strip()
            if key in ("open_now", "available_24_7"):
                value = "1" if value in ("1", "on", "true") else ""
            if value:
                out[key] = value
        near = (data.get("near") or "").strip()
        if near:
            match = _CITY_STATE.match(near)
            if _ZIP.match(near):
                out["zip"] = near
            elif len(near) == 2 and near.isalpha():
                out["state"] = near.upper()
            elif match:
                out["city"], out["state"] = match["city"].strip(" ,"), match["state"].upper()
            else:
                self.near_error = (
                    f"{near!r}: type a ZIP code (77002) or a city and state (Houston, TX)"
                )
        return out

    def has_criteria(self) -> bool:
        return any(k not in ("page", "radius_km") for k in self.params()) or bool(self.near_error)


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=300)
    alternate_name = forms.CharField(required=False, max_length=300, label=_("Also known as"))
    organization_type = forms.ChoiceField(
        required=False, choices=BLANK + list(OrganizationTypeChoices.choices), label=_("Type")
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    email = forms.CharField(label=_("Email"), required=False, widget=forms.EmailInput())
    website = forms.CharField(label=_("Web page"), required=False, widget=forms.URLInput())

    def to_data(self) -> dict:
        return dict(self.cleaned_data)

    def add_domain_errors(self, errors: dict) -> None:
        for key, message in errors.items():
            self.add_error(key if key in self.fields else None, message)


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=300)
    alternate_name = forms.CharField(required=False, max_length=300, label=_("Also known as"))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[c for c in ServiceStatusChoices.choices if c[0] != ServiceStatusChoices.DEFUNCT],
        help_text=_("Retire a service with the Retire button on its page."),
    )
    service_types = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label=_("Service types")
    )
    populations = forms.MultipleChoiceField(
        required=False,
        choices=PopulationChoices.choices,
        widget=forms.CheckboxSelectMultiple,
        label=_("Populations served"),
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        help_text=_("Language codes separated by commas, e.g. en, es, zh-Hant."),
    )
    available_24_7 = forms.BooleanField(required=False, label=_("Answers 24/7"))
    trafficking_training = forms.BooleanField(
        required=False, label=_("Staff trained to work with trafficking survivors")
    )
    eligibility_description = forms.CharField(
        required=False, label=_("Eligibility"), widget=forms.Textarea(attrs={"rows": 2})
    )
    minimum_age = forms.CharField(required=False, label=_("Minimum age"))
    maximum_age = forms.CharField(required=False, label=_("Maximum age"))
    application_process = forms.CharField(
        required=False, label=_("How to apply"), widget=forms.Textarea(attrs={"rows": 2})
    )
    fees_description = forms.CharField(required=False, label=_("Fees"))
    url = forms.CharField(required=False, label=_("Web page"), widget=forms.URLInput())
    email = forms.CharField(label=_("Email"), required=False, widget=forms.EmailInput())
    alert = forms.CharField(
        required=False,
        label=_("Alert"),
        help_text=_("Shown in red to advocates, e.g. 'closed for renovation until May'."),
    )

    def __init__(self, *args, service_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_types"].choices = list(service_types)


class PhoneForm(forms.Form):
    number = forms.CharField(
        label=_("Number"), required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    extension = forms.CharField(
        label=_("Extension"), required=False, widget=forms.TextInput(attrs={"size": 5})
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=list(PhoneTypeChoices.choices)
    )
    description = forms.CharField(required=False, label=_("Note"))


class HoursForm(forms.Form):
    byday = forms.MultipleChoiceField(
        required=False,
        choices=[(c, label[:3]) for c, label in WeekdayChoices.choices],
        widget=forms.CheckboxSelectMultiple,
        label=_("Days"),
    )
    opens_at = forms.CharField(
        required=False, label=_("Opens"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    closes_at = forms.CharField(
        required=False, label=_("Closes"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    overnight = forms.BooleanField(required=False, label=_("Past midnight"))


class AreaForm(forms.Form):
    scope = forms.ChoiceField(
        required=False, choices=BLANK + list(ServiceAreaScopeChoices.choices), label=_("Reach")
    )
    state = forms.ChoiceField(label=_("State"), required=False, choices=STATES)
    value = forms.CharField(required=False, label=_("County, city or ZIP"))


class LocationForm(forms.Form):
    id = forms.CharField(required=False, widget=forms.HiddenInput())
    name = forms.CharField(required=False, label=_("Location name"))
    address_1 = forms.CharField(required=False, label=_("Street address"))
    address_2 = forms.CharField(required=False, label=_("Address line 2"))
    city = forms.CharField(label=_("City"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False, choices=STATES)
    postal_code = forms.CharField(required=False, label=_("ZIP code"))
    latitude = forms.CharField(
        label=_("Latitude"), required=False, help_text=_("Leave empty: the ZIP code's centre.")
    )
    longitude = forms.CharField(label=_("Longitude"), required=False)
    time_zone = forms.CharField(
        required=False, label=_("Time zone"), help_text=_("Leave empty: from the ZIP code.")
    )
    confidential = forms.BooleanField(
        required=False,
        label=_("Confidential location (shelter)"),
        help_text=_("The street address is shown only to roles the rules allow, never exported."),
    )
    remove = forms.BooleanField(required=False, label=_("Remove this location"))


PhoneFormSet = formset_factory(PhoneForm, extra=2)
HoursFormSet = formset_factory(HoursForm, extra=2)
AreaFormSet = formset_factory(AreaForm, extra=1)
LocationFormSet = formset_factory(LocationForm, extra=1)


class ServiceEditor:
    """The service form and its row sets, read together and turned into the actions' input."""

    SETS = {
        "phones": PhoneFormSet,
        "schedules": HoursFormSet,
        "service_areas": AreaFormSet,
        "locations": LocationFormSet,
    }

    def __init__(self, data=None, *, initial: dict | None = None, service_types=()):
        initial = initial or {}
        main_initial = {k: v for k, v in initial.items() if k not in self.SETS}
        if isinstance(main_initial.get("languages"), list):
            main_initial["languages"] = ", ".join(main_initial["languages"])
        self.form = ServiceForm(data, initial=main_initial, service_types=service_types)
        self.sets = {
            key: cls(data, initial=_row_initial(key, initial.get(key) or []), prefix=key)
            for key, cls in self.SETS.items()
        }

    def is_valid(self) -> bool:
        # every field is optional text, so this only fails on a tampered management form
        return self.form.is_valid() and all(s.is_valid() for s in self.sets.values())

    def to_data(self) -> dict:
        data = dict(self.form.cleaned_data)
        for key, formset in self.sets.items():
            rows = [dict(f.cleaned_data) for f in formset.forms]
            if key == "locations":
                # a removed location is simply left out; keep indexes aligned with empty rows
                rows = [{} if r.get("remove") else r for r in rows]
                for r in rows:
                    r.pop("remove", None)
            data[key] = rows
        return data

    def add_domain_errors(self, errors: dict) -> None:
        for key, message in errors.items():
            parts = key.split(".")
            if parts[0] in self.sets and len(parts) >= 2 and parts[1].isdigit():
                forms_ = self.sets[parts[0]].forms
                index = int(parts[1])
                field = parts[2] if len(parts) > 2 else None
                if index < len(forms_):
                    form = forms_[index]
                    form.add_error(field if field in form.fields else None, message)
                    continue
            if key in self.form.fields:
                self.form.add_error(key, message)
            else:
                self.form.add_error(None, f"{key.replace('_', ' ')}: {message}")

    @property
    def has_errors(self) -> bool:
        return bool(self.form.errors) or any(
            any(f.errors for f in s.forms) or s.non_form_errors() for s in self.sets.values()
        )


def _row_initial(key: str, rows: list[dict]) -> list[dict]:
    if key == "schedules":
        return [
            {
                **r,
                "opens_at": r["opens_at"].strftime("%H:%M") if r.get("opens_at") else "",
                "closes_at": r["closes_at"].strftime("%H:%M") if r.get("closes_at") else "",
            }
            for r in rows
        ]
    return rows
