"""Directory search: location, areas, text, filters, confidentiality, bad input (search.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.core import geo
from lantern.core.errors import InvalidInput
from lantern.directory import indexing, taxonomy
from lantern.directory.models import (
    Address,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    SearchEntry,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from lantern.directory.search import DirectoryQuery, parse_query, search, search_services

WED_NOON_HOUSTON = datetime(2025, 6, 4, 17, 0, tzinfo=UTC)  # 12:00 CDT
HOUSTON = geo.place_for_zip("77002")


def make_service(
    name,
    zip_code="77002",
    *,
    offset=(0.0, 0.0),
    terms=("case-management",),
    languages=("en",),
    org_type="anti_trafficking",
    populations=("adults",),
    confidential=False,
    area=None,
    hours=((("MO,TU,WE,TH,FR"), time(9), time(17)),),
    assured=None,
    status="active",
    description="",
    org_name="",
):
    place = geo.place_for_zip(zip_code)
    org = Organization.objects.create(
        name=org_name or f"Example {name} Org", description="Synthetic.", organization_type=org_type
    )
    svc = Service.objects.create(
        organization=org,
        name=name,
        description=description or f"Synthetic {name}.",
        populations=list(populations),
        assured_date=assured,
        status=status,
        eligibility_description="Adults.",
    )
    svc.taxonomy_terms.set([taxonomy.term_id(taxonomy.SERVICE_TYPES, t) for t in terms])
    loc = Location.objects.create(
        organization=org,
        name=f"{name} site",
        latitude=place.latitude + offset[0],
        longitude=place.longitude + offset[1],
        confidential=confidential,
    )
    Address.objects.create(
        location=loc,
        address_1="100 Example Street",
        city=place.city,
        state_province=place.state,
        postal_code=zip_code,
    )
    sal = ServiceAtLocation.objects.create(service=svc, location=loc)
    Phone.objects.create(service=svc, number="+1 713 555 0101", type="voice")
    Phone.objects.create(location=loc, number="+1 713 555 0102", type="voice")
    Phone.objects.create(service_at_location=sal, number="+1 713 555 0103", type="text")
    for code in languages:
        Language.objects.create(service=svc, code=code)
    for byday, opens, closes in hours:
        Schedule.objects.create(service=svc, byday=byday, opens_at=opens, closes_at=closes)
    if area == "national":
        ServiceArea.objects.create(service=svc, scope="national")
    elif area:
        ServiceArea.objects.create(service=svc, scope="state", state=area)
    indexing.reindex_services([svc.pk])
    return svc


def q(**params):
    params.setdefault("at", WED_NOON_HOUSTON.isoformat())
    return parse_query({k: str(v) for k, v in params.items()})


def names(page):
    return [h.service_name for h in page.hits]


@pytest.fixture
def directory(db):
    return {
        "near": make_service("Near", offset=(0.01, 0.0)),
        "mid": make_service(
            "Mid",
            offset=(0.2, 0.0),
            terms=("emergency-shelter",),
            languages=("es-MX",),
            hours=(("MO,TU,WE,TH,FR,SA,SU", time(0), time(0)),),
        ),  # fmt: skip
        "far": make_service("Far Austin", "78701"),
        "statewide": make_service("Statewide Dallas", "75201", area="TX"),
        "national": make_service(
            "National Line NY", "10001", area="national", terms=("crisis-line",)
        ),  # fmt: skip
        "other_state": make_service("Statewide Oklahoma", "73102", area="OK"),
        "inactive": make_service("Retired", status="inactive"),
    }


def test_near_zip_ordered_by_distance_with_areas(personas, directory):
    page = search(personas["advocate"], q(zip="77002", radius_km=40))
    assert names(page) == ["Near", "Mid", "Statewide Dallas", "National Line NY"]
    near, mid, state, national = page.hits
    assert near.distance_km < mid.distance_km <= 40
    assert "serves all of TX" in state.reasons and "serves the whole country" in national.reasons
    assert any("km away" in r for r in near.reasons)
    assert page.total == 4 and page.origin.postal_code == "77002"
    # one hit carries what the advocate needs
    assert {p["number"] for p in near.phones} == {
        "+1 713 555 0101", "+1 713 555 0102", "+1 713 555 0103"
    }  # fmt: skip
    assert near.hours == ["Mon–Fri 09:00–17:00"] and near.open_now is True
    assert near.languages == ["en"] and near.eligibility == "Adults."
    assert near.verification_due is True  # never verified


def test_radius_edge(personas, directory):
    mid = SearchEntry.objects.get(service=directory["mid"])
    d = geo.distance_km(HOUSTON.latitude, HOUSTON.longitude, mid.latitude, mid.longitude)
    inside = search(personas["advocate"], q(zip="77002", radius_km=f"{d + 0.01:.4f}"))
    outside = search(personas["advocate"], q(zip="77002", radius_km=f"{d - 0.01:.4f}"))
    assert "Mid" in names(inside) and "Mid" not in names(outside)
    # wider: Austin (~235 km) comes in by distance, before Dallas (~360 km, by its area)
    wide = search(personas["advocate"], q(city="Houston", state="TX", radius_km=300))
    assert names(wide)[:4] == ["Near", "Mid", "Far Austin", "Statewide Dallas"]


def test_lat_lon_finds_the_state_for_statewide_services(personas, directory):
    page = search(personas["advocate"], q(lat=HOUSTON.latitude, lon=HOUSTON.longitude))
    assert "Statewide Dallas" in names(page) and "Statewide Oklahoma" not in names(page)


def test_text_search_stems_and_ranks(personas, db):
    make_service("Harbor Shelter", description="Beds tonight.")
    make_service("Legal Clinic", description="Lawyers.")
    page = search(personas["advocate"], q(q="shelters"))
    assert names(page) == ["Harbor Shelter"]
    assert "matched words: shelters" in page.hits[0].reasons
    assert names(search(personas["advocate"], q(q="leg"))) == ["Legal Clinic"]  # as you type
    # FTS syntax in user text is just words
    for text in ['"', "shelter OR legal", "NEAR(a b)", "*", "-shelter", "shelter)"]:
        search(personas["advocate"], q(q=text))
    assert names(search(personas["advocate"], q(q="harbor shelter"))) == ["Harbor Shelter"]
    # "OR" is a word the caller typed, not an operator: no entry has both other words
    assert names(search(personas["advocate"], q(q="shelter OR legal"))) == []


# Words as callers type them: plurals, other endings, accents, prefixes, several words.
WORDING = [
    ("Harbor Shelter", "Emergency shelters for survivors; beds tonight."),
    ("Sheltering Arms", "Counselling and counseling groups, housing help."),
    ("Café Legal", "Legal aid in Español and English; immigration visas."),
    ("Crisis Line", "Crisis counselors answer 24 hours."),
    ("Clinic_Street Health", "Medical clinics, free."),
]
QUERIES = ["shelter", "shelters", "sheltering", "shelt", "counsel", "counselling", "cafe",
           "café", "espanol", "legal aid", "visa", "crisis counselor", "clinic street", "health",
           "h", "immigration visas", "beds tonight", "nothing here"]  # fmt: skip


def test_text_near_a_place_finds_what_the_full_text_index_finds(personas, db):
    """Near a place, words are tested on stemmed tokens with LIKE; without one, FTS5 or
    PostgreSQL's full-text search decides. The same words must find the same services."""
    for i, (name, description) in enumerate(WORDING):
        make_service(name, offset=(0.01 * i, 0), description=description)
    adv = personas["advocate"]
    for text in QUERIES:
        nationwide = set(names(search(adv, q(q=text, per_page=100))))
        near = set(names(search(adv, q(q=text, zip="77002", radius_km=50, per_page=100))))
        assert near == nationwide, text
    assert names(search(adv, q(q="sheltering", zip="77002"))) == [
        "Harbor Shelter", "Sheltering Arms"
    ]  # fmt: skip
    # accents fold on both databases, whichever side has them
    for text in ("espanol", "español", "cafe", "café", "CAFÉ legal"):
        assert names(search(adv, q(q=text))) == ["Café Legal"], text


def test_pages_without_a_location_follow_on(personas, db):
    for i in range(7):
        make_service(f"Shelter {i}", description="Shelter beds." if i % 2 else "A shelter.",
                     hours=(("MO,TU,WE,TH,FR", time(9), time(17 if i < 5 else 10)),))  # fmt: skip
    adv = personas["advocate"]
    for params in ({}, {"q": "shelter"}, {"q": "shelter", "open_now": 1}):
        everything = search(adv, q(**params, per_page=100))
        pages = [search(adv, q(**params, per_page=3, page=n)) for n in (1, 2, 3)]
        assert all(p.total == everything.total for p in pages)
        assert [n for p in pages for n in names(p)] == names(everything)
        assert len(set(names(everything))) == everything.total
    # open at Wednesday noon in Houston: the five that close at 17:00
    assert search(adv, q(q="shelter", open_now=1)).total == 5
    assert search(adv, q(q="shelter")).total == 7
    assert all(h.open_now is not None for h in search(adv, q(q="shelter")).hits)


def test_filters(personas, directory, db):
    adv = personas["advocate"]
    make_service("Verified Legal", terms=("legal-services",), org_type="legal_services",
                 populations=("women", "minors"), assured=timezone.localdate() - timedelta(days=30),
                 languages=("es",))  # fmt: skip
    base = {"zip": "77002", "radius_km": 40}
    assert names(search(adv, q(**base, term="emergency-shelter"))) == ["Mid"]
    assert names(search(adv, q(**base, term="emergency-shelter,legal-services"))) == [
        "Verified Legal", "Mid"
    ]  # fmt: skip
    term_id = taxonomy.term_id(taxonomy.SERVICE_TYPES, "legal-services")
    assert names(search(adv, q(**base, term=str(term_id)))) == ["Verified Legal"]
    assert names(search(adv, q(**base, organization_type="legal_services"))) == ["Verified Legal"]
    assert names(search(adv, q(**base, population="minors"))) == ["Verified Legal"]
    # "es" finds es-MX too; "es-MX" finds plain es too
    assert names(search(adv, q(**base, language="es"))) == ["Verified Legal", "Mid"]
    assert names(search(adv, q(**base, language="es-MX"))) == ["Verified Legal", "Mid"]
    assert names(search(adv, q(**base, language="zh"))) == []
    assert names(search(adv, q(**base, available_24_7="1"))) == []  # flag, not hours
    assert names(search(adv, q(**base, verified_within_months=6))) == ["Verified Legal"]
    org = directory["near"].organization_id
    assert names(search(adv, q(**base, organization_id=org))) == ["Near"]
    later = (timezone.now() + timedelta(days=1)).isoformat()
    assert names(search(adv, q(**base, modified_after=later))) == []
    saturday_night = datetime(2025, 6, 8, 4, 0, tzinfo=UTC).isoformat()  # Sat 23:00 CDT
    open_now = search(adv, q(**base, open_now=1, at=saturday_night))
    assert names(open_now) == ["Mid"] and "open now" in open_now.hits[0].reasons
    assert "Retired" not in names(search(adv, q(q="retired")))


def test_population_and_age_filters(personas, directory, db):
    adv = personas["advocate"]
    youth = make_service(
        "Youth Shelter", populations=("minors", "lgbtq", "sex_trafficking_survivors")
    )
    Service.objects.filter(pk=youth.pk).update(minimum_age=12, maximum_age=17)
    adults = make_service("Adult Housing", populations=("adults", "labor_trafficking_survivors"))
    Service.objects.filter(pk=adults.pk).update(minimum_age=18)
    indexing.reindex_services([youth.pk, adults.pk])
    base = {"zip": "77002", "radius_km": 40}
    assert names(search(adv, q(**base, population="minors,lgbtq"))) == ["Youth Shelter"]
    assert names(search(adv, q(**base, population="lgbtq,labor_trafficking_survivors"))) == []
    found = search(adv, q(**base, population="labor_trafficking_survivors"))
    assert names(found) == ["Adult Housing"]
    assert "serves Survivors of labor trafficking" in found.hits[0].reasons
    # "sixteen": the youth shelter and every service without age limits, not adult housing
    sixteen = names(search(adv, q(**base, age=16)))
    assert "Youth Shelter" in sixteen and "Near" in sixteen and "Adult Housing" not in sixteen
    assert "Youth Shelter" not in names(search(adv, q(**base, age=30)))
    for bad in ("-1", "121", "sixteen"):
        with pytest.raises(InvalidInput) as exc:
            q(**base, age=bad)
        assert "age" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:
        q(**base, population="minors,martians")
    assert "martians" in exc.value.errors["population"]


def test_search_services_is_one_hit_per_service(personas, db):
    svc = make_service("Two Sites")
    loc = Location.objects.create(latitude=HOUSTON.latitude + 0.05, longitude=HOUSTON.longitude)
    Address.objects.create(location=loc, address_1="200 Example Street", city="Houston",
                           state_province="TX", postal_code="77002")  # fmt: skip
    ServiceAtLocation.objects.create(service=svc, location=loc)
    indexing.reindex_services([svc.pk])
    assert search(personas["advocate"], q(zip="77002")).total == 2
    assert search_services(personas["advocate"], q(zip="77002")).total == 1


def test_confidential_location(personas, db):
    shelter = make_service("Safe House", offset=(0.03, 0.03), confidential=True)
    exact = Location.objects.get(service_at_locations__service=shelter)
    entry = SearchEntry.objects.get(service=shelter)
    assert (entry.latitude, entry.longitude) == (HOUSTON.latitude, HOUSTON.longitude)
    advocate = search(personas["advocate"], q(zip="77002")).hits[0]
    supervisor = search(personas["supervisor"], q(zip="77002")).hits[0]
    assert advocate.confidential and advocate.address is None
    assert supervisor.address["address_1"] == "100 Example Street"
    for hit in (advocate, supervisor):
        assert hit.distance_km == round(hit.distance_km) == 0.0  # the ZIP centre, whole km
        # nothing in a hit carries the shelter's own coordinates
        assert str(exact.latitude) not in repr(hit) and str(exact.longitude) not in repr(hit)
        assert str(exact.latitude) not in repr(hit.reasons)


def test_permission_denied_without_view_directory(db):
    with pytest.raises(PermissionDenied):
        search(None, DirectoryQuery())


def test_few_queries_per_page(personas, db, django_assert_max_num_queries):
    for i in range(12):
        make_service(f"Service {i}", offset=(0.001 * i, 0))
    with django_assert_max_num_queries(9):
        page = search(personas["advocate"], q(zip="77002", per_page=12))
    assert len(page.hits) == 12


@pytest.mark.parametrize(
    "params, field",
    [
        ({"lat": "91", "lon": "0"}, "lat"),
        ({"lat": "0", "lon": "-181"}, "lon"),
        ({"lat": "abc", "lon": "0"}, "lat"),
        ({"lat": "nan", "lon": "0"}, "lat"),
        ({"lat": "10"}, "lon"),
        ({"zip": "00000"}, "zip"),
        ({"zip": "1234"}, "zip"),
        ({"city": "Nowhereville", "state": "TX"}, "city"),
        ({"city": "Houston"}, "state"),
        ({"state": "XX"}, "state"),
        ({"radius_km": "0"}, "radius_km"),
        ({"radius_km": "500.1"}, "radius_km"),
        ({"radius_km": "-3"}, "radius_km"),
        ({"per_page": "101"}, "per_page"),
        ({"per_page": "0"}, "per_page"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"term": "no-such-term"}, "term"),
        ({"organization_type": "bakery"}, "organization_type"),
        ({"population": "aliens"}, "population"),
        ({"language": "not a language"}, "language"),
        ({"open_now": "maybe"}, "open_now"),
        ({"verified_within_months": "0"}, "verified_within_months"),
        ({"organization_id": "nope"}, "organization_id"),
        ({"modified_after": "yesterday"}, "modified_after"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_input_names_the_field(db, params, field):
    with pytest.raises(InvalidInput) as exc:
        parse_query(params)
    assert field in exc.value.errors


def test_parse_query_accepts_good_input(db):
    query = parse_query(
        {"q": " shelter ", "zip": "77002-1234", "radius_km": "25.5", "language": "ES-mx",
         "open_now": "true", "page": "2", "per_page": "50", "term": "emergency-shelter",
         "modified_after": "2025-01-01", "24_7": "0"}
    )  # fmt: skip
    assert query.text == "shelter" and query.postal_code == "77002" and query.radius_km == 25.5
    assert query.language == "es-MX" and query.open_now and query.page == 2
    assert query.terms == ("emergency-shelter",) and query.per_page == 50
    assert query.modified_after == datetime(2025, 1, 1, tzinfo=UTC)


KEYS = ["q", "zip", "city", "state", "lat", "lon", "radius_km", "term", "organization_type",
        "population", "language", "open_now", "available_24_7", "verified_within_months",
        "organization_id", "modified_after", "page", "per_page", "at"]  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(KEYS),
        st.one_of(
            st.text(max_size=30),
            st.sampled_from(
                ["77002", "91", "-0", "1e308", "nan", "inf", "TX", "es", "true", "500"]
            ),
            st.integers(),
            st.floats(),
            st.none(),
            st.lists(st.text(max_size=5), max_size=3),
        ),
    )
)
def test_property_parse_query_only_raises_invalid_input(db, params):
    try:
        query = parse_query(params)
    except InvalidInput as exc:
        assert exc.errors and all(isinstance(v, str) for v in exc.errors.values())
    else:
        assert isinstance(query, DirectoryQuery)
        assert 0 < query.radius_km <= 500 and 1 <= query.per_page <= 100


def test_seed_directory_command(personas, db):
    call_command("seed_directory", "--size", "60", "--seed", "3", stdout=_Null())
    assert Organization.objects.count() == 60
    states = set(SearchEntry.objects.values_list("state", flat=True))
    assert len(states) >= 50  # every state and territory first
    assert (
        SearchEntry.objects.filter(confidential=True).exists()
        or not Location.objects.filter(confidential=True).exists()
    )
    assert not Phone.objects.exclude(number__contains=" 555 01").exists()
    assert not Organization.objects.exclude(email__endswith="@example.org").exists()
    page = search(personas["advocate"], q(q="synthetic"))
    assert page.total > 0
    assert date.today() - min(s.assured_date for s in Service.objects.exclude(assured_date=None)) \
        <= timedelta(days=731)  # fmt: skip


class _Null:
    def write(self, *_):
        pass

    def flush(self):
        pass


def test_nul_characters_are_bad_input(db):
    # found by the property test on PostgreSQL, which refuses NUL bytes in text parameters
    for params in ({"term": "\x00"}, {"q": "shel\x00ter"}, {"zip": "77\x0002"}):
        with pytest.raises(InvalidInput) as err:
            parse_query(params)
        assert list(err.value.errors) == list(params)


def migrated(name: str):
    """The directory's historical models with the database migrated to (or back to) ``name``.
    Migrating back and forth needs ``django_db(transaction=True)``; end the test with
    ``call_command("migrate")`` so the next one finds a whole schema."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("directory", name)])
    return executor.loader.project_state([("directory", name)]).apps


def existing_entry(apps, *, org_name: str, name: str, description: str, text: str):
    org = apps.get_model("directory", "Organization").objects.create(
        name=org_name, description="Synthetic."
    )
    service = apps.get_model("directory", "Service").objects.create(
        organization=org, name=name, description=description
    )
    apps.get_model("directory", "SearchEntry").objects.create(
        service=service, organization=org, text=text
    )
    return service


@pytest.mark.django_db(transaction=True)
def test_upgrade_fills_the_words_of_existing_entries():
    """Migration 0004 adds SearchEntry.words: entries indexed before it must stay findable."""
    existing_entry(
        migrated("0003_searchentry_hours"), org_name="Example Org", name="Harbor Shelter",
        description="Synthetic.", text="Harbor Shelters for survivors",
    )  # fmt: skip
    apps = migrated("0004_searchentry_words_covering_indexes")
    entry = apps.get_model("directory", "SearchEntry").objects.get()
    assert entry.words == " for harbor shelter survivor "
    call_command("migrate", verbosity=0)  # the rest, so the next test finds a whole schema
