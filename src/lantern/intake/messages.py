"""The hotline's automatic words and phone menu (``data/messages.yaml``, or the copy named by
``LANTERN_INTAKE_MESSAGES_FILE``), checked when first read."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_FILE = Path(__file__).parent / "data" / "messages.yaml"


def _path() -> str:
    return getattr(settings, "LANTERN_INTAKE_MESSAGES_FILE", "") or str(DEFAULT_FILE)


@lru_cache(maxsize=4)
def _load(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    for channel, texts in (data.get("texts") or {}).items():
        for name, by_language in (texts or {}).items():
            if not isinstance(by_language, dict) or not by_language.get("en"):
                raise ImproperlyConfigured(f"{path}: texts.{channel}.{name} needs an 'en' text")
    return data


def text(channel: str, name: str, language: str = "en") -> str:
    """A text in the person's language (else English); ``texts.messages`` serves every text
    channel without its own version."""
    texts = _load(_path())["texts"]
    by_language = (texts.get(channel) or {}).get(name) or texts["messages"][name]
    primary = (language or "en").split("-")[0].lower()
    return by_language.get(language) or by_language.get(primary) or by_language["en"]


def voice() -> dict:
    return _load(_path())["voice"]

