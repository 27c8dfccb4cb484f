"""The public statistics: the latest approved release (or a chosen year's) with its charts,
a tile map of the states, and downloads. Only published releases exist here."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lantern.stats import publishing, queries


def _release(year):
    release = queries.published(year)
    if release is None:
        raise Http404("No statistics are published for that year.")
    return release


@require_GET
def statistics(request):
    try:
        year = int(request.GET["year"]) if request.GET.get("year") else None
    except ValueError:
        year = None
    release = queries.published(year)
    if release is None and year is None:
        return render(request, "public/statistics.html", {"release": None})
    if release is None:
        raise Http404("No statistics are published for that year.")
    context = publishing.chart_context(release)
    context.update(years=queries.published_years(),
                   download_base=f"/statistics/{release.year}/")  # fmt: skip
    return render(request, "public/statistics.html", context)


@require_GET
def statistics_file(request, year: int, name: str):
    release = _release(year)
    if name == "release.json":
        return HttpResponse(publishing.release_json(release), content_type="application/json")
    if name == "report.pdf":
        response = HttpResponse(publishing.pdf_report(release), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="statistics-{year}.pdf"'
        return response
    key = name.removesuffix(".csv")
    table = next((t for t in release.tables if t["key"] == key), None)
    if table is None or not name.endswith(".csv"):
        raise Http404("No such table in this release.")
    response = HttpResponse(publishing.csv_for(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{key}-{year}.csv"'
    return response
