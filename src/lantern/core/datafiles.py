"""Configuration kept in versioned YAML files (statuses, report overrides, ...): read one, or the
copy a deployment names in an environment variable, and turn any read error into a clear
ImproperlyConfigured."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import yaml
from django.core.exceptions import ImproperlyConfigured


@functools.cache
def _read(path: str):
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ImproperlyConfigured(f"{path}: {exc}") from exc


def load(env_var: str, default: Path, parse):
    """``parse(document, source)`` of the file named by ``env_var``, or of ``default``.

    Files are read once per process; ``parse`` runs on every call, so keep it cheap or cache
    its result (see ``cases.statuses.current``)."""
    path = os.environ.get(env_var) or str(default)
    return _parsed(path, parse)


@functools.cache
def _parsed(path: str, parse):
    return parse(_read(path), path)


def clear() -> None:
    """Forget what was read (tests that point an environment variable at another file)."""
    _read.cache_clear()
    _parsed.cache_clear()
