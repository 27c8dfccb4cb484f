"""Directory search reads one page, not every candidate (search/located.py, the unlocated "open
now" GROUP BY): its pages and totals are those of ranking every candidate in Python."""

from __future__ import annotations

import dataclasses
from datetime import time

import pytest
from django.db import connection

from lantern.core import geo
from lantern.directory import indexing
from lantern.directory.models import Location, ServiceAtLocation
from lantern.directory.schedules import is_open_compiled
from lantern.directory.search import candidates, located, origin_of, search, text_words
from lantern.directory.search.sql import _HOURS, _TZ
from tests.test_directory_search import make_service, q

WEEKDAYS = "MO,TU,WE,TH,FR"


@pytest.fixture
def crowded(db):
    """Ties everywhere: services sharing a site (same distance, names differing only in case),
    confidential sites at their ZIP centre, national and statewide services with sites inside
    and outside the radius, open and closed hours."""
    made = []
    for i, name in enumerate(["beta House", "Alpha House", "alpha house", "Gamma Shelter"]):
        hours = ((WEEKDAYS, time(9), time(17 if i % 2 else 10)),)
        made.append(
            make_service(name, offset=(0.05, 0.05), description="Shelter beds.", hours=hours)
        )
    for name in ["Safe House B", "Safe House A"]:
        made.append(make_service(name, confidential=True, description="A shelter."))
    for i in range(3):
        made.append(make_service(f"Near {i}", offset=(0.01 * i, 0.02)))
    made.append(make_service("Far Austin", "78701", description="Shelter in Austin."))
    made.append(make_service("State TX", "75201", area="TX"))
    made.append(make_service("State TX Two", "79901", area="TX", description="Shelter."))
    made.append(make_service("State OK", "73102", area="OK"))
    for zip_code in ("10001", "60601"):
        made.append(make_service(f"National {zip_code}", zip_code, area="national"))
    # a national service with a second site near Houston is listed once, inside the radius
    both = make_service("National Both", "94103", area="national", description="Shelter.")
    site = Location.objects.create(
        latitude=geo.place_for_zip("77002").latitude + 0.02,
        longitude=geo.place_for_zip("77002").longitude,
    )
    ServiceAtLocation.objects.create(service=both, location=site)
    # and one with two sites far away, once, at the nearer one
    two = make_service("National Two Sites", "02108", area="national")
    site = Location.objects.create(latitude=32.78, longitude=-96.80)  # Dallas
    ServiceAtLocation.objects.create(service=two, location=site)
    indexing.reindex_services([both.pk, two.pk])
    return made


def ranked_every_candidate(query):
    """The whole ordered list as ranking every candidate gives it (candidates._rank)."""
    origin = origin_of(query)
    found = candidates._candidates(query, origin, text_words(query.text))
    if query.open_now:
        for cand in found.values():
            cand.open_now = is_open_compiled(cand.row[_HOURS], query.at, cand.row[_TZ])
        found = {k: c for k, c in found.items() if c.open_now}
    return [(c.row[0], c.area) for c in candidates._rank(query, origin, found)]


LOCATED = [
    {"zip": "77002", "radius_km": 40},
    {"zip": "77002", "radius_km": 3},
    {"zip": "77002", "radius_km": 300},
    {"zip": "77002", "radius_km": 40, "open_now": 1},
    {"zip": "77002", "radius_km": 40, "q": "shelter"},
    {"zip": "77002", "radius_km": 300, "q": "shel", "open_now": 1},
    {"lat": 29.76, "lon": -95.37, "radius_km": 10},
    {"city": "Austin", "state": "TX", "radius_km": 20},
    {"zip": "10001", "radius_km": 5, "language": "en"},
]


@pytest.mark.parametrize("params", LOCATED)
def test_located_pages_follow_the_ranking_of_every_candidate(personas, crowded, params):
    adv = personas["advocate"]
    expected = ranked_every_candidate(q(**params))
    assert len(expected) >= 3, "the fixture should give this query something to page"
    for per_page in (1, 2, 5):
        got, totals = [], set()
        for n in range(1, len(expected) // per_page + 3):
            page = search(adv, q(**params, per_page=per_page, page=n))
            got += [(h.entry_id, h.area) for h in page.hits]
            totals.add(page.total)
        assert got == expected, per_page
        assert totals == {len(expected)}


def test_located_page_without_confidential_sites(personas, crowded):
    query = dataclasses.replace(q(zip="77002", radius_km=40), include_confidential=False)
    page, total = located.located_page(query, origin_of(query), [], query.at)
    expected = ranked_every_candidate(query)
    assert [c.row[0] for c in page] == [pk for pk, _area in expected][: query.per_page]
    assert total == len(expected) and total > 0


@pytest.mark.parametrize("text", ["shelter", "", "nothing here"])
def test_open_now_without_a_place_pages_as_testing_every_match(
    personas, crowded, monkeypatch, text
):
    adv = personas["advocate"]
    tonight = "2025-06-05T03:00:00+00:00"  # 22:00 in Houston: nothing open
    for at in (None, tonight):
        params = {"q": text, "open_now": 1, **({"at": at} if at else {})}
        fast = [search(adv, q(**params, per_page=2, page=n)) for n in (1, 2, 3, 4)]
        monkeypatch.setattr(candidates, "_MAX_OPEN_PAIRS", 0)  # every match tested in Python
        slow = [search(adv, q(**params, per_page=2, page=n)) for n in (1, 2, 3, 4)]
        monkeypatch.undo()
        assert [[h.entry_id for h in p.hits] for p in fast] == [
            [h.entry_id for h in p.hits] for p in slow
        ]
        assert {p.total for p in fast} == {slow[0].total}
        assert all(h.open_now for p in fast for h in p.hits)
        if at or text == "nothing here":
            assert fast[0].total == 0
        else:
            assert fast[0].total > 2


@pytest.mark.skipif(connection.vendor != "sqlite", reason="covering indexes are SQLite's")
def test_candidates_near_a_place_come_from_the_indexes_alone(personas, crowded, monkeypatch):
    """Counting and ranking thousands of candidates reads no table row (migration 0008)."""
    seen = []
    real = located._select

    def spy(sql, params):
        seen.append((sql, params))
        return real(sql, params)

    monkeypatch.setattr(located, "_select", spy)
    search(personas["advocate"], q(zip="77002", radius_km=40))
    plans = []
    with connection.cursor() as cursor:
        for sql, params in seen:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plans.append(" ".join(str(row[-1]) for row in cursor.fetchall()))
    assert len(plans) == 2
    assert "USING COVERING INDEX directory_se_latlon" in plans[0]
    assert "USING COVERING INDEX directory_se_reach" in plans[1]
