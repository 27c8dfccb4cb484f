"""A search that finds nothing says which single filter to relax and what that finds."""

from __future__ import annotations

from datetime import time

import pytest

from lantern.directory.relax import relaxations
from lantern.directory.search import search
from tests.test_directory_search import make_service, q

pytestmark = pytest.mark.django_db


def test_each_filter_relaxed_alone_with_its_count(personas):
    adv = personas["advocate"]
    # an emergency shelter 220 km from Houston, open only at night, in Spanish
    make_service("Night Shelter", "78701", terms=("emergency-shelter",), languages=("es",),
                 hours=(("MO,TU,WE,TH,FR,SA,SU", time(20), time(6)),))  # fmt: skip
    make_service("Day Center", terms=("case-management",), languages=("es",))
    query = q(zip="77002", radius_km=40, term="emergency-shelter", open_now=1, language="es")
    assert search(adv, query).total == 0
    found = {r.field: r for r in relaxations(adv, query)}
    assert set(found) == {"term"}  # the day center, in Houston and open at noon
    assert str(found["term"].label) == "1 result of any service type"
    wider = q(zip="77002", radius_km=40, term="emergency-shelter")
    found = {r.field: r for r in relaxations(adv, wider)}
    assert found["radius_km"].value == "500" and found["radius_km"].total == 1
    assert found["radius_km"].label == "1 result within 500 km"
    night = q(zip="78701", radius_km=40, term="emergency-shelter", open_now=1)
    found = {r.field: r for r in relaxations(adv, night)}
    assert found["open_now"].label == "1 result not open now"


def test_nothing_to_relax_is_an_empty_list(personas):
    adv = personas["advocate"]
    assert relaxations(adv, q(zip="77002", term="emergency-shelter")) == []
