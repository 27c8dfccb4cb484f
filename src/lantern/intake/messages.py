"""The hotline's automatic words and phone menu (``data/messages.yaml``, or the copy named by
``LANTERN_INTAKE_MESSAGES_FILE``), checked when first read."""

from __future__ import annotations

from datetime import datetime, time
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_FILE = Path(__file__).parent / "data" / "messages.yaml"
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


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
    voice = data.get("voice") or {}
    hours = voice.get("general_hours") or {}
    try:
        hours["_zone"] = ZoneInfo(hours.get("time_zone", "America/New_York"))
        hours["_opens"] = time.fromisoformat(hours.get("opens", "09:00"))
        closes = str(hours.get("closes", "19:00"))
        hours["_closes"] = time.max if closes == "24:00" else time.fromisoformat(closes)
        hours["_days"] = {DAYS.index(d) for d in hours.get("days", DAYS[:5])}
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"{path}: voice.general_hours: {exc}") from exc
    voice["general_hours"] = hours
    return data


def text(channel: str, name: str, language: str = "en") -> str:
    by_language = _load(_path())["texts"][channel][name]
    primary = (language or "en").split("-")[0].lower()
    return by_language.get(language) or by_language.get(primary) or by_language["en"]


def voice() -> dict:
    return _load(_path())["voice"]


def general_hours_open(at: datetime) -> bool:
    """Whether advocates answer non-urgent calls at ``at`` (the configured weekly hours)."""
    hours = voice()["general_hours"]
    local = at.astimezone(hours["_zone"])
    return local.weekday() in hours["_days"] and hours["_opens"] <= local.time() < hours["_closes"]
