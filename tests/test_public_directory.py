"""The public referral directory, /directory/ (issue 21 part 7): off unless turned on; search by
place and need in the public languages; confidential locations never shown; nothing recorded
of what was searched; bad input a 400 with a reason, never a 5xx."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.audit.models import AuditEvent
from lantern.public.forms import PUBLIC_NEEDS
from tests.test_directory_search import make_service

PLACE_WORDS = "Example Needle Street"


@pytest.fixture
def public_directory(settings, db):
    settings.LANTERN_PUBLIC_DIRECTORY = True
    settings.LANTERN_PUBLIC_SUGGESTIONS_PER_SECOND = 10_000  # the flood test sets its own
    make_service(
        "Harbor House", terms=("emergency-shelter",), languages=("en", "es"), offset=(0.02, 0.0),
        description="Beds tonight.",
    )  # fmt: skip
    make_service(
        "Hidden Shelter", terms=("emergency-shelter",), confidential=True, offset=(0.01, 0.0)
    )
    make_service("Legal Clinic", terms=("legal-services",), offset=(0.05, 0.0))
    make_service("Dallas Shelter", "75201", terms=("emergency-shelter",))  # ~360 km away


def post(data, **headers):
    client = Client()
    return client, client.post("/directory/", data, **headers)


def test_off_unless_turned_on(db):
    assert Client().get("/directory/").status_code == 404
    assert Client().post("/directory/", {"place": "77002"}).status_code == 404


def test_search_by_zip_and_need_never_shows_a_confidential_location(public_directory):
    _, page = post({"place": "77002", "need": "shelter"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Harbor House" in html and "Legal Clinic" not in html and "Dallas Shelter" not in html
    assert "Hidden Shelter" not in html  # not a result, not counted
    assert "Services found: 1" in html
    assert "100 Example Street" in html and 'href="tel:+17135550101"' in html
    assert "miles" in html and "Mon–Fri 09:00–17:00" in html
    # a city and state, typed as people type them, find the same
    for place in ("Houston, TX", "houston tx", "Houston, Texas", "  HOUSTON ,  tx "):
        assert "Harbor House" in post({"place": place, "need": "shelter"})[1].content.decode()


def test_a_search_leaves_no_trace(public_directory, caplog):
    before = AuditEvent.objects.count()
    with caplog.at_level(logging.DEBUG):
        client, page = post({"place": "Houston, TX", "need": "immigration", "language": "vi"})
    assert page.status_code == 200
    assert AuditEvent.objects.count() == before
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "Houston" not in logged and "immigration" not in logged
    assert "no-store" in page["Cache-Control"]
    assert "sessionid" not in page.cookies  # nothing kept about the visitor between pages


def test_nothing_found_says_which_choice_to_change(public_directory):
    _, page = post({"place": "77002", "need": "shelter", "language": "ko"})
    html = page.content.decode()
    assert "Services found: 0" in html and "Any language: 1" in html
    _, far = post({"place": "75201", "need": "legal"})  # Dallas: the clinic is in Houston
    assert "Within 100 miles" not in far.content.decode()  # 360 km is beyond the wider radii
    _, near = post({"place": "77002", "need": "documents"})
    assert "Any kind of help: 2" in near.content.decode()


def test_a_flood_of_empty_searches_does_not_multiply_into_suggestion_counts(
    public_directory, settings
):
    """Each empty search's suggestions cost up to six more counts: past the per-second budget
    (all visitors together), an empty search gets the plain empty page instead."""
    from django.core.cache import cache

    cache.clear()
    settings.LANTERN_PUBLIC_SUGGESTIONS_PER_SECOND = 2
    empty = {"place": "77002", "need": "shelter", "language": "ko"}
    pages = [post(empty)[1].content.decode() for _ in range(6)]
    with_hints = [p for p in pages if "Any language: 1" in p]
    assert 1 <= len(with_hints) <= 4  # two a second (the six may straddle a second or two)
    assert all("Services found: 0" in p for p in pages)


@pytest.mark.parametrize(
    ("place", "reason"),
    [
        ("", "Enter a ZIP code, or a city and its state."),
        ("nowhere at all 123", "Enter a ZIP code (like 77002) or a city and its state"),
        ("Houston, ZZ", "Enter a ZIP code (like 77002) or a city and its state"),
        ("00000", "We could not find that place."),
        ("Atlantis, TX", "We could not find that place."),
    ],
)
def test_a_place_it_cannot_use_is_a_400_with_the_reason(public_directory, place, reason):
    _, page = post({"place": place})
    assert page.status_code == 400 and reason in page.content.decode()


def test_in_the_visitors_language(public_directory):
    _, page = post({"place": "77002", "need": "shelter"}, HTTP_ACCEPT_LANGUAGE="es")
    html = page.content.decode()
    assert 'lang="es"' in html and "Encuentre ayuda cerca de usted" in html
    assert "Servicios encontrados: 1" in html and "lun–vie 09:00–17:00" in html
    assert "español" in html  # the languages spoken, named in the page's language


def test_pages_of_results(public_directory):
    for n in range(12):
        make_service(f"Example Pantry {n:02d}", terms=("food",), offset=(0.001 * n, 0.01))
    _, first = post({"place": "77002", "need": "food"})
    assert "Page 1 of 2" in first.content.decode()
    _, second = post({"place": "77002", "need": "food", "page": "2"})
    html = second.content.decode()
    assert "Page 2 of 2" in html and html.count("<article") == 2


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    place=st.text(max_size=120),
    need=st.one_of(st.sampled_from([k for k, _l, _t in PUBLIC_NEEDS]), st.text(max_size=20)),
    language=st.text(max_size=12),
    open_now=st.sampled_from(["", "on", "x" * 5]),
    page=st.text(max_size=12),
)
def test_any_input_gives_a_page_or_a_400(public_directory, place, need, language, open_now, page):
    data = {"place": place, "need": need, "language": language, "open_now": open_now, "page": page}
    try:
        response = Client().post("/directory/", data)
    except ValueError:  # the test client refuses to send a NUL byte; a browser cannot either
        assert any("\x00" in v for v in data.values())
        return
    assert response.status_code in (200, 400)
