"""Differential privacy for a release's tables, with OpenDP.

Every cell of a table's whole grid (every state, every category the choices allow, zeros
included: noising only the non-empty cells would tell who is there) gets integer noise,
calibrated to what one case or contact can change (the table's sensitivity) and the epsilon
the table spends. Negative counts become 0 and totals are added up from the noisy cells:
post-processing, which costs no privacy. Which languages get their own column is fixed in
advance (the hotline's language hints), not read from the data.
"""

from __future__ import annotations

import math

from django.conf import settings as django_settings

from lantern.stats import labels
from lantern.stats.tables import NATIONAL, UNKNOWN_STATE, TableSpec


def sensitivity(spec: TableSpec, cap: int) -> int:
    """The most one unit can change the table, summed over cells (L1)."""
    return cap if spec.unit == "potential_victims" else spec.sensitivity


def grid(spec: TableSpec) -> tuple[list[str], list[str]]:
    """Every row and column the table could have, decided without looking at the data."""
    from lantern.core.geo import USStateChoices

    rows = [*USStateChoices.values, UNKNOWN_STATE] if spec.by_state else [NATIONAL]
    known = labels.known_columns(spec.column)
    # languages: the configured hints, and everything else as "other"
    hints = [*django_settings.LANTERN_LANGUAGE_HINTS, "other"]
    return rows, hints if known is None else sorted(known)


def _fit(spec: TableSpec, rows: list[list], cols: list[str]) -> dict:
    counts: dict = {}
    for r, c, n in rows:
        key = (r, c if c in cols else "other")
        counts[key] = counts.get(key, 0) + n
    return counts


def gaussian_scale(sens: int, epsilon: float, delta: float) -> float:
    """The discrete Gaussian's scale whose zCDP (rho = sens^2 / 2 scale^2) converts to
    (epsilon, delta)-DP: epsilon = rho + 2 sqrt(rho ln(1/delta))."""
    log_term = math.log(1 / delta)
    root_rho = -math.sqrt(log_term) + math.sqrt(log_term + epsilon)
    return sens / (math.sqrt(2) * root_rho)


def noisy(spec: TableSpec, rows: list[list], epsilon: float, options) -> list[list]:
    """The table's whole grid with noise: ``[[row, column, noisy count], ...]``."""
    import opendp.prelude as dp

    dp.enable_features("contrib")
    grid_rows, grid_cols = grid(spec)
    counts = _fit(spec, rows, grid_cols)
    cells = [(r, c) for r in grid_rows for c in grid_cols]
    values = [int(counts.get(cell, 0)) for cell in cells]
    sens = sensitivity(spec, options.max_victims_per_case)
    space = dp.vector_domain(dp.atom_domain(T=int))
    if options.noise == "gaussian":
        scale = gaussian_scale(sens, epsilon, options.delta)
        measurement = dp.m.make_gaussian(space, dp.l2_distance(T=int), scale=scale)
        rho = measurement.map(sens)  # L2 <= L1 for integer counts
        spent = rho + 2 * math.sqrt(rho * math.log(1 / options.delta))
    else:
        measurement = dp.m.make_laplace(space, dp.l1_distance(T=int), scale=sens / epsilon)
        spent = measurement.map(sens)
    if spent > epsilon * (1 + 1e-9):
        raise ValueError(f"{spec.key}: the noise would spend {spent}, more than {epsilon}")
    released = measurement(values)
    return [[r, c, max(0, int(n))] for (r, c), n in zip(cells, released, strict=True)]
