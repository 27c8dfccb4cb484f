"""Statistics in the console: releases (prepare, look at the audit and the tables, approve,
withdraw), the operational dashboard, and every table by period, each with its CSV."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantern.accounts import rules
from lantern.console import access
from lantern.core import spreadsheet
from lantern.core.geo import USStateChoices
from lantern.stats import actions, charts, publishing, queries
from lantern.stats.choices import ReleaseModeChoices, SnapshotPeriodChoices
from lantern.stats.models import Release
from lantern.stats.tables import TABLES


def _any(user, *names):
    if not any(rules.allows(user, name) for name in names):
        raise PermissionDenied


def _release(release_id) -> Release:
    release = Release.objects.filter(pk=release_id).first()
    if release is None:
        raise Http404("No such release")
    return release


def stats_home(request):
    _any(request.user, "view_stats", "prepare_stats", "approve_stats")
    year = timezone.localdate().year
    spent, _noise = queries.budget(year)
    return render(request, "console/stats_home.html", {
        "releases": queries.releases()[:50], "modes": ReleaseModeChoices.choices,
        "years": list(range(year, year - 6, -1)), "spent": spent,
    })  # fmt: skip


@require_POST
def stats_prepare(request):
    access.require(request.user, "prepare_stats")
    if (year := _posted_year(request)) is None:
        return redirect("console:stats_home")
    try:
        release = actions.do_prepare_release(
            year, actor=request.user, mode=request.POST.get("mode", "suppression")
        )
    except actions.StatsError as exc:
        problems = "; ".join(exc.problems[:5])
        messages.error(request, _("Not prepared: %(problems)s") % {"problems": problems})
        return redirect("console:stats_home")
    messages.success(
        request,
        _("The %(year)s release is prepared. Check it, then approve it.") % {"year": year},
    )
    return redirect("console:stats_release", release_id=release.pk)


def stats_release(request, release_id):
    _any(request.user, "view_stats", "prepare_stats", "approve_stats")
    release = _release(release_id)
    context = publishing.chart_context(release)
    context["can_approve"] = rules.allows(request.user, "approve_stats")
    return render(request, "console/stats_release.html", context)


@require_POST
def stats_approve(request, release_id):
    release = _release(release_id)
    try:
        actions.do_approve_release(release, actor=request.user)
    except actions.StatsError as exc:
        messages.error(request, " ".join(exc.problems))
    else:
        messages.success(request, _("The %(year)s statistics are public.") % {"year": release.year})
    return redirect("console:stats_release", release_id=release.pk)


@require_POST
def stats_withdraw(request, release_id):
    release = _release(release_id)
    actions.do_withdraw_release(release, actor=request.user)
    messages.success(request, _("Withdrawn: the public site no longer shows it."))
    return redirect("console:stats_release", release_id=release.pk)


def _range(request) -> tuple[date, date, str]:
    today = timezone.localdate()
    try:
        end = date.fromisoformat(request.GET.get("end") or str(today))
        start = date.fromisoformat(request.GET.get("start") or str(end - timedelta(days=6)))
    except ValueError:
        return today - timedelta(days=6), today, "Give dates as YYYY-MM-DD."
    if start > end:
        return end, end, "The start is after the end."
    if (end - start).days > 366:
        return end - timedelta(days=366), end, "At most a year at a time."
    return start, end, ""


def operations(request):
    access.require(request.user, "view_stats")
    start, end, error = _range(request)
    ops = queries.operations(start, end)
    if request.GET.get("format") == "csv" and not error:
        return _operations_csv(ops)
    daily = [(d.strftime("%a %m-%d"), sum(c.values())) for d, c in ops.by_day]
    return render(request, "console/stats_operations.html", {
        "ops": ops, "error": error,
        "daily_chart": charts.bars("Contacts by day", daily, unit="contacts", below=0),
        "hourly_chart": charts.bars("Contacts by hour of the day",
                                    [(f"{h:02d}:00", n) for h, n in enumerate(ops.by_hour)],
                                    unit="contacts", below=0),
        "venue_chart": charts.bars("Top venues and industries of new cases", ops.top_venues,
                                   unit="cases", below=0),
        "referral_chart": charts.bars("Referrals given, by outcome", ops.referral_outcomes,
                                      unit="referrals", below=0),
    }, status=400 if error else 200)  # fmt: skip


def _operations_csv(ops) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="operations-{ops.start}-to-{ops.end}.csv"'
    )
    writer = spreadsheet.writer(response)
    writer.writerow(["day", *(value for value, _ in ops.channels), "contacts"])
    for day, counts in ops.by_day:
        writer.writerow([day.isoformat(), *(counts.get(v, 0) for v, _ in ops.channels),
                         sum(counts.values())])  # fmt: skip
    writer.writerow([])
    writer.writerow(["queue", "channel", "offered", "answered", "abandoned", "asa_seconds",
                     "service_level"])  # fmt: skip
    for q in ops.queues:
        writer.writerow([q["queue__name"], q["channel"], q["offered"], q["answered"],
                         q["abandoned"], q["asa_seconds"], q["service_level"]])  # fmt: skip
    return response


def period_tables(request):
    """Staff read any pre-defined table by month, quarter or year, for the country or one
    state, from the latest snapshots: raw counts, like the dashboard, never published."""
    access.require(request.user, "view_stats")
    g, this_year = request.GET, timezone.localdate().year
    key = g.get("table") or "contacts_by_channel"
    period = g.get("period") or SnapshotPeriodChoices.MONTH
    state = g.get("state", "")
    try:
        year = int(g.get("year") or this_year)
    except ValueError:
        year = 0
    problems = []
    if key not in TABLES:
        problems.append(f"{key!r} is not a pre-defined table.")
    if period not in SnapshotPeriodChoices.values:
        problems.append("Choose month, quarter or year.")
    if not queries.reportable_year(year):
        problems.append("Choose a year the hotline can report on.")
    if state and state not in USStateChoices.values:
        problems.append(f"{state!r} is not a state or territory.")
    elif state and key in TABLES and not TABLES[key].by_state:
        problems.append("This table counts the whole country only: choose the whole country.")
    table = None if problems else queries.period_table(key, year, period, state)
    if table is not None and g.get("format") == "csv":
        return _period_csv(table)
    return render(request, "console/stats_tables.html", {
        "table": table, "problems": problems, "key": key, "period": period, "year": year,
        "state": state, "tables": [(k, t.title) for k, t in TABLES.items()],
        "periods": SnapshotPeriodChoices.choices, "states": USStateChoices.choices,
        "years": list(range(this_year, this_year - 6, -1)),
    }, status=400 if problems else 200)  # fmt: skip


@require_POST
def snapshot_now(request):
    access.require(request.user, "prepare_stats")
    tables = reverse("console:stats_tables")
    if (year := _posted_year(request)) is None:
        return redirect(tables)
    try:
        made = actions.do_build_snapshots(year, actor=request.user)
    except actions.StatsError as exc:
        messages.error(request, " ".join(exc.problems))
    else:
        messages.success(
            request,
            _("Counted %(year)s again: %(made)s snapshots stored.") % {"year": year, "made": made},
        )
    return redirect(f"{tables}?year={year}")


def _posted_year(request) -> int | None:
    """The year a form posted, or None with "Choose a year." shown."""
    try:
        return int(request.POST.get("year", ""))
    except ValueError:
        messages.error(request, _("Choose a year."))
        return None


def _period_csv(table) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    where = table.state or "US"
    response["Content-Disposition"] = (
        f'attachment; filename="{table.key}-{table.year}-{table.period}-{where}.csv"'
    )
    writer = spreadsheet.writer(response)
    writer.writerow(["period", "state", "column", "column_label", table.unit])
    for label, counts, total in table.lines:
        for value, name in table.columns:
            writer.writerow([label, where, value, name, counts.get(value, 0)])
        if total is not None:
            writer.writerow([label, where, "total", "Total", total])
    return response
