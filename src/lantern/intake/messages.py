"""The hotline's automatic words and phone menu.

The words are ``intake/texts.py``, translated in intake's catalogues into every language of the
hotline. ``data/messages.yaml`` (or the copy named by ``LANTERN_INTAKE_MESSAGES_FILE``) may
replace any of them, per language, and holds the phone settings; it is checked when first read.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from lantern.core import languages
from lantern.intake.texts import TEXTS

DEFAULT_FILE = Path(__file__).parent / "data" / "messages.yaml"


def _path() -> str:
    return getattr(settings, "LANTERN_INTAKE_MESSAGES_FILE", "") or str(DEFAULT_FILE)


@lru_cache(maxsize=4)
def _load(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    for channel, texts in (data.get("texts") or {}).items():
        for name, by_language in (texts or {}).items():
            if not isinstance(by_language, dict) or not all(
                isinstance(v, str) and v.strip() for v in by_language.values()
            ):
                raise ImproperlyConfigured(
                    f"{path}: texts.{channel}.{name} must map languages to texts"
                )
            if name not in (TEXTS.get(channel) or TEXTS["messages"]):
                raise ImproperlyConfigured(f"{path}: texts.{channel}.{name} is not a known text")
    return data


def language_of(tag: str | None) -> languages.Language | None:
    """The hotline's language for a contact's language or hint (``es-MX`` -> Spanish)."""
    return languages.find(tag)


def text(channel: str, name: str, language: str | None = "en", /, **values) -> str:
    """A text in the person's language, else English; ``texts.messages`` serves every text
    channel without its own version.

    The file's version for the language comes first, then the catalogue's translation. A text
    whose English the file changes keeps only the file's translations: the catalogue's would
    translate the old words."""
    own = _load(_path()).get("texts") or {}
    default = (TEXTS.get(channel) or {}).get(name) or TEXTS["messages"][name]
    override = (own.get(channel) or {}).get(name) or (
        (own.get("messages") or {}).get(name) if name not in TEXTS.get(channel, {}) else None
    ) or {}  # fmt: skip
    lang = language_of(language) or language_of(languages.DEFAULT)
    tag = (language or "").strip()
    chosen = override.get(tag) or override.get(lang.code) or override.get(lang.primary)
    if chosen is None and "en" in override:
        chosen = override["en"]
    if chosen is None:
        with translation.override(lang.code):
            chosen = str(default)
    return chosen % values if values else chosen


def say(language: str | None) -> tuple[languages.Language, dict]:
    """The language the phone prompts are spoken in for a caller's language, and <Say>'s
    attributes: the caller's own where Twilio has a voice for it, else English."""
    lang = language_of(language)
    if lang is None or not lang.say_language:
        lang = language_of(languages.DEFAULT)
    attributes = {"language": lang.say_language or "en-US"}
    if lang.say_voice:
        attributes["voice"] = lang.say_voice
    return lang, attributes


def menu() -> dict[str, languages.Language]:
    """The phone menu's keys and the languages they choose (``key`` in languages.yaml)."""
    return {lang.key: lang for lang in languages.all_languages() if lang.key}


def voice() -> dict:
    return _load(_path()).get("voice") or {}
