"""Console forms only collect what the person typed; the contacts actions validate it."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from lantern.console import fields
from lantern.contacts import queries as contact_queries
from lantern.contacts.definitions import options
from lantern.core.geo import USStateChoices

BLANK = [("", "—")]


class DomainErrors:
    """Puts an action's errors (``InvalidInput.errors``) on the form's fields.

    ``ERROR_FIELDS`` renames an action's key to a field; ``ROWS`` maps a repeated part
    (``("steps", "step")``: the action's ``steps.2.instructions`` is the field
    ``step2_instructions``). Anything without a field becomes a form error.
    """

    ERROR_FIELDS: dict[str, str] = {}
    ROWS: tuple[str, str] | None = None

    def add_domain_errors(self, errors: dict[str, str]) -> None:
        for key, message in errors.items():
            field = self.ERROR_FIELDS.get(key, key)
            if self.ROWS and field.startswith(self.ROWS[0] + "."):
                _rows, number, part = field.split(".")
                field = f"{self.ROWS[1]}{number}_{part}"
            self.add_error(field if field in self.fields else None, message)


class ContactForm(DomainErrors, forms.Form):
    """The live-call form. Field names map to the API shape in ``to_data``."""

    channel = forms.ChoiceField(label=_("Channel"), widget=forms.RadioSelect)
    call_types = forms.MultipleChoiceField(
        label=_("Call types"), widget=forms.CheckboxSelectMultiple, required=False
    )
    at_risk = forms.MultipleChoiceField(
        label=_("What puts them at risk"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("With the “At risk” call type only."),
    )
    urgent = forms.BooleanField(required=False, label=_("Urgent"))
    received_at = fields.DateTimeField(
        required=False,
        label=_("Received"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty for now."),
    )
    ended_at = fields.DateTimeField(
        required=False,
        label=_("Ended"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    language = forms.CharField(
        label=_("Language"),
        max_length=35,
        initial="en",
        widget=forms.TextInput(attrs={"list": "languages"}),
    )
    interpreter_used = forms.BooleanField(required=False, label=_("Interpreter used"))
    caller_type = forms.ChoiceField(label=_("Caller type"))
    heard_about = forms.ChoiceField(required=False, label=_("How they heard of us"))
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=BLANK + list(USStateChoices.choices)
    )
    county = forms.CharField(label=_("County"), required=False, max_length=100)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    postal_code = forms.CharField(required=False, max_length=10, label=_("ZIP code"))
    caller_name = forms.CharField(required=False, max_length=200, label=_("Caller's name"))
    caller_phone = forms.CharField(
        required=False,
        max_length=40,
        label=_("Caller's phone"),
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    caller_email = forms.CharField(
        required=False, max_length=254, label=_("Caller's email"), widget=forms.EmailInput()
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
    )

    PERSONAL = ("caller_name", "caller_phone", "caller_email", "summary")
    ERROR_FIELDS = {
        "location.state": "state",
        "location.county": "county",
        "location.city": "city",
        "location.postal_code": "postal_code",
        "caller.name": "caller_name",
        "caller.phone": "caller_phone",
        "caller.email": "caller_email",
    }

    def __init__(self, *args, form_version, show_personal=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = options(form_version, "channel")
        self.fields["call_types"].choices = options(form_version, "call_type")
        self.fields["caller_type"].choices = options(form_version, "caller_type")
        if at_risk := options(form_version, "at_risk"):
            self.fields["at_risk"].choices = at_risk
        else:  # form version 1 records no at-risk categories
            del self.fields["at_risk"]
        # an advocate who does not pick one records "unknown", not the first option in the list
        self.initial.setdefault("caller_type", "unknown")
        self.fields["heard_about"].choices = BLANK + options(form_version, "heard_about")
        self.languages = form_version.definition.get("languages", [])
        self.form_version = form_version
        self.show_personal = show_personal
        if not show_personal:
            for name in self.PERSONAL:
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("at_risk") and "at_risk" not in cleaned.get("call_types", []):
            self.add_error(
                "at_risk", _("Tick “At risk” in the call types to record these, or clear them.")
            )
        if self.errors:  # a valid form is checked once, by the action; an invalid one here too
            errors = contact_queries.contact_input_errors(self._given(), self.form_version)
            self.add_domain_errors(errors)
        return cleaned

    def _given(self) -> dict:
        """``to_data``'s shape with only the fields that passed the form's own checks."""
        d = self.cleaned_data
        top = ("channel", "call_types", "urgent", "language", "interpreter_used", "caller_type",
               "ended_at", "summary")  # fmt: skip
        data = {k: d[k] for k in top if k in d}
        if "at_risk" in d and "at_risk" not in self.errors:
            data["at_risk"] = d["at_risk"]
        if d.get("heard_about"):
            data["heard_about"] = d["heard_about"]
        if d.get("received_at"):
            data["received_at"] = d["received_at"]
        data["location"] = {k: d[k] for k in ("state", "county", "city", "postal_code") if k in d}
        if self.show_personal:
            data["caller"] = {k: d[f"caller_{k}"] for k in ("name", "phone", "email")
                              if f"caller_{k}" in d}  # fmt: skip
        return data

    def to_data(self) -> dict:
        d = self.cleaned_data
        data = {
            "channel": d["channel"],
            "call_types": d["call_types"],
            "urgent": d["urgent"],
            "language": d["language"],
            "interpreter_used": d["interpreter_used"],
            "caller_type": d["caller_type"],
            "heard_about": d["heard_about"] or None,
            "ended_at": d["ended_at"],
            "location": {k: d[k] for k in ("state", "county", "city", "postal_code")},
        }
        if "at_risk" in self.fields:
            data["at_risk"] = d["at_risk"]
        if d.get("received_at"):
            data["received_at"] = d["received_at"]
        if self.show_personal:
            data["summary"] = d["summary"]
            data["caller"] = {
                "name": d["caller_name"],
                "phone": d["caller_phone"],
                "email": d["caller_email"],
            }
        return data

    @classmethod
    def initial_from(cls, view) -> dict:
        c = view.contact
        initial = {
            "channel": c.channel,
            "call_types": c.call_type_values,
            "urgent": c.urgent,
            "received_at": c.received_at,
            "ended_at": c.ended_at,
            "language": c.language,
            "interpreter_used": c.interpreter_used,
            "caller_type": c.caller_type,
            "at_risk": c.at_risk,
            "heard_about": c.heard_about,
            "state": c.state,
            "county": c.county,
            "city": c.city,
            "postal_code": c.postal_code,
        }
        if view.pii_visible:
            initial.update(
                caller_name=view.caller.name,
                caller_phone=view.caller.phone,
                caller_email=view.caller.email,
                summary=view.summary,
            )
        return initial


class ContactFilterForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    call_type = forms.ChoiceField(required=False, label=_("Call type"))
    urgent = forms.NullBooleanField(
        label=_("Urgent"),
        required=False,
        widget=forms.Select(
            choices=[("", _("Any")), ("true", _("Urgent")), ("false", _("Not urgent"))]
        ),
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any"))] + list(USStateChoices.choices)
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any"))] + list(USStateChoices.choices)
    )
    received_from = fields.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = fields.DateField(
        required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )
    handled_by_me = forms.BooleanField(required=False, label=_("Only mine"))

    def __init__(self, *args, form_version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", _("Any"))] + options(form_version, "channel")
        self.fields["call_type"].choices = [("", _("Any"))] + options(form_version, "call_type")


class AuditFilterForm(forms.Form):
    object_type = forms.CharField(required=False, label=_("Object type"))
    object_id = forms.CharField(required=False, label=_("Object id"))
    actor_label = forms.CharField(required=False, label=_("Who"))
    action = forms.CharField(label=_("Action"), required=False)


class StaffingForm(forms.Form):
    """The staffing planner's period and service-level target."""

    start = fields.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = fields.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    target = forms.CharField(
        label=_("Target"), initial="80/20", help_text=_("percent answered / within seconds")
    )
    max_occupancy = forms.IntegerField(
        label=_("Occupancy at most (%)"), min_value=10, max_value=100, initial=85
    )

    def __init__(self, data=None, **kwargs):
        if data is not None and not data.get("start"):
            data = None  # the page's first visit: show the form with its defaults
        super().__init__(data, **kwargs)
        today = timezone.localdate()
        self.fields["start"].initial = today - timedelta(weeks=8)
        self.fields["end"].initial = today - timedelta(days=1)

    def clean_target(self):
        from lantern.routing.erlang import parse_target

        try:
            return parse_target(self.cleaned_data["target"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end"):
            if data["end"] < data["start"]:
                raise forms.ValidationError(_("The period ends before it starts."))
            if (data["end"] - data["start"]).days > 366:
                raise forms.ValidationError(_("Plan from at most a year of history."))
        return data


class CaseForm(DomainErrors, forms.Form):
    """A case's facts and its people (up to ``PARTY_ROWS`` groups); the rules are the action's."""

    ROWS = ("parties", "party")
    PARTY_ROWS = 6
    PARTY_PARTS = ("role", "count", "age_band", "gender", "citizenship", "nationality")

    trafficking_type = forms.ChoiceField(label=_("Type of trafficking"))
    venue = forms.ChoiceField(label=_("Venue or industry"))
    control_methods = forms.MultipleChoiceField(
        label=_("Methods of control"), required=False, widget=forms.CheckboxSelectMultiple
    )
    victims_served = forms.NullBooleanField(
        label=_("The hotline directly supported the potential victims"),
        help_text=_("Referrals, safety planning, shelter or transport given to them: counted as "
                    "survivors directly supported."),
        widget=forms.NullBooleanSelect,
        required=False,
    )  # fmt: skip
    state = forms.ChoiceField(
        label=_("State"), choices=[("", "—"), *USStateChoices.choices], required=False
    )
    county = forms.CharField(label=_("County"), max_length=100, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("ZIP code"), max_length=10, required=False)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    assigned_to = forms.ModelChoiceField(queryset=None, required=False, label=_("Assigned to"))
    follow_up_on = fields.DateField(
        label=_("Follow up on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, staff=None, **kwargs):
        from lantern.cases import choices as case_choices
        from lantern.contacts.choices import VenueChoices

        super().__init__(*args, **kwargs)
        self.fields["trafficking_type"].choices = case_choices.CaseTraffickingTypeChoices.choices
        self.fields["venue"].choices = VenueChoices.choices
        self.fields["control_methods"].choices = case_choices.CaseControlMethodChoices.choices
        self.fields["assigned_to"].queryset = staff
        party_choices = {
            "role": [("", "—"), *case_choices.CasePartyRoleChoices.choices],
            "age_band": case_choices.CaseAgeBandChoices.choices,
            "gender": case_choices.CaseGenderChoices.choices,
            "citizenship": case_choices.CaseCitizenshipChoices.choices,
        }
        for n in range(1, self.PARTY_ROWS + 1):
            for part in self.PARTY_PARTS:
                name = f"party{n}_{part}"
                if part in party_choices:
                    self.fields[name] = forms.ChoiceField(
                        label=part.replace("_", " ").capitalize(), choices=party_choices[part],
                        required=False,
                    )  # fmt: skip
                elif part == "count":
                    self.fields[name] = forms.IntegerField(
                        label=_("How many"), min_value=1, max_value=10_000, required=False
                    )
                else:
                    self.fields[name] = forms.CharField(
                        label=_("Nationality (2-letter code)"), max_length=2, required=False
                    )

    @classmethod
    def initial_from(cls, case, summary: str) -> dict:
        initial = {
            name: getattr(case, name)
            for name in ("trafficking_type", "venue", "control_methods", "victims_served",
                         "state", "county", "city", "postal_code", "follow_up_on")
        }  # fmt: skip
        initial.update(summary=summary, assigned_to=case.assigned_to_id)
        for n, party in enumerate(case.parties.all(), 1):
            for part in cls.PARTY_PARTS:
                initial[f"party{n}_{part}"] = getattr(party, part)
        return initial

    def party_rows(self):
        return [
            [self[f"party{n}_{part}"] for part in self.PARTY_PARTS]
            for n in range(1, self.PARTY_ROWS + 1)
        ]

    def to_data(self) -> tuple[dict, list[dict]]:
        data = self.cleaned_data
        facts = {
            name: data[name]
            for name in ("trafficking_type", "venue", "control_methods", "victims_served",
                         "state", "county", "city", "postal_code", "summary", "follow_up_on",
                         "assigned_to")
        }  # fmt: skip
        parties = []
        for n in range(1, self.PARTY_ROWS + 1):
            row = {part: data[f"party{n}_{part}"] for part in self.PARTY_PARTS}
            if row["role"]:
                row["count"] = row["count"] or 1
                parties.append(row)
        return facts, parties


def console_language_choices() -> list[tuple[str, str]]:
    """The console's languages, each named in itself (``español``)."""
    return [
        (code, get_language_info(code)["name_local"]) for code in settings.LANTERN_CONSOLE_LANGUAGES
    ]


class ProfileForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the console"),
        required=False,
        help_text=_(
            "Empty: the language your browser asks for, if the console has it; English otherwise."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("As my browser asks"))] + (
            console_language_choices()
        )


class LegalHoldForm(forms.Form):
    reason = forms.CharField(label=_("Why (never personal data)"), max_length=500)
    review_on = forms.DateField(
        label=_("Review on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class LegalHoldRangeForm(LegalHoldForm):
    """A hold on every contact received in a range of dates (an investigation's period)."""

    received_from = forms.DateField(
        label=_("Contacts received from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    received_until = forms.DateField(
        label=_("until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    field_order = ["received_from", "received_until", "reason", "review_on"]
