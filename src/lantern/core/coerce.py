"""One way to check input: turn what a client sent into a Python value, or say why not.

Every converter takes the raw value (text from a query string, a form or a CSV cell, or a JSON
value) and returns the value, ``None`` for "not given", or raises ``Invalid`` with a reason a
person can read. On top of them sit three thin policies, one per kind of caller:

- ``Collect``: forms and the API gather every bad field, then refuse once (``InvalidInput``);
- ``Warn``: the importer keeps the row, drops the bad value and reports it;
- ``strict(...)``: one value, refused at once (``InvalidInput``).

Text is never accepted with a lone UTF-16 surrogate (``"\\ud800"``, which JSON can carry but
UTF-8 cannot store) or a NUL character (PostgreSQL refuses it): both are clear 4xx errors
instead of a 500 from the database or the encryption layer.
"""

from __future__ import annotations

import math
import re
import uuid as uuid_module
from collections.abc import Callable, Iterable
from datetime import date as date_type

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from lantern.core.errors import InvalidInput

TRUE = frozenset({"1", "true", "yes", "on", "t", "y"})
FALSE = frozenset({"0", "false", "no", "off", "f", "n"})
# Dates a hotline can mean: the database and date arithmetic (a day after 9999-12-31) stay safe.
MIN_DATE, MAX_DATE = date_type(1900, 1, 1), date_type(2199, 12, 31)
# Page numbers and other counts from a client: far past any real table, far below 2**63.
MAX_INT = 10**9
_SURROGATE = re.compile("[\ud800-\udfff]")


class Invalid(ValueError):
    """A value that cannot be accepted; ``str(exc)`` says why."""


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value, *, max_length: int | None = None, required: bool = False, strip: bool = True):
    """Text, stripped; ``None`` when blank (unless ``required``)."""
    if value is None:
        if required:
            raise Invalid("is required")
        return None
    if not isinstance(value, str):
        raise Invalid("must be text")
    check_text(value)
    if strip:
        value = value.strip()
    if required and not value:
        raise Invalid("is required")
    if max_length is not None and len(value) > max_length:
        raise Invalid(f"is too long ({len(value):,} characters; the limit is {max_length:,})")
    return value


def check_text(value: str) -> str:
    """``value`` unchanged, or ``Invalid`` for a NUL or a lone surrogate."""
    if "\x00" in value:
        raise Invalid("contains a NUL character")
    if _SURROGATE.search(value):
        raise Invalid("contains a character that is not valid Unicode (a lone surrogate)")
    return value


def boolean(value, *, strict: bool = False):
    """``True``/``False``; ``None`` when blank. Text: 1/0, true/false, yes/no, on/off, t/f, y/n
    (any case). With ``strict`` only a real boolean (a JSON ``true``/``false``) is accepted."""
    if isinstance(value, bool):
        return value
    if strict:
        raise Invalid("must be true or false")
    if _blank(value):
        return None
    lowered = str(value).strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise Invalid("must be true or false (1/0)")


def integer(value, *, minimum: int | None = None, maximum: int | None = MAX_INT):
    """A whole number within the bounds; ``None`` when blank. ``"3.0"`` is 3, ``"3.5"`` is not."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise Invalid("must be a whole number")
    if isinstance(value, int):
        number = value
    else:
        raw = str(value).strip()
        if not re.fullmatch(r"[+-]?\d{1,30}(\.0*)?", raw):
            raise Invalid("must be a whole number")
        number = int(raw.split(".")[0])
    if minimum is not None and number < minimum:
        raise Invalid(_range("must be", minimum, maximum))
    if maximum is not None and number > maximum:
        raise Invalid(_range("must be", minimum, maximum))
    return number


def _range(prefix, low, high) -> str:
    if low is not None and high is not None:
        return f"{prefix} between {low} and {high}"
    return f"{prefix} {low} or more" if low is not None else f"{prefix} {high} or less"


def number(value, *, minimum: float | None = None, maximum: float | None = None):
    """A finite decimal number within the bounds; ``None`` when blank."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise Invalid("must be a number")
    try:
        result = float(str(value).strip())
    except ValueError:
        raise Invalid("must be a number") from None
    if not math.isfinite(result):
        raise Invalid("must be a finite number")
    if (minimum is not None and result < minimum) or (maximum is not None and result > maximum):
        raise Invalid(_range("must be", minimum, maximum))
    return result


def uuid(value):
    """A UUID; ``None`` when blank."""
    if _blank(value):
        return None
    if isinstance(value, uuid_module.UUID):
        return value
    try:
        return uuid_module.UUID(str(value).strip())
    except ValueError:
        raise Invalid("is not a valid id") from None


def email(value, *, max_length: int = 254):
    """An email address, lower-cased; ``None`` when blank."""
    value = text(value, max_length=max_length)
    if not value:
        return None
    try:
        validate_email(value)
    except ValidationError:
        raise Invalid("is not an email address") from None
    return value.lower()


def date(value, *, minimum: date_type = MIN_DATE, maximum: date_type = MAX_DATE):
    """A calendar date (``YYYY-MM-DD``) between the bounds; ``None`` when blank."""
    if _blank(value):
        return None
    if isinstance(value, date_type):
        parsed = value
    else:
        try:
            parsed = date_type.fromisoformat(text(value))
        except ValueError:
            raise Invalid("not a date (YYYY-MM-DD)") from None
    if not minimum <= parsed <= maximum:
        raise Invalid(f"must be between {minimum.isoformat()} and {maximum.isoformat()}")
    return parsed


def choice(value, choices: Iterable[str], *, fold_case: bool = True):
    """One of ``choices`` (compared lower-cased unless ``fold_case`` is off); ``None`` when
    blank."""
    if _blank(value):
        return None
    raw = text(value)
    candidate = raw.lower() if fold_case else raw
    allowed = list(choices)
    if candidate not in allowed:
        raise Invalid(f"{raw!r} is not one of: {', '.join(allowed)}")
    return candidate


# --- policies ---------------------------------------------------------------------------------


class Collect(dict):
    """Collect errors by field, refuse once: ``v = Collect(); x = v("page", integer, raw);
    ...; v.raise_if_any()``. A bad value becomes ``None`` and its reason goes in the dict."""

    def __call__(self, field: str, convert: Callable, value, **options):
        try:
            return convert(value, **options)
        except Invalid as exc:
            self[field] = str(exc)
            return None

    def raise_if_any(self) -> None:
        if self:
            raise InvalidInput(dict(self))


class Warn:
    """Keep going without the bad value: ``warn(message)`` is told why it was dropped."""

    def __init__(self, warn: Callable[[str], None]):
        self.warn = warn

    def __call__(self, field: str, convert: Callable, value, **options):
        try:
            return convert(value, **options)
        except Invalid as exc:
            self.warn(f"{field} {value!r} {exc}, left out")
            return None


def strict(field: str, convert: Callable, value, **options):
    """One value, refused at once with ``InvalidInput({field: reason})``."""
    try:
        return convert(value, **options)
    except Invalid as exc:
        raise InvalidInput({field: str(exc)}) from None


def find_bad_text(value, path: str = "body") -> tuple[str, str] | None:
    """The first string anywhere in a parsed JSON document that ``check_text`` refuses, as
    ``(path, reason)``; ``None`` when all are fine."""
    if isinstance(value, str):
        try:
            check_text(value)
        except Invalid as exc:
            return path, str(exc)
        return None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = find_bad_text(key, path) if isinstance(key, str) else None
        found = found or find_bad_text(item, f"{path}.{key}" if path != "body" else str(key))
        if found:
            return found
    return None
