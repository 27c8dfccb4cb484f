"""Checks shared by the directory actions: each adds one message per bad field to ``errors``
(``fail`` raises them together as ``InvalidInput``) and returns the cleaned value. Parsing is
``core.coerce``'s, as everywhere else; what is here is the directory's policy (blank is "",
the messages its forms show)."""

from __future__ import annotations

import re
from datetime import time

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from lantern.accounts import rules
from lantern.core import coerce
from lantern.core.errors import InvalidInput
from lantern.directory.choices import (
    WeekdayChoices,
)

WEEKDAYS = list(WeekdayChoices.values)  # MO .. SU
_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


# --- helpers ------------------------------------------------------------------------------------


def require_manager(actor) -> None:
    if actor is not None:
        rules.require(actor, "manage_directory")


def text(data: dict, key: str, errors: dict, *, required=False, max_length=300, label="") -> str:
    try:
        value = coerce.text(data.get(key), max_length=max_length) or ""
    except coerce.Invalid as exc:
        errors[key] = str(exc)
        return ""
    if required and not value:
        errors[key] = f"{label or key.replace('_', ' ').capitalize()} is required"
    return value


def email(value: str, key: str, errors: dict) -> str:
    """Kept as written (the directory shows an agency's address as the agency gives it)."""
    try:
        coerce.email(value)
    except coerce.Invalid:
        errors[key] = f"{value!r} is not an email address"
    return value


def url(value: str, key: str, errors: dict) -> str:
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            errors[key] = f"{value!r} is not a web address (https://...)"
    return value


def boolean(value) -> bool:
    """Yes or no; blank, and anything that is neither, is no."""
    if not isinstance(value, str):
        return bool(value)
    try:
        return bool(coerce.boolean(value))
    except coerce.Invalid:
        return False


def choice(value, choices, key: str, errors: dict, what: str) -> str:
    value = (value or "").strip() if isinstance(value, str) else value
    if value and value not in choices.values:
        errors[key] = f"{value!r} is not a known {what}"
        return ""
    return value or ""


def age(value, key: str, errors: dict) -> int | None:
    try:
        age = coerce.integer(value)
    except coerce.Invalid:
        errors[key] = "must be a whole number of years"
        return None
    if age is None:
        return None
    if not 0 <= age <= 120:
        errors[key] = "must be between 0 and 120"
        return None
    return age


def number(value, key: str, errors: dict, low: float, high: float, what: str) -> float | None:
    try:
        number = coerce.number(value)
    except coerce.Invalid:
        errors[key] = f"{value!r} is not a number"
        return None
    if number is None:
        return None
    if not low <= number <= high:
        errors[key] = f"{what} must be between {low:g} and {high:g}"
        return None
    return number


def clock_time(value, key: str, errors: dict) -> time | None:
    if value in (None, ""):
        return None
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    match = _TIME_RE.match(str(value).strip())
    if not match:
        errors[key] = f"{value!r} is not a time (HH:MM, 24-hour clock)"
        return None
    return time(int(match[1]), int(match[2]))


def rows_of(data: dict, key: str, errors: dict) -> list:
    value = data.get(key) or []
    if isinstance(value, str):
        value = [v for v in re.split(r"[,\s]+", value) if v]
    if not isinstance(value, list | tuple):
        errors[key] = "must be a list"
        return []
    return list(value)


def fail(errors: dict) -> None:
    if errors:
        raise InvalidInput(errors)
