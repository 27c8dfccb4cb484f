"""The request form, shared by the public page (/assistance/) and the console (a request from
a logged contact); the action checks everything again (``actions._clean_request``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.assistance import queries
from lantern.assistance.actions import MAX_SHORT, MAX_TEXT
from lantern.assistance.choices import (
    AssistanceDeliverableKindChoices,
    AssistanceRequestOrganizationTypeChoices,
    AssistanceRequestStatusChoices,
)
from lantern.core.geo import USStateChoices

NOT_SAID = [("", "—")]


class AssistanceRequestForm(forms.Form):
    requester_name = forms.CharField(label=_("Your name"), max_length=MAX_SHORT)
    organization = forms.CharField(
        label=_("Organization (optional)"), max_length=MAX_SHORT, required=False
    )
    organization_type = forms.ChoiceField(
        label=_("Kind of organization"),
        choices=[*NOT_SAID, *AssistanceRequestOrganizationTypeChoices.choices],
    )
    email = forms.EmailField(label=_("Email address"), max_length=254, required=False)
    phone = forms.CharField(
        label=_("Phone number"), max_length=40, required=False,
        help_text=_("An email address or a phone number: at least one."),
    )  # fmt: skip
    state = forms.ChoiceField(
        label=_("State or territory"), choices=[*NOT_SAID, *USStateChoices.choices],
        required=False,
    )  # fmt: skip
    topic = forms.ChoiceField(label=_("Topic"))
    description = forms.CharField(
        label=_("What do you need?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_TEXT,
        help_text=_(
            "For example: a training for 30 staff, advice on a protocol, or materials to hand out."
        ),
    )
    deadline = forms.DateField(
        label=_("Needed by (optional)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    urgent = forms.BooleanField(
        label=_("This is urgent (we answer urgent requests the next business day)"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [*NOT_SAID, *queries.topic_choices()]

    def clean(self):
        data = super().clean()
        if "\x00" in "".join(str(v) for v in data.values() if isinstance(v, str)):
            raise forms.ValidationError(_("The form contains a character it cannot store."))
        return data

    def add_action_errors(self, errors: dict) -> None:
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)


class AssistanceFilterForm(forms.Form):
    """The console queue's filters."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("open", _("Open")), ("", _("Any status")),
                 *AssistanceRequestStatusChoices.choices],
        required=False,
    )  # fmt: skip
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
    reference = forms.CharField(label=_("Reference"), max_length=20, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [
            ("", _("Anyone")), ("me", _("Me")), ("none", _("Nobody yet")),
            *[(str(u.pk), u.get_username()) for u in queries.owners()],
        ]  # fmt: skip
        self.fields["topic"].choices = [
            ("", _("Any topic")),
            *[(t.key, t.label()) for t in queries.topics(active_only=False)],
        ]


class AssignForm(forms.Form):
    owner = forms.ChoiceField(label=_("Assign to"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [
            ("", _("Nobody")), *[(str(u.pk), u.get_username()) for u in queries.owners()],
        ]  # fmt: skip


class DeliverableForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=AssistanceDeliverableKindChoices.choices)
    delivered_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(
        label=_("Hours spent"), min_value=0, max_value=1000, decimal_places=2, initial=0
    )
    note = forms.CharField(
        label=_("Note (optional)"), widget=forms.Textarea(attrs={"rows": 2}), max_length=MAX_TEXT,
        required=False,
    )  # fmt: skip
