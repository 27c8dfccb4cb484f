"""Building statistics and releasing them: snapshots, a protected and audited release, its
approval for the public site, and the privacy budget ledger.

The stats app reads other apps' data and never writes it (DESIGN.md).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.stats import config, disclosure, labels, privacy, queries
from lantern.stats.choices import ReleaseModeChoices as Mode
from lantern.stats.choices import ReleaseStatusChoices as Status
from lantern.stats.choices import SnapshotPeriodChoices as Period
from lantern.stats.models import BudgetSpend, Release, Snapshot
from lantern.stats.tables import TABLES, TableSpec, spec


class StatsError(Exception):
    """A release that cannot be made: it fails the audit, overspends the budget, names a
    table that is not pre-defined, ... ``problems`` says why; nothing was changed."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def _refuse(actor, problems: list[str], **context) -> StatsError:
    audit.record(actor, Audit.REFUSED, object_type="stats.release",
                 changes={"errors": problems[:20], **context})  # fmt: skip
    return StatsError(problems)


def _bounds(first: date, months: int) -> tuple[datetime, datetime]:
    """Aware datetimes in the hotline's time zone: the first day, and ``months`` later."""
    zone = timezone.get_current_timezone()
    year, month = divmod(first.month - 1 + months, 12)
    last = date(first.year + year, month + 1, 1)
    return (timezone.make_aware(datetime.combine(first, time()), zone),
            timezone.make_aware(datetime.combine(last, time()), zone))  # fmt: skip


def _add(into: dict, rows: list[list]) -> None:
    for r, c, n in rows:
        into[(r, c)] = into.get((r, c), 0) + n


def _as_rows(counts: dict) -> list[list]:
    return [[r, c, n] for (r, c), n in sorted(counts.items())]


def compute_year(year: int, keys=None, options=None) -> dict[str, dict[str, list]]:
    """Every table (or ``keys``) for every month of ``year``, each month one GROUP BY query;
    quarters and the year are sums of months. ``{table: {"2026-01": rows, ..., "2026": rows}}``."""
    options = options or {"max_victims_per_case": config.current().max_victims_per_case}
    out: dict = {}
    for key in keys or TABLES:
        table = spec(key)
        periods: dict = {}
        quarters = [dict() for _ in range(4)]
        whole: dict = {}
        for month in range(1, 13):
            start, end = _bounds(date(year, month, 1), 1)
            rows = table.query(start, end, options)
            periods[f"{year}-{month:02d}"] = rows
            _add(quarters[(month - 1) // 3], rows)
            _add(whole, rows)
        for q, counts in enumerate(quarters, 1):
            periods[f"{year}-Q{q}"] = _as_rows(counts)
        periods[str(year)] = _as_rows(whole)
        out[key] = periods
    return out


def _snapshots(year: int, computed: dict, now) -> list[Snapshot]:
    made = []
    for key, periods in computed.items():
        for label, rows in periods.items():
            if "-Q" in label:
                period, start = Period.QUARTER, date(year, 3 * int(label[-1]) - 2, 1)
            elif "-" in label:
                period, start = Period.MONTH, date(year, int(label[5:]), 1)
            else:
                period, start = Period.YEAR, date(year, 1, 1)
            made.append(Snapshot(table=key, period=period, period_start=start, rows=rows,
                                 computed_at=now))  # fmt: skip
    return made


def do_build_snapshots(year: int, *, actor=None) -> int:
    """Store every table's counts for each month, quarter and the year of ``year``, as of now.
    Earlier snapshots stay: a month's counts can be compared with what they were before late
    logging changed them."""
    rules.require(actor, "prepare_stats", system=True)  # a label ("publish_stats"): the system
    if not queries.reportable_year(year):
        raise _refuse(actor, [f"{year} is not a year the hotline can report on"])
    made = _snapshots(year, compute_year(year), timezone.now())
    with transaction.atomic():
        Snapshot.objects.bulk_create(made)
        audit.record(actor, Audit.CREATE, object_type="stats.snapshot",
                     changes={"year": year, "snapshots": len(made)})  # fmt: skip
    return len(made)


# --- a release ------------------------------------------------------------------------------


def _disclosure_table(table: TableSpec, rows: list[list]) -> disclosure.Table:
    counts = {(r, c): n for r, c, n in rows}
    row_keys = sorted({r for r, _, _ in rows}, key=lambda r: (r == "unknown", r))
    col_keys = sorted({c for _, c, _ in rows}, key=lambda c: (c in ("unknown", "other"), c))
    return disclosure.Table(
        table.key, row_keys or [labels.NATIONAL], col_keys, counts,
        partition=table.partition, margin=table.margin,
    )  # fmt: skip


def _stored(words) -> str:
    """A release's words are the hotline's language, whoever publishes it (pages translate
    them from the codes stored beside them)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(words)


def _publishable(table: TableSpec, t: disclosure.Table, *, small_below: int = 0) -> dict:
    """A protected table as it is published: labels, counts, None where suppressed."""
    shown = disclosure.published(t)

    def value(cell):
        v = shown.get(cell)
        return None if v is None or (small_below and 0 < v < small_below) else v

    def line(r):
        out = {"value": r, "label": labels.row(r), "cells": [value((r, c)) for c in t.cols]}
        if t.partition:
            out["total"] = value((r, disclosure.TOTAL))
        return out

    result = {
        "key": table.key, "title": _stored(table.title), "unit": table.unit,
        "row": table.row or "nation", "column": table.column, "partition": t.partition,
        "columns": [{"value": c, "label": labels.column(table.column, c, grouped=True)}
                    for c in t.cols],
        "rows": [line(r) for r in t.rows],
    }  # fmt: skip
    if t.partition and len(t.rows) > 1:
        result["totals"] = {
            "cells": [value((disclosure.TOTAL, c)) for c in t.cols],
            "total": value((disclosure.TOTAL, disclosure.TOTAL)),
        }
    return result


def _digest(tables: list[dict]) -> str:
    text = json.dumps(tables, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _suppressed(year_rows: dict, threshold: int, actor, year):
    built = {key: _disclosure_table(spec(key), rows) for key, rows in year_rows.items()}
    try:
        protected, intervals = disclosure.protect(list(built.values()), threshold)
    except disclosure.DisclosureError as exc:
        raise _refuse(actor, [f"the audit failed: {p}" for p in exc.problems], year=year) from None
    report = {}
    for t in protected:
        mine = [i for i in intervals if i.table == t.key]
        narrowest = min((i.width for i in mine), default=None)
        report[t.key] = {
            "suppressed": len(t.suppressed),
            # JSON has no infinity: a cell no equation touches is "unbounded"
            "narrowest": "unbounded" if narrowest == float("inf") else narrowest,
        }
    tables = [_publishable(spec(t.key), t) for t in protected]
    return tables, report


def _budget_check(year_rows: dict, settings, actor, year) -> float:
    """What the release would spend; refuses (nothing changed) if that overspends the year."""
    spent = BudgetSpend.objects.filter(year=year).aggregate(s=Sum("epsilon"))["s"] or 0
    already = set(BudgetSpend.objects.filter(year=year).values_list("table", flat=True))
    new = [key for key in year_rows if key not in already]
    cost = len(new) * settings.epsilon_per_table
    if spent + cost > settings.budget_per_year + 1e-12:
        raise _refuse(actor, [
            f"the privacy budget for {year} is {settings.budget_per_year:g}: {spent:g} is "
            f"spent and these {len(new)} tables would spend {cost:g} more"
        ], year=year)  # fmt: skip
    return cost


def _noised(year_rows: dict, settings, year, release: Release) -> tuple[list, dict]:
    """Noisy tables through the ledger: a table already noised for the year is reused (never
    noised again); a new one spends ``epsilon_per_table`` and is recorded. Call it inside the
    release's transaction: the ledger's unique (year, table) stops a concurrent double spend."""
    already = {s.table: s for s in BudgetSpend.objects.filter(year=year)}
    tables, report = [], {}
    for key, rows in year_rows.items():
        table = spec(key)
        if key in already:
            noisy_rows = already[key].noisy
        else:
            noisy_rows = privacy.noisy(table, rows, settings.epsilon_per_table, settings)
            BudgetSpend.objects.create(year=year, table=key, epsilon=settings.epsilon_per_table,
                                       noisy=noisy_rows, release=release)  # fmt: skip
        t = _disclosure_table(table, noisy_rows)
        tables.append(_publishable(table, t, small_below=settings.threshold))
        report[key] = {"epsilon": 0.0 if key in already else settings.epsilon_per_table,
                       "reused": key in already}  # fmt: skip
    return tables, report


def do_prepare_release(year: int, *, actor=None, mode: str = Mode.SUPPRESSION, keys=None,
                       threshold: int | None = None) -> Release:  # fmt: skip
    """Build, protect and audit the ``year``'s tables as a draft release (or refuse: nothing
    is stored then). A supervisor approves it before the public site shows it."""
    rules.require(actor, "prepare_stats", system=True)  # a label ("publish_stats"): the system
    settings = config.current()
    threshold = threshold or settings.threshold
    if mode not in Mode.values:
        raise _refuse(actor, [f"{mode!r} is not a release mode (suppression or dp)"])
    unknown = [k for k in keys or () if k not in TABLES]
    if unknown:
        raise _refuse(actor, [f"{unknown[0]!r} is not a pre-defined table"])
    if not queries.reportable_year(year):
        raise _refuse(actor, [f"{year} is not a year the hotline can report on"])
    keys = list(keys or TABLES)
    computed = compute_year(year, keys, {"max_victims_per_case": settings.max_victims_per_case})
    year_rows = {key: computed[key][str(year)] for key in keys}
    release = Release(
        year=year,
        mode=mode,
        threshold=threshold,
        tables=[],
        audit={},
        prepared_by=None if actor is None or isinstance(actor, str) else actor,
    )
    if mode == Mode.SUPPRESSION:
        release.tables, release.audit = _suppressed(year_rows, threshold, actor, year)
    else:
        release.epsilon = _budget_check(year_rows, settings, actor, year)
    with transaction.atomic():
        # the months and quarters were counted anyway: staff read them as snapshots
        Snapshot.objects.bulk_create(_snapshots(year, computed, timezone.now()))
        release.save(force_insert=True)
        if mode == Mode.DIFFERENTIAL_PRIVACY:
            release.tables, release.audit = _noised(year_rows, settings, year, release)
        release.digest = _digest(release.tables)
        release.save()
        audit.record(actor, Audit.CREATE, release, changes={
            "year": year, "mode": mode, "tables": len(keys), "digest": release.digest,
            "epsilon": release.epsilon,
        })  # fmt: skip
    return release


def do_approve_release(release: Release, *, actor) -> Release:
    """A supervisor makes a prepared release the public one for its year (the one it
    replaces is withdrawn)."""
    rules.require(actor, "approve_stats", system=True)  # a label ("publish_stats"): the system
    with transaction.atomic():
        fresh = Release.objects.select_for_update().get(pk=release.pk)
        if fresh.status != Status.DRAFT:
            problems = [f"this release is {fresh.get_status_display().lower()}"]
        else:
            problems = []
            Release.objects.filter(year=fresh.year, status=Status.PUBLISHED).update(
                status=Status.WITHDRAWN
            )
            fresh.status = Status.PUBLISHED
            fresh.approved_by, fresh.approved_at = actor, timezone.now()
            fresh.save(update_fields=["status", "approved_by", "approved_at"])
            audit.record(actor, Audit.UPDATE, fresh, changes={"status": ["draft", "published"]})
    if problems:
        raise _refuse(actor, problems, release=str(release.pk))
    return fresh


def do_withdraw_release(release: Release, *, actor) -> Release:
    rules.require(actor, "approve_stats", system=True)  # a label ("publish_stats"): the system
    with transaction.atomic():
        fresh = Release.objects.select_for_update().get(pk=release.pk)
        old = fresh.status
        fresh.status = Status.WITHDRAWN
        fresh.save(update_fields=["status"])
        audit.record(actor, Audit.UPDATE, fresh, changes={"status": [old, "withdrawn"]})
    return fresh
