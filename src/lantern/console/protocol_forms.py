"""Forms of the protocol screens: the protocol, its ordered steps, and the "which protocol?"
lookup. Domain rules (levels, overlaps, steps) are the action's; the forms only read input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.cases.choices import CaseTraffickingTypeChoices
from lantern.console.forms import DomainErrors
from lantern.core.geo import USStateChoices
from lantern.protocols.choices import ProtocolLevelChoices

ANY_YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]
KNOWN_YES_NO = [("", "Not known"), ("yes", _("Yes")), ("no", _("No"))]
TRISTATE = ("crisis", "minor", "consent", "foreign_national")
TRISTATE_LABELS = {
    "crisis": "Crisis (danger now)",
    "minor": "A minor is involved",
    "consent": "The caller consents to share",
    "foreign_national": "A foreign national is involved",
}
STEPS = 6
STEP_PARTS = ("agency", "phone", "instructions", "wait_minutes")


def _tristate(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _as_choice(value) -> str:
    return {True: "yes", False: "no"}.get(value, "")


class ProtocolForm(DomainErrors, forms.Form):
    ROWS = ("steps", "step")

    name = forms.CharField(label=_("Name"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=ProtocolLevelChoices.choices)
    state = forms.ChoiceField(
        label=_("State"), choices=[("", "—"), *USStateChoices.choices], required=False
    )
    county = forms.CharField(
        label=_("County"), max_length=100, required=False, help_text=_("County level only")
    )
    city = forms.CharField(
        label=_("City"), max_length=100, required=False, help_text=_("City level only")
    )
    trafficking_type = forms.ChoiceField(
        label=_("Type of trafficking"),
        choices=[("", _("Any")), *CaseTraffickingTypeChoices.choices],
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in TRISTATE:
            self.fields[name] = forms.ChoiceField(
                label=TRISTATE_LABELS[name], choices=ANY_YES_NO, required=False
            )
        for n in range(1, STEPS + 1):
            self.fields[f"step{n}_agency"] = forms.CharField(
                label=_("Agency or contact"), max_length=200, required=False
            )
            self.fields[f"step{n}_phone"] = forms.CharField(
                label=_("Phone"), max_length=40, required=False
            )
            self.fields[f"step{n}_instructions"] = forms.CharField(
                label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"step{n}_wait_minutes"] = forms.IntegerField(
                label=_("Minutes before the next step"),
                min_value=0,
                max_value=10080,
                required=False,
            )

    @classmethod
    def initial_from(cls, protocol) -> dict:
        initial = {
            name: getattr(protocol, name)
            for name in ("name", "level", "state", "county", "city", "trafficking_type", "notes",
                         "active")
        }  # fmt: skip
        initial.update({name: _as_choice(getattr(protocol, name)) for name in TRISTATE})
        for n, step in enumerate(protocol.steps.all(), 1):
            for part in STEP_PARTS:
                initial[f"step{n}_{part}"] = getattr(step, part)
        return initial

    def step_rows(self):
        return [[self[f"step{n}_{part}"] for part in STEP_PARTS] for n in range(1, STEPS + 1)]

    def to_data(self) -> tuple[dict, list[dict]]:
        data = dict(self.cleaned_data)
        fields = {
            name: data[name]
            for name in ("name", "level", "state", "county", "city", "trafficking_type", "notes",
                         "active")
        }  # fmt: skip
        fields.update({name: _tristate(data[name]) for name in TRISTATE})
        steps = []
        for n in range(1, STEPS + 1):
            step = {part: data[f"step{n}_{part}"] for part in STEP_PARTS}
            if any(value not in (None, "") for value in step.values()):
                steps.append(step)
        return fields, steps


class ProtocolLookupForm(forms.Form):
    """Which protocol applies: the place and what is known of the situation."""

    state = forms.ChoiceField(
        label=_("State"), choices=[("", "—"), *USStateChoices.choices], required=False
    )
    county = forms.CharField(label=_("County"), max_length=100, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    trafficking_type = forms.ChoiceField(
        label=_("Type of trafficking"),
        choices=[("", "Not known"), *CaseTraffickingTypeChoices.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in TRISTATE:
            self.fields[name] = forms.ChoiceField(
                label=TRISTATE_LABELS[name], choices=KNOWN_YES_NO, required=False
            )

    def place_and_situation(self):
        from lantern.protocols.engine import Place, Situation

        data = self.cleaned_data
        place = Place(state=data["state"], county=data["county"], city=data["city"])
        situation = Situation(
            trafficking_type=data["trafficking_type"] or None,
            **{name: _tristate(data[name]) for name in TRISTATE},
        )
        return place, situation
