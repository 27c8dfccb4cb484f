"""Turning contact input (the API's shape) into clean model values, or field-named errors.

Input shape::

    {channel, received_at, ended_at, language, interpreter_used, caller_type, call_types: [...],
     at_risk: [...], urgent, heard_about, summary, handled_by,
     location: {state, county, city, postal_code}, caller: {name, phone, email}}

The console and the API both pass this shape to the actions, so there is one set of rules.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from lantern.contacts.choices import NON_DATA_CALL_TYPES
from lantern.contacts.exceptions import ContactValidationError
from lantern.core import coerce
from lantern.core.geo import normalize_state, normalize_zip
from lantern.core.language import normalize_language
from lantern.core.phone import normalize_phone

MAX_TEXT = 20_000
MAX_SHORT = 100
MAX_NAME = 200
CLOCK_SKEW = timedelta(minutes=5)
# Columns that always hold a value: null on update is refused, null on create means "default".
NOT_NULL = frozenset({"received_at", "language", "interpreter_used", "urgent", "caller_type"})
BLANK_IS_EMPTY = frozenset({"heard_about"})
LIST_FIELDS = frozenset({"at_risk"})  # null or "" clears them to []

TOP_LEVEL = {
    "channel",
    "received_at",
    "ended_at",
    "language",
    "interpreter_used",
    "caller_type",
    "call_types",
    "at_risk",
    "urgent",
    "heard_about",
    "summary",
    "handled_by",
    "location",
    "caller",
}
LOCATION_FIELDS = {"state", "county", "city", "postal_code"}
CALLER_FIELDS = {"name", "phone", "email"}


class _Errors(dict):
    def check(self, field, fn, *args):
        try:
            return fn(*args)
        except (ValueError, ValidationError) as exc:
            self[field] = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            return None


def _datetime(value) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    else:
        parsed = parse_datetime(str(value)) if value else None
        if parsed is None:
            raise ValueError("not a date and time (ISO 8601, e.g. 2026-11-22T14:05:00-05:00)")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _choice(field: str, form):
    allowed = form.definition[field]

    def check(value):
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of: {', '.join(allowed)}")
        return value

    return check


def _text(limit: int):
    def check(value):
        return coerce.text(value, max_length=limit)

    return check


def _bool(value):
    return coerce.boolean(value, strict=True)


def _call_types(form):
    check_one = _choice("call_type", form)

    def check(values):
        if not isinstance(values, list | tuple) or not values:
            raise ValueError("choose at least one call type")
        cleaned = list(dict.fromkeys(check_one(v) for v in values))
        non_data = [v for v in cleaned if v in NON_DATA_CALL_TYPES]
        if non_data and len(cleaned) > 1:
            raise ValueError(f"{non_data[0]!r} is a non-data call type and cannot be combined")
        return cleaned

    return check


def _at_risk(form):
    allowed = form.definition.get("at_risk", [])

    def check(values):
        if not isinstance(values, list | tuple):
            raise ValueError("expected a list")
        if values and not allowed:
            raise ValueError(f"form version {form.version} records no at-risk categories")
        for value in values:
            if value not in allowed:
                raise ValueError(f"{value!r} is not one of: {', '.join(allowed)}")
        return list(dict.fromkeys(values))

    return check


def _email(value):
    return coerce.email(value)


def clean_contact(data: dict, form, *, partial: bool = False, now=None) -> dict:
    """Validate ``data`` against ``form`` (a ``ContactFormVersion``).

    Returns flat model values (``state``, ``caller_phone`` ... plus ``call_types`` as a list).
    With ``partial`` only the given fields are checked and returned (PATCH). Raises
    ``ContactValidationError`` naming every bad field.
    """
    if not isinstance(data, dict):
        raise ContactValidationError({"body": "expected an object"})
    now = now or timezone.now()
    errors = _Errors()
    out: dict = {}

    for key in data.keys() - TOP_LEVEL:
        errors[key] = "unknown field"
    for group, allowed in (("location", LOCATION_FIELDS), ("caller", CALLER_FIELDS)):
        sub = data.get(group)
        if sub is None:
            continue
        if not isinstance(sub, dict):
            errors[group] = "must be an object"
            continue
        for key in sub.keys() - allowed:
            errors[f"{group}.{key}"] = "unknown field"

    def take(field, fn, *, key=None, required=False):
        if field not in data:
            if required and not partial:
                errors[field] = "this field is required"
            return
        value = data[field]
        if value is None or value == "":
            if required:
                errors[field] = "this field is required"
            elif field in NOT_NULL:
                # on create, absent means the default; on update it cannot be cleared
                if partial:
                    errors[field] = "cannot be empty"
            else:
                empty = "" if field in BLANK_IS_EMPTY else [] if field in LIST_FIELDS else None
                out[key or field] = empty
            return
        result = errors.check(field, fn, value)
        if field not in errors:
            out[key or field] = result

    take("channel", _choice("channel", form), required=True)
    take("call_types", _call_types(form), required=True)
    take("received_at", _datetime)
    take("ended_at", _datetime)
    take("language", normalize_language)
    take("interpreter_used", _bool)
    take("urgent", _bool)
    take("caller_type", _choice("caller_type", form))
    take("at_risk", _at_risk(form))
    take("heard_about", _choice("heard_about", form))
    take("summary", _text(MAX_TEXT))
    take("handled_by", _text(MAX_NAME))

    location = data.get("location") if isinstance(data.get("location"), dict) else {}
    caller = data.get("caller") if isinstance(data.get("caller"), dict) else {}
    for field, fn, key in (
        ("state", normalize_state, "state"),
        ("county", _text(MAX_SHORT), "county"),
        ("city", _text(MAX_SHORT), "city"),
        ("postal_code", normalize_zip, "postal_code"),
    ):
        if field in location:
            value = location[field]
            if value in (None, ""):
                out[key] = ""
            elif (result := errors.check(f"location.{field}", fn, value)) is not None:
                out[key] = result
    for field, fn in (("name", _text(MAX_NAME)), ("phone", normalize_phone), ("email", _email)):
        if field in caller:
            value = caller[field]
            if value in (None, ""):
                out[f"caller_{field}"] = None
            elif (result := errors.check(f"caller.{field}", fn, value)) is not None:
                out[f"caller_{field}"] = result

    if out.get("at_risk") and "call_types" in out and "at_risk" not in out["call_types"]:
        errors["at_risk"] = "only a contact with the 'at_risk' call type records at-risk categories"
    for field in ("received_at", "ended_at"):
        if out.get(field) and out[field] > now + CLOCK_SKEW:
            errors[field] = "is in the future"
    if out.get("received_at") and out.get("ended_at") and out["ended_at"] < out["received_at"]:
        errors["ended_at"] = "is before received_at"

    if errors:
        raise ContactValidationError(dict(errors))
    return out
