"""Directory in the console: actions, queries, screens, permissions, referrals.

Data is synthetic (555 numbers, example.org addresses) and created through the actions.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from lantern.audit.models import AuditEvent
from lantern.cases import actions as case_actions
from lantern.cases import queries as case_queries
from lantern.cases.models import Referral
from lantern.contacts.models import Contact
from lantern.core.errors import InvalidInput
from lantern.directory import actions, queries
from lantern.directory.models import Location, SearchEntry, Service

SHELTER_STREET = "100 Synthetic Safe Way"


def make_org(actor, **overrides):
    data = {
        "name": "Synthetic Harbor Coalition",
        "description": "A synthetic test organization.",
        "organization_type": "anti_trafficking",
        "email": "info@example.org",
        "website": "https://harbor.example.org",
    }
    data.update(overrides)
    return actions.do_create_organization(data, actor=actor)


def make_service(actor, org=None, **overrides):
    org = org or make_org(actor)
    data = {
        "name": "Synthetic Emergency Shelter",
        "description": "Beds for survivors tonight.",
        "service_types": ["emergency-shelter", "case-management"],
        "populations": ["adults", "women"],
        "languages": ["en", "es"],
        "available_24_7": True,
        "trafficking_training": True,
        "eligibility_description": "Adults 18 and over.",
        "phones": [{"number": "(713) 555-0101", "type": "voice"}],
        "schedules": [
            {"byday": ["MO", "TU", "WE", "TH", "FR"], "opens_at": "09:00", "closes_at": "17:00"}
        ],
        "service_areas": [{"scope": "state", "state": "TX"}],
        "locations": [
            {
                "name": "Main shelter",
                "address_1": SHELTER_STREET,
                "city": "Houston",
                "state": "TX",
                "postal_code": "77002",
                "confidential": True,
            }
        ],
    }
    data.update(overrides)
    return actions.do_create_service(org, data, actor=actor)


@pytest.fixture
def manager(personas):
    return personas["directory"]


@pytest.fixture
def service(manager):
    return make_service(manager)


# --- actions ------------------------------------------------------------------------------------


def test_create_service_fills_geo_indexes_and_audits(manager, service):
    loc = Location.objects.get()
    assert loc.confidential and loc.time_zone == "America/Chicago"
    assert 29 < loc.latitude < 30.2 and -96 < loc.longitude < -95
    assert service.phones.get().number == "+17135550101"
    assert sorted(service.languages.values_list("code", flat=True)) == ["en", "es"]
    assert service.schedules.get().byday == "MO,TU,WE,TH,FR"
    assert SearchEntry.objects.filter(service=service).count() == 1
    event = AuditEvent.objects.filter(object_id=str(service.pk)).get()
    assert event.action == "create" and event.actor_label == "directory"
    assert SHELTER_STREET not in str(event.changes)


def test_advocate_cannot_manage(personas, service):
    with pytest.raises(PermissionDenied):
        make_org(personas["advocate"])
    with pytest.raises(PermissionDenied):
        actions.do_verify_service(service, actor=personas["supervisor"])


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"name": ""}, "name", "required"),
        (
            {
                "locations": [
                    {"address_1": "1 Main", "city": "X", "state": "TX", "postal_code": "00000"}
                ]
            },
            "locations.0.postal_code",
            "unknown ZIP",
        ),
        (
            {
                "locations": [
                    {"address_1": "1 Main", "city": "X", "state": "NY", "postal_code": "77002"}
                ]
            },
            "locations.0.postal_code",
            "in TX, not NY",
        ),
        (
            {
                "locations": [
                    {"address_1": "1 Main", "city": "X", "state": "ZZ", "postal_code": "77002"}
                ]
            },
            "locations.0.state",
            "not a U.S. state",
        ),
        (
            {
                "locations": [
                    {
                        "address_1": "1 Main",
                        "city": "X",
                        "state": "TX",
                        "postal_code": "77002",
                        "latitude": "91",
                        "longitude": "0",
                    }
                ]
            },
            "locations.0.latitude",
            "between -90 and 90",
        ),
        ({"phones": [{"number": "12"}]}, "phones.0.number", "phone"),
        (
            {"schedules": [{"byday": "MO", "opens_at": "22:00", "closes_at": "06:00"}]},
            "schedules.0.closes_at",
            "past midnight",
        ),
        (
            {"schedules": [{"byday": "MO", "opens_at": "25:00", "closes_at": "06:00"}]},
            "schedules.0.opens_at",
            "not a time",
        ),
        ({"languages": ["not a language!"]}, "languages", "BCP 47"),
        ({"service_types": ["teleportation"]}, "service_types", "unknown service type"),
        (
            {"service_areas": [{"scope": "county", "state": "TX"}]},
            "service_areas.0.value",
            "Which county",
        ),
    ],
)
def test_bad_input_is_refused_with_field_errors(manager, overrides, field, message):
    org = make_org(manager)
    with pytest.raises(InvalidInput) as exc:
        make_service(manager, org, **overrides)
    assert message in exc.value.errors[field], exc.value.errors
    assert Service.objects.count() == 0


def test_overnight_hours_are_accepted_when_marked(manager):
    service = make_service(
        manager,
        schedules=[
            {"byday": "FR,SA", "opens_at": "22:00", "closes_at": "06:00", "overnight": True}
        ],
    )
    detail = queries.service_detail(manager, service.pk)
    assert "Fri, Sat 22:00–06:00 (past midnight)" in detail.hours


def test_update_replaces_collections_and_reindexes(manager, service):
    actions.do_update_service(
        service, {"languages": ["vi"], "name": "Synthetic Shelter Renamed"}, actor=manager
    )
    service.refresh_from_db()
    assert list(service.languages.values_list("code", flat=True)) == ["vi"]
    assert service.phones.count() == 1  # not named in the update: left alone
    entry = SearchEntry.objects.get(service=service)
    assert entry.languages.strip() == "vi" and "Renamed" in entry.text
    assert AuditEvent.objects.filter(object_id=str(service.pk), action="update").exists()


def test_verify_retire_reactivate_are_audited(manager, service):
    actions.do_verify_service(service, actor=manager)
    service.refresh_from_db()
    assert service.assured_date == timezone.localdate() and service.verified_by == manager
    actions.do_retire_service(service, actor=manager, reason="closed")
    assert service.status == "defunct"
    assert not SearchEntry.objects.get(service=service).active
    actions.do_reactivate_service(service, actor=manager)
    assert SearchEntry.objects.get(service=service).active
    trail = list(
        AuditEvent.objects.filter(object_id=str(service.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert trail == ["create", "verify", "retire", "reactivate"]


# --- queries ------------------------------------------------------------------------------------


def test_confidential_address_hidden_from_advocate(personas, service):
    advocate = queries.service_detail(personas["advocate"], service.pk).locations[0]
    assert advocate.address is None and advocate.latitude is None and advocate.city == "Houston"
    for who in ("supervisor", "directory", "analyst"):
        loc = queries.service_detail(personas[who], service.pk).locations[0]
        assert loc.address["address_1"] == SHELTER_STREET and loc.latitude is not None


def test_due_for_verification_oldest_first(manager):
    org = make_org(manager)
    never = make_service(manager, org, name="Never verified", locations=[])
    old = make_service(manager, org, name="Verified long ago", locations=[])
    fresh = make_service(manager, org, name="Verified today", locations=[])
    older = make_service(manager, org, name="Verified longer ago", locations=[])
    today = timezone.localdate()
    Service.objects.filter(pk=old.pk).update(assured_date=today - timedelta(days=400))
    Service.objects.filter(pk=older.pk).update(assured_date=today - timedelta(days=800))
    actions.do_verify_service(fresh, actor=manager)
    due = list(queries.services_due_for_verification(manager))
    assert due == [never, older, old]


# --- screens ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/console/directory/organizations/",
        "/console/directory/organizations/new/",
        "/console/directory/due/",
    ],
)
def test_manager_screens_forbidden_to_advocates(login, path):
    assert login("advocate").get(path).status_code == 403
    assert login("directory").get(path).status_code == 200


def test_advocate_cannot_post_manager_actions(login, service):
    client = login("advocate")
    for suffix in ("edit/", "verify/", "retire/", "reactivate/"):
        assert client.post(f"/console/directory/services/{service.pk}/{suffix}").status_code == 403
    service.refresh_from_db()
    assert service.status == "active" and service.assured_date is None
    page = client.get(f"/console/directory/services/{service.pk}/").content.decode()
    assert "Verify" not in page and "Retire" not in page


def test_service_page_hides_confidential_address(login, service):
    page = login("advocate").get(f"/console/directory/services/{service.pk}/").content.decode()
    assert SHELTER_STREET not in page and "Houston" in page and "+1 713-555-0101" in page
    assert "not shown to your role" in page
    for who in ("supervisor", "directory"):
        page = login(who).get(f"/console/directory/services/{service.pk}/").content.decode()
        assert SHELTER_STREET in page


def test_directory_in_navigation(login):
    assert 'href="/console/directory/"' in login("advocate").get("/console/").content.decode()


def test_add_organization_and_service_through_the_screens(login, manager):
    client = login("directory")
    r = client.post(
        "/console/directory/organizations/new/",
        {
            "name": "Synthetic Legal Aid",
            "description": "Test.",
            "organization_type": "legal_services",
        },
    )
    assert r.status_code == 302
    org_url = r.url
    r = client.get(org_url + "services/new/")
    assert r.status_code == 200
    form = {
        "name": "Synthetic T visa clinic",
        "status": "active",
        "service_types": ["immigration-legal"],
        "populations": ["foreign_nationals"],
        "languages": "en, es",
        "phones-TOTAL_FORMS": "1",
        "phones-INITIAL_FORMS": "0",
        "phones-0-number": "202-555-0142",
        "phones-0-type": "voice",
        "schedules-TOTAL_FORMS": "1",
        "schedules-INITIAL_FORMS": "0",
        "schedules-0-byday": ["MO", "WE"],
        "schedules-0-opens_at": "10:00",
        "schedules-0-closes_at": "16:00",
        "service_areas-TOTAL_FORMS": "1",
        "service_areas-INITIAL_FORMS": "0",
        "service_areas-0-scope": "state",
        "service_areas-0-state": "DC",
        "locations-TOTAL_FORMS": "1",
        "locations-INITIAL_FORMS": "0",
        "locations-0-address_1": "1 Synthetic Plaza",
        "locations-0-city": "Washington",
        "locations-0-state": "DC",
        "locations-0-postal_code": "20001",
    }
    r = client.post(org_url + "services/new/", form)
    assert r.status_code == 302, r.content.decode()[:3000]
    service = Service.objects.get(name="Synthetic T visa clinic")
    assert service.phones.get().number == "+12025550142"
    assert service.schedules.get().byday == "MO,WE"
    # edit page round-trips, and a bad edit shows errors and changes nothing
    edit = f"/console/directory/services/{service.pk}/edit/"
    page = client.get(edit).content.decode()
    assert "1 Synthetic Plaza" in page and "+12025550142" in page
    loc_id = Location.objects.get().pk
    bad = {
        **form,
        "locations-INITIAL_FORMS": "1",
        "locations-0-id": str(loc_id),
        "locations-0-postal_code": "99999",
        "schedules-0-closes_at": "09:00",
    }
    r = client.post(edit, bad)
    page = r.content.decode()
    assert r.status_code == 200 and "Nothing was saved" in page
    assert "unknown ZIP code 99999" in page and "past midnight" in page
    assert Location.objects.get().addresses.get().postal_code == "20001"


def test_verify_from_the_due_list(login, service):
    client = login("directory")
    page = client.get("/console/directory/due/").content.decode()
    assert service.name in page and "never" in page
    r = client.post(
        f"/console/directory/services/{service.pk}/verify/", {"next": "/console/directory/due/"}
    )
    assert r.status_code == 302 and r.url == "/console/directory/due/"
    assert "0 services due" in client.get("/console/directory/due/").content.decode()
    event = AuditEvent.objects.get(object_id=str(service.pk), action="verify")
    assert event.actor_label == "directory"


@pytest.mark.parametrize("target", ["https://evil.example.org/", "//evil.example.org/x"])
def test_one_click_actions_never_return_to_another_site(login, service, target):
    r = login("directory").post(
        f"/console/directory/services/{service.pk}/verify/", {"next": target}
    )
    assert r.status_code == 302 and r.url == service.get_absolute_url()


def test_retire_and_reactivate_screens(login, service):
    client = login("directory")
    client.post(f"/console/directory/services/{service.pk}/retire/", {"reason": "closed"})
    service.refresh_from_db()
    assert service.status == "defunct"
    assert "Reactivate" in client.get(service.get_absolute_url()).content.decode()
    client.post(f"/console/directory/services/{service.pk}/reactivate/")
    service.refresh_from_db()
    assert service.status == "active"


def test_organization_list_search(login, manager):
    make_org(manager, name="Synthetic Alpha Org")
    make_org(manager, name="Synthetic Beta Org")
    page = login("directory").get("/console/directory/organizations/", {"q": "alpha"})
    text = page.content.decode()
    assert "Synthetic Alpha Org" in text and "Synthetic Beta Org" not in text


def test_bad_organization_input_shows_errors(login):
    r = login("directory").post(
        "/console/directory/organizations/new/", {"name": "", "website": "not a url"}
    )
    page = r.content.decode()
    assert r.status_code == 200 and "Name is required" in page and "not a web address" in page


def test_search_panel_without_criteria_gives_a_hint(login):
    r = login("advocate").get("/console/directory/search/", {"contact": "new"})
    assert r.status_code == 200 and "Type what the caller needs" in r.content.decode()


def test_search_panel_explains_an_unreadable_place(login):
    r = login("advocate").get("/console/directory/search/", {"near": "somewhere"})
    assert "type a ZIP code" in r.content.decode()


# --- referrals ----------------------------------------------------------------------------------


def test_give_referral_is_idempotent_and_audited(personas, make_contact, service):
    contact = make_contact("advocate")
    advocate = personas["advocate"]
    first = case_actions.do_give_referral(contact, service, actor=advocate, note="Synthetic note")
    again = case_actions.do_give_referral(contact, service, actor=advocate)
    assert first.pk == again.pk and Referral.objects.count() == 1
    events = AuditEvent.objects.filter(object_type="cases.referral", action="create")
    assert events.count() == 1
    assert "Synthetic note" not in str(events.get().changes)
    views = case_queries.referrals_for_contact(advocate, contact)
    assert [v.service.pk for v in views] == [service.pk] and views[0].note == "Synthetic note"


def test_referral_rules(personas, make_contact, service, manager):
    contact = make_contact("advocate")
    with pytest.raises(PermissionDenied):  # directory managers do not give referrals
        case_actions.do_give_referral(contact, service, actor=manager)
    old = make_contact("advocate2")
    Contact.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    old.refresh_from_db()
    with pytest.raises(PermissionDenied):  # cannot open that contact
        case_actions.do_give_referral(old, service, actor=personas["advocate"])
    actions.do_retire_service(service, actor=manager)
    with pytest.raises(InvalidInput):
        case_actions.do_give_referral(contact, service, actor=personas["advocate"])
    assert Referral.objects.count() == 0


def test_refer_from_the_edit_page_and_see_it_on_the_contact(login, make_contact, service):
    contact = make_contact("advocate")
    client = login("advocate")
    page = client.get(f"/console/contacts/{contact.pk}/edit/").content.decode()
    assert 'id="directory-search"' in page and 'value="77002"' in page
    url = f"/console/contacts/{contact.pk}/referrals/"
    r = client.post(url, {"service": str(service.pk)}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and service.name in r.content.decode()
    client.post(url, {"service": str(service.pk)}, headers={"HX-Request": "true"})
    assert Referral.objects.filter(contact=contact).count() == 1
    detail = client.get(f"/console/contacts/{contact.pk}/").content.decode()
    assert "Referrals given" in detail and service.name in detail
    # removed by mistake: audited, gone
    referral = Referral.objects.get()
    r = client.post(f"{url}{referral.pk}/remove/")
    assert r.status_code == 302 and Referral.objects.count() == 0
    assert AuditEvent.objects.filter(object_id=str(referral.pk), action="delete").exists()


def test_new_contact_with_queued_referrals(login, service):
    from tests.test_console import FORM

    client = login("advocate")
    r = client.post("/console/contacts/new/", {**FORM, "referral_services": [str(service.pk)]})
    assert r.status_code == 302, r.content.decode()[:2000]
    contact = Contact.objects.get()
    assert list(contact.referrals.values_list("service_id", flat=True)) == [service.pk]


def test_new_contact_with_a_bad_form_keeps_the_queue_and_saves_nothing(login, service):
    from tests.test_console import FORM

    client = login("advocate")
    r = client.post(
        "/console/contacts/new/",
        {**FORM, "postal_code": "9", "referral_services": [str(service.pk)]},
    )
    page = r.content.decode()
    assert r.status_code == 200 and "Nothing was saved" in page
    assert f'name="referral_services" value="{service.pk}"' in page
    assert Contact.objects.count() == 0 and Referral.objects.count() == 0


def test_new_contact_with_a_retired_service_saves_nothing(login, service, manager):
    from tests.test_console import FORM

    actions.do_retire_service(service, actor=manager)
    r = login("advocate").post(
        "/console/contacts/new/", {**FORM, "referral_services": [str(service.pk)]}
    )
    assert r.status_code == 200 and "cannot be referred" in r.content.decode()
    assert Contact.objects.count() == 0


def test_search_panel_finds_services_near_a_zip_and_filters_by_language(login, manager):
    org = make_org(manager)
    make_service(manager, org, name="Synthetic Houston Spanish Shelter", languages=["es"])
    make_service(
        manager, org, name="Synthetic Houston Vietnamese Clinic", languages=["vi"], service_areas=[]
    )
    client = login("advocate")
    page = client.get("/console/directory/search/", {"near": "77002", "contact": "new"})
    text = page.content.decode()
    assert "Synthetic Houston Spanish Shelter" in text
    assert "Synthetic Houston Vietnamese Clinic" in text
    assert 'href="tel:+17135550101"' in text and "Refer" in text
    assert SHELTER_STREET not in text  # confidential, and an advocate
    page = client.get("/console/directory/search/", {"near": "77002", "language": "vi"})
    text = page.content.decode()
    assert "Synthetic Houston Vietnamese Clinic" in text
    assert "Synthetic Houston Spanish Shelter" not in text
    # bad input from parse_query is shown, not a server error
    page = client.get("/console/directory/search/", {"near": "77002", "radius_km": "9999"})
    assert page.status_code == 200 and "search-errors" in page.content.decode()
