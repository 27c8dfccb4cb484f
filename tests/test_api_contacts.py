"""The contacts API: shapes, filters, pagination, permissions and every kind of bad input."""

import pytest

from lantern.audit.models import AuditEvent
from lantern.contacts.models import Contact
from tests.conftest import contact_data


def test_create_returns_the_contact_with_normalised_fields(api):
    r = api("advocate").post(
        "/contacts",
        contact_data(
            caller={
                "name": "Test Caller",
                "phone": "(713) 555-0142",
                "email": "Caller@Example.org",
            },
            language="ES-mx",
            location={"state": "tx", "postal_code": "77002"},
        ),
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["caller"] == {
        "name": "Test Caller",
        "phone": "+17135550142",
        "email": "caller@example.org",
        "masked": False,
    }
    assert body["language"] == "es-MX"
    assert body["location"]["state"] == "TX"
    assert body["handled_by"] == "advocate"
    assert body["substantive"] is True
    assert body["form_version"] == 2


def test_crisis_is_always_urgent_and_non_data_types_are_not_substantive(api):
    crisis = (
        api("advocate").post("/contacts", contact_data(call_types=["crisis"], urgent=False)).json()
    )
    assert crisis["urgent"] is True
    hang_up = (
        api("advocate").post("/contacts", {"channel": "phone", "call_types": ["hang_up"]}).json()
    )
    assert hang_up["substantive"] is False
    assert hang_up["caller"] == {"name": None, "phone": None, "email": None, "masked": False}


def test_get_and_patch(api):
    client = api("advocate")
    created = client.post("/contacts", contact_data()).json()
    r = client.get(f"/contacts/{created['id']}")
    assert r.status_code == 200 and r.json()["id"] == created["id"]
    r = client.patch(
        f"/contacts/{created['id']}", {"call_types": ["tip", "referral"], "caller": {"email": None}}
    )
    assert r.status_code == 200, r.content
    assert r.json()["call_types"] == ["tip", "referral"]
    assert r.json()["caller"]["email"] is None
    assert r.json()["caller"]["name"] == created["caller"]["name"]


def test_list_filters_and_pagination(api, make_contact):
    make_contact(channel="sms", call_types=["crisis"], location={"state": "NY"})
    make_contact(channel="phone", call_types=["tip"], location={"state": "TX"})
    make_contact(channel="phone", call_types=["referral"], urgent=True, location={"state": "TX"})
    client = api("supervisor")
    assert client.get("/contacts").json()["count"] == 3
    assert client.get("/contacts", channel="sms").json()["count"] == 1
    assert client.get("/contacts", call_type="tip").json()["count"] == 1
    assert client.get("/contacts", urgent="true").json()["count"] == 2  # crisis implies urgent
    assert client.get("/contacts", state="TX").json()["count"] == 2
    page = client.get("/contacts", page_size=2, page=2).json()
    assert (page["count"], page["pages"], page["page"], len(page["results"])) == (3, 2, 2, 1)
    assert (
        client.get("/contacts", received_from="2000-01-01", received_to="2000-01-02").json()[
            "count"
        ]
        == 0
    )
    assert client.get("/contacts", page_size=500).status_code == 422


def test_audit_endpoint(api):
    created = api("advocate").post("/contacts", contact_data()).json()
    r = api("supervisor").get("/audit", object_type="contact", object_id=created["id"])
    assert r.status_code == 200
    actions = [e["action"] for e in r.json()["results"]]
    assert "create" in actions
    assert api("advocate").get("/audit").status_code == 403


@pytest.mark.parametrize(
    "change, field",
    [
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"call_types": ["tip", "not_a_type"]}, "call_types"),
        ({"call_types": []}, "call_types"),
        ({"call_types": ["hang_up", "tip"]}, "call_types"),
        ({"caller_type": "alien"}, "caller_type"),
        ({"location": {"state": "ZZ"}}, "location.state"),
        ({"location": {"postal_code": "1234"}}, "location.postal_code"),
        ({"caller": {"phone": "call me maybe"}}, "caller.phone"),
        ({"caller": {"phone": "12"}}, "caller.phone"),
        ({"caller": {"email": "not-an-email"}}, "caller.email"),
        ({"language": "klingon-language-tag"}, "language"),
        ({"summary": "x" * 20_001}, "summary"),
        ({"caller": {"name": "n" * 201}}, "caller.name"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"caller": {"ssn": "000-00-0000"}}, "caller.ssn"),
        ({"location": {"planet": "Mars"}}, "location.planet"),
        ({"received_at": "2999-01-01T00:00:00Z"}, "received_at"),
        ({"received_at": "yesterday-ish"}, "received_at"),
        ({"urgent": "perhaps"}, "urgent"),
        ({"handled_by": "nobody"}, "handled_by"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_stores_nothing(api, change, field):
    client = api("advocate")
    contacts, events = Contact.objects.count(), AuditEvent.objects.count()
    r = client.post("/contacts", {**contact_data(), **change})
    assert r.status_code == 422, r.content
    body = r.json()
    assert field in body["errors"], body
    assert field in body["detail"]
    assert Contact.objects.count() == contacts
    assert AuditEvent.objects.count() == events


def test_bad_patch_changes_nothing(api, make_contact):
    contact = make_contact("advocate")
    client = api("advocate")
    r = client.patch(f"/contacts/{contact.pk}", {"location": {"state": "XX"}, "channel": "sms"})
    assert r.status_code == 422
    assert "location.state" in r.json()["errors"]
    contact.refresh_from_db()
    assert contact.channel == "phone"
    r = client.patch(f"/contacts/{contact.pk}", {"ended_at": "2000-01-01T00:00:00Z"})
    assert r.status_code == 422 and "ended_at" in r.json()["errors"]


def test_missing_required_fields(api):
    r = api("advocate").post("/contacts", {"call_types": ["tip"]})
    assert r.status_code == 422
    assert "channel" in r.json()["errors"]


def test_malformed_json_is_rejected(api, personas):
    client = api("advocate")
    r = client.client.post(
        "/api/v1/contacts",
        data="{not json",
        content_type="application/json",
        headers=client.headers,
    )
    assert r.status_code in (400, 422)
    assert Contact.objects.count() == 0


def test_unauthenticated_is_401(api, make_contact):
    contact = make_contact()
    for r in (
        api(None).get("/contacts"),
        api(None).post("/contacts", contact_data()),
        api(None).get(f"/contacts/{contact.pk}"),
        api(None).get("/audit"),
    ):
        assert r.status_code == 401
    bad = api(None)
    bad.headers = {"Authorization": "Bearer lt_not-a-real-token"}
    assert bad.get("/contacts").status_code == 401


def test_not_permitted_is_403_and_out_of_scope_is_404(api, make_contact, personas):
    contact = make_contact("advocate")
    assert api("directory").post("/contacts", contact_data()).status_code == 403
    assert api("directory").get("/contacts").status_code == 403
    # existence of a contact the rules hide is not revealed
    assert api("directory").get(f"/contacts/{contact.pk}").status_code == 404
    assert api("directory").patch(f"/contacts/{contact.pk}", {"channel": "sms"}).status_code == 404
    # the admin may see that the contact exists (view_contact) but not change it
    assert api("admin").patch(f"/contacts/{contact.pk}", {"channel": "sms"}).status_code == 403
    assert (
        api("supervisor").get("/contacts/00000000-0000-0000-0000-000000000000").status_code == 404
    )
    assert api("supervisor").get("/contacts/not-a-uuid").status_code == 404


def test_openapi_document(client, db):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.")
    for path in ("/api/v1/contacts", "/api/v1/contacts/{contact_id}", "/api/v1/audit"):
        assert path in doc["paths"]
    assert "ContactIn" in doc["components"]["schemas"]


@pytest.mark.parametrize("field", ["received_at", "language", "urgent", "caller_type"])
def test_patch_cannot_clear_a_required_column(api, make_contact, field):
    contact = make_contact("advocate")
    r = api("advocate").patch(f"/contacts/{contact.pk}", {field: None})
    assert r.status_code == 422, r.content
    assert r.json()["errors"] == {field: "cannot be empty"}


def test_create_with_nulls_takes_the_defaults(api):
    r = api("advocate").post(
        "/contacts",
        {
            "channel": "sms",
            "call_types": ["tip"],
            "received_at": None,
            "heard_about": None,
            "caller_type": None,
            "urgent": None,
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["caller_type"] == "unknown" and body["heard_about"] == "" and not body["urgent"]


def test_api_docs_page_loads_nothing_from_the_network(client, db):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/" in page
    assert "http://" not in page and "https://" not in page


@pytest.mark.parametrize(
    "body",
    [
        {"location": {"city": "Hous\x00ton"}},
        {"summary": "a\x00b"},
        {"handled_by": "advo\x00cate"},
        {"caller": {"name": "Test\x00Caller"}},
    ],
)
def test_nul_characters_are_refused(api, body):
    # PostgreSQL refuses NUL in text: it must be a 422, never a database error
    r = api("advocate").post("/contacts", {"channel": "sms", "call_types": ["tip"], **body})
    assert r.status_code == 422, r.content
    assert Contact.objects.count() == 0
