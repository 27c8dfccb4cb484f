"""Forms of the training and quality review screens: they collect what was typed; the training
actions validate it."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantern.console.forms import DomainErrors
from lantern.training.choices import SCALES, ScoreValueChoices

LABELS = dict(ScoreValueChoices.choices)


class TrainingRecordForm(DomainErrors, forms.Form):
    course = forms.ModelChoiceField(queryset=None, label=_("Course"), empty_label="—")
    completed_on = forms.DateField(
        label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: how or where it was completed."),
    )

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        self.fields["completed_on"].initial = timezone.localdate()


class ReviewForm(DomainErrors, forms.Form):
    """One radio group per criterion of the rubric (``criterion_<id>``), then the feedback."""

    feedback = forms.CharField(
        label=_("Feedback for the advocate"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What went well and what to do differently. The advocate reads it."),
    )

    def __init__(self, *args, rubric, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(rubric.criteria.all()) if rubric else []
        scored = {}
        for criterion in self.criteria:
            scored[f"criterion_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.name,
                help_text=criterion.description,
                choices=[(value, LABELS[value]) for value in SCALES[criterion.scale]],
                widget=forms.RadioSelect,
                required=False,  # the action says which are missing, with the rest
            )
        self.fields = {**scored, **self.fields}

    def values(self) -> dict:
        return {c.pk: self.cleaned_data.get(f"criterion_{c.pk}") or "" for c in self.criteria}


class PeriodForm(forms.Form):
    """The summary's period: from a day to a day, inclusive."""

    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The period ends before it starts."))
        return cleaned


class ReviewFilterForm(forms.Form):
    """A reviewer's filters on the list of reviews."""

    advocate = forms.ModelChoiceField(
        queryset=None, label=_("Advocate"), required=False, to_field_name="username"
    )
    unread = forms.BooleanField(label=_("Not read yet"), required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advocate"].queryset = staff

    def apply(self, reviews):
        if not self.is_valid():
            return reviews
        if self.cleaned_data["advocate"] is not None:
            reviews = reviews.filter(advocate=self.cleaned_data["advocate"])
        if self.cleaned_data["unread"]:
            reviews = reviews.filter(acknowledged_at__isnull=True)
        return reviews
