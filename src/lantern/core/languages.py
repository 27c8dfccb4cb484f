"""The hotline's languages (``core/data/languages.yaml``): one list for the public site's
switch, Django's ``LANGUAGES``, the automatic messages and their phone voices, the language hint
and triage. Read without Django (settings import it), once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

FILE = Path(__file__).parent / "data" / "languages.yaml"
DEFAULT = "en"


@dataclass(frozen=True)
class Language:
    code: str  # Django's code: "es", "zh-hans"
    name: str  # in itself: "Español"
    english: str
    hint: str = ""  # py3langid's code for it
    rtl: bool = False
    say_language: str = ""  # Twilio <Say language=...>; "" = no voice, English prompts
    say_voice: str = ""
    key: str = ""  # the phone menu's key
    review: bool = False  # translations wait for a native speaker's review

    @property
    def primary(self) -> str:
        return self.code.split("-")[0]


@functools.cache
def all_languages() -> tuple[Language, ...]:
    with open(FILE, encoding="utf-8") as f:
        rows = (yaml.safe_load(f) or {}).get("languages") or []
    languages = []
    for row in rows:
        say = row.get("say") or {}
        languages.append(
            Language(
                code=str(row["code"]).lower(), name=str(row["name"]),
                english=str(row["english"]), hint=str(row.get("hint") or ""),
                rtl=bool(row.get("rtl")), say_language=str(say.get("language") or ""),
                say_voice=str(say.get("voice") or ""), key=str(row.get("key") or ""),
                review=bool(row.get("review")),
            )
        )  # fmt: skip
    codes = [lang.code for lang in languages]
    if not languages or codes[0] != DEFAULT or len(set(codes)) != len(codes):
        raise ValueError(f"{FILE}: the list must start with {DEFAULT!r} and name each code once")
    return tuple(languages)


def choices() -> list[tuple[str, str]]:
    """For ``settings.LANGUAGES``: each language named in itself."""
    return [(lang.code, lang.name) for lang in all_languages()]


def rtl_codes() -> list[str]:
    return [lang.code for lang in all_languages() if lang.rtl]


def hints() -> list[str]:
    return [lang.hint for lang in all_languages() if lang.hint]


def find(tag: str | None) -> Language | None:
    """The hotline's language for a BCP 47 tag or a hint: ``es-MX`` -> Spanish, ``zh`` and
    ``zh-CN`` -> Chinese (Simplified), ``fil`` -> Tagalog; None for any other."""
    tag = (tag or "").strip().lower().replace("_", "-")
    if not tag:
        return None
    primary = tag.split("-")[0]
    primary = {"fil": "tl", "cmn": "zh"}.get(primary, primary)
    for lang in all_languages():
        if tag == lang.code:
            return lang
    if primary == "zh" and any(part in ("hant", "tw", "hk", "mo") for part in tag.split("-")[1:]):
        return None  # traditional Chinese is another written language
    for lang in all_languages():
        if primary in (lang.primary, lang.hint):
            return lang
    return None
