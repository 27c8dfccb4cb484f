"""The hotline's statistics settings (``stats/data/stats.yaml`` or ``LANTERN_STATS_FILE``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from lantern.core import datafiles

DEFAULT_FILE = Path(__file__).parent / "data" / "stats.yaml"


@dataclass(frozen=True)
class StatsSettings:
    threshold: int
    budget_per_year: float
    epsilon_per_table: float
    noise: str
    delta: float
    max_victims_per_case: int


def parse(document, source: str = "statistics settings") -> StatsSettings:
    if not isinstance(document, dict):
        raise ImproperlyConfigured(f"{source}: expected 'threshold' and 'dp'")
    threshold = document.get("threshold", 3)
    if not isinstance(threshold, int) or not 2 <= threshold <= 100:
        raise ImproperlyConfigured(f"{source}: threshold is a whole number from 2 to 100")
    dp = document.get("dp") or {}
    try:
        budget = float(dp.get("budget_per_year", 2.0))
        per_table = float(dp.get("epsilon_per_table", 0.1))
        delta = float(dp.get("delta", 1e-7))
        cap = int(dp.get("max_victims_per_case", 10))
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"{source}: dp values are numbers") from None
    if not 0 < per_table <= budget:
        raise ImproperlyConfigured(f"{source}: epsilon_per_table is above 0 and within the budget")
    if dp.get("noise", "laplace") not in ("laplace", "gaussian"):
        raise ImproperlyConfigured(f"{source}: noise is laplace or gaussian")
    if not 0 < delta < 1 or cap < 1:
        raise ImproperlyConfigured(f"{source}: delta is in (0, 1); max_victims_per_case >= 1")
    return StatsSettings(threshold, budget, per_table, dp.get("noise", "laplace"), delta, cap)


def current() -> StatsSettings:
    return datafiles.load("LANTERN_STATS_FILE", DEFAULT_FILE, parse)
