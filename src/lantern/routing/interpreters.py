"""Interpreter lines: data, like the triage rules. ``LANTERN_INTERPRETER_LINES`` names a YAML
file mapping a language code, or ``"*"`` for any language, to an interpreter service's number
and the digits to send once it answers (account, PIN, language code; ``w`` waits half a
second)::

    vi: {phone: "+18005550100", digits: "wwww1234#"}
    "*": {phone: "+18005550199", digits: "ww5678#"}

A file that cannot work is refused with a message naming the line, when it is first read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lantern.core.phone import normalize_phone

ANY = "*"
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_DIGITS = re.compile(r"^[0-9wW*#]{0,64}$")


class InterpreterLinesError(ImproperlyConfigured):
    pass


@dataclass(frozen=True)
class Line:
    key: str  # the language code, or "*"
    phone: str
    digits: str = ""


def parse(data) -> dict[str, Line]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InterpreterLinesError("interpreter lines: give a mapping of language -> line")
    lines = {}
    for key, value in data.items():
        key = str(key).strip()
        if key != ANY and not _LANGUAGE.match(key):
            raise InterpreterLinesError(f"interpreter lines: {key!r} is not a language code")
        if not isinstance(value, dict) or "phone" not in value:
            raise InterpreterLinesError(f"interpreter lines: {key}: give a phone number")
        unknown = set(value) - {"phone", "digits"}
        if unknown:
            raise InterpreterLinesError(f"interpreter lines: {key}: unknown {sorted(unknown)[0]}")
        try:
            phone = normalize_phone(str(value["phone"]))
        except ValueError as exc:
            raise InterpreterLinesError(f"interpreter lines: {key}: {exc}") from None
        digits = str(value.get("digits") or "")
        if not _DIGITS.match(digits):
            raise InterpreterLinesError(
                f"interpreter lines: {key}: digits may hold 0-9, w, *, # (64 at most)"
            )
        lines[key] = Line(key=key, phone=phone, digits=digits)
    return lines


_cache: dict[str, dict[str, Line]] = {}


def lines() -> dict[str, Line]:
    path = settings.INTERPRETER_LINES
    if not path:
        return {}
    if path not in _cache:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise InterpreterLinesError(
                f"interpreter lines: cannot read {path} ({exc.strerror})"
            ) from None
        try:
            _cache[path] = parse(yaml.safe_load(text))
        except yaml.YAMLError as exc:
            raise InterpreterLinesError(f"interpreter lines: {path} is not YAML ({exc})") from None
    return _cache[path]


def line_for(language: str, *, tried: tuple[str, ...] = ()) -> Line | None:
    """The line for ``language`` (its base language too: ``pt`` for ``pt-BR``), else the
    ``"*"`` line; none already ``tried``."""
    known = lines()
    base = (language or "").split("-")[0].lower()
    for key in (language, base, ANY):
        if key and key in known and key not in tried:
            return known[key]
    return None
