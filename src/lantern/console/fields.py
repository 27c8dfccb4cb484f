"""Form fields the console's forms share: dates a hotline can mean.

Django's date fields accept any year up to 9999, and a day after 9999-12-31 (a list filter's
"to" date, inclusive) or a time zone shift of it overflows into a 500. These fields take only
dates within ``core.coerce``'s bounds (1900 to 2199) and say so.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from lantern.core import coerce


class DateField(forms.DateField):
    def validate(self, value):
        super().validate(value)
        if value is not None:
            try:
                coerce.date(value)
            except coerce.Invalid as exc:
                raise ValidationError(str(exc), code="out_of_range") from None


class DateTimeField(forms.DateTimeField):
    def validate(self, value):
        super().validate(value)
        if value is not None:
            try:
                coerce.date(value.date())
            except coerce.Invalid as exc:
                raise ValidationError(str(exc), code="out_of_range") from None
