"""The hotline's automatic words (``data/messages.yaml`` or ``LANTERN_INTAKE_MESSAGES_FILE``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_FILE = Path(__file__).parent / "data" / "messages.yaml"


@lru_cache(maxsize=1)
def _load(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    for channel, texts in data.items():
        for name, by_language in (texts or {}).items():
            if not isinstance(by_language, dict) or not by_language.get("en"):
                raise ImproperlyConfigured(f"{path}: {channel}.{name} needs an 'en' text")
    return data


def text(channel: str, name: str, language: str = "en") -> str:
    path = getattr(settings, "LANTERN_INTAKE_MESSAGES_FILE", "") or str(DEFAULT_FILE)
    by_language = _load(path)[channel][name]
    primary = (language or "en").split("-")[0].lower()
    return by_language.get(language) or by_language.get(primary) or by_language["en"]
