"""No 5xx for anything a client can send (issue 16 item 10).

First the cases a tester found, each a clear 4xx that stores nothing; then a property test
(Hypothesis) that throws arbitrary text, numbers and dates at every field of the JSON API, the
HSDS API and the public forms, and asserts the answer is never a server error.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.contacts.actions import do_create_contact, do_open_chat
from lantern.contacts.exceptions import ContactValidationError
from lantern.contacts.models import Contact, Message
from lantern.core import coerce
from lantern.privacy.fields import reveal
from tests.conftest import contact_data

SURROGATE = "\ud800"
HUGE = "99999999999999999999"


def _query(params: dict) -> str:
    """A query string that can carry what a browser cannot type (lone surrogates, NUL)."""
    return "&".join(
        f"{quote(k)}={quote(str(v).encode('utf-8', 'surrogatepass'))}" for k, v in params.items()
    )


def _json(client: Client, method: str, path: str, body, headers) -> object:
    return getattr(client, method)(
        path, data=json.dumps(body), content_type="application/json", headers=headers
    )


# --- the cases the tester found -------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [{"summary": SURROGATE}, {"summary": f"ok {SURROGATE} ok"},
     {"caller": {"name": SURROGATE}}, {"location": {"city": "Hous" + SURROGATE}}],
)  # fmt: skip
def test_a_lone_surrogate_in_the_api_is_a_422_and_stores_nothing(api, fields):
    client = api("advocate")
    response = _json(client.client, "post", "/api/v1/contacts", contact_data(**fields),
                     client.headers)  # fmt: skip
    assert response.status_code == 422, response.content
    assert "surrogate" in json.dumps(response.json()["errors"])
    assert Contact.objects.count() == 0


def test_a_lone_surrogate_in_a_patch_is_a_422_and_changes_nothing(api, make_contact):
    contact = make_contact("advocate")
    client = api("advocate")
    response = _json(client.client, "patch", f"/api/v1/contacts/{contact.pk}",
                     {"summary": SURROGATE}, client.headers)  # fmt: skip
    assert response.status_code == 422
    contact.refresh_from_db()
    assert reveal(contact.summary).startswith("Synthetic test summary")


def test_the_domain_refuses_a_lone_surrogate_for_the_console_and_the_importer(personas):
    """The console's form and the importer both end in ``do_create_contact``."""
    with pytest.raises(ContactValidationError) as refused:
        do_create_contact(contact_data(summary=SURROGATE), actor=personas["advocate"])
    assert "summary" in refused.value.errors
    assert Contact.objects.count() == 0


def test_the_console_form_never_fails_on_undecodable_bytes(login):
    client = login("advocate")
    body = "summary=%ED%A0%80&channel=phone&call_types=tip&caller_name=%ED%A0%80%00"
    response = client.post("/console/contacts/new/", data=body,
                           content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert response.status_code < 500


@pytest.mark.parametrize(
    "path",
    [f"/api/v1/contacts?page={HUGE}", f"/api/v1/audit?page={HUGE}",
     "/api/v1/contacts?received_to=9999-12-31", "/api/v1/contacts?received_from=0001-01-01",
     "/api/v1/contacts?state=T%00X"],
)  # fmt: skip
def test_out_of_range_api_parameters_are_a_422(api, path):
    client = api("supervisor")
    response = client.client.get(path, headers=client.headers)
    assert response.status_code == 422, response.content
    assert response.json()["errors"]


def test_a_huge_hsds_page_is_a_422(login):
    response = login("supervisor").get(f"/hsds/services?page={HUGE}")
    assert response.status_code == 422
    assert "page" in response.json()["errors"]


def test_a_far_date_in_the_console_list_is_a_form_error(login):
    response = login("supervisor").get("/console/contacts/?received_to=9999-12-31")
    assert response.status_code == 200
    errors = response.context["filter_form"].errors
    assert errors["received_to"] == ["must be between 1900-01-01 and 2199-12-31"]


def test_a_lone_surrogate_in_chat_is_an_error_frame_and_the_socket_stays(live_db):
    from tests.test_intake_chat import socket, talk, visitor_cookie

    conversation = do_open_chat()
    cookie = visitor_cookie(conversation)
    _, _, answers = talk(
        socket("/ws/chat/", cookie),
        {"type": "message", "body": "first"},
        {"type": "message", "body": f"broken {SURROGATE}"},
        {"type": "message", "body": "after"},
        receive=3,
    )
    assert [a["type"] for a in answers] == ["message", "error", "message"]
    assert [a.get("body") for a in answers if a["type"] == "message"] == ["first", "after"]
    stored = [reveal(m.body) for m in Message.objects.filter(conversation=conversation)]
    assert stored == ["first", "after"]


def test_a_frame_that_is_not_json_is_an_error_frame(live_db):
    from asgiref.sync import async_to_sync

    from tests.test_intake_chat import socket, visitor_cookie

    cookie = visitor_cookie(do_open_chat())

    @async_to_sync
    async def run():
        communicator = socket("/ws/chat/", cookie)
        assert (await communicator.connect())[0]
        await communicator.send_to(text_data="{not json")
        first = await communicator.receive_json_from(timeout=5)
        await communicator.send_json_to({"type": "message", "body": "still here"})
        second = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return first, second

    first, second = run()
    assert first["type"] == "error" and second["body"] == "still here"


def test_coerce_converters_and_policies():
    assert coerce.boolean("Yes") is True and coerce.boolean("off") is False
    assert coerce.boolean("") is None
    with pytest.raises(coerce.Invalid):
        coerce.boolean("true", strict=True)
    assert coerce.integer("3.0") == 3 and coerce.integer(" 12 ") == 12
    for bad in ("3.5", HUGE, "1e3", "x"):
        with pytest.raises(coerce.Invalid):
            coerce.integer(bad)
    with pytest.raises(coerce.Invalid):
        coerce.date("9999-12-31")
    with pytest.raises(coerce.Invalid):
        coerce.number("nan")
    assert coerce.email(" A@Example.org ") == "a@example.org"
    assert coerce.choice("SMS", ["sms", "chat"]) == "sms"
    check = coerce.Collect()
    assert check("page", coerce.integer, "x") is None and check("size", coerce.integer, "2") == 2
    assert check == {"page": "must be a whole number"}
    dropped = []
    assert coerce.Warn(dropped.append)("lat", coerce.number, "north") is None
    assert dropped == ["lat 'north' must be a number, left out"]
    assert coerce.find_bad_text({"a": [{"b": "x\ud800"}]}) == ("a.0.b", coerce.find_bad_text(
        "\ud800")[1])  # fmt: skip


# --- every field, arbitrary input -------------------------------------------------------------

NASTY = st.sampled_from([SURROGATE, "\x00", HUGE, "-" + HUGE, "9999-12-31", "0000-00-00",
                         "NaN", "inf", "-1", "0", "1e309", "", " ", "true", "null", "[]",
                         "\u202e", "é" * 300, "%00", "' OR 1=1 --"])  # fmt: skip
TEXT = st.one_of(NASTY, st.text(max_size=60), st.integers().map(str), st.floats().map(str),
                 st.dates().map(str))  # fmt: skip
JSON_VALUE = st.one_of(TEXT, st.integers(), st.floats(allow_nan=False), st.booleans(),
                       st.none(), st.lists(TEXT, max_size=3))  # fmt: skip

PROPERTY = settings(
    max_examples=30, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip

API_LIST_PARAMS = ["channel", "call_type", "urgent", "substantive", "state", "received_from",
                   "received_to", "page", "page_size"]  # fmt: skip
AUDIT_PARAMS = ["object_type", "object_id", "action", "page", "page_size"]
CONTACT_FIELDS = ["channel", "call_types", "received_at", "ended_at", "language",
                  "interpreter_used", "caller_type", "urgent", "heard_about", "summary",
                  "handled_by"]  # fmt: skip
NESTED = {"location": ["state", "county", "city", "postal_code"],
          "caller": ["name", "phone", "email"]}  # fmt: skip
HSDS_PARAMS = ["page", "per_page", "search", "full", "full_service", "taxonomy_id",
               "taxonomy_term_id", "organization_id", "modified_after", "lat", "lon",
               "radius_km", "language", "open_now", "24_7", "postcode", "proximity"]  # fmt: skip
HSDS_PATHS = ["/hsds/services", "/hsds/service_at_locations", "/hsds/organizations",
              "/hsds/taxonomies", "/hsds/taxonomy_terms"]  # fmt: skip


@PROPERTY
@given(params=st.dictionaries(st.sampled_from(API_LIST_PARAMS + AUDIT_PARAMS), TEXT, max_size=4))
def test_no_api_query_parameter_gives_a_server_error(api, params):
    client = api("supervisor")
    for path in ("/api/v1/contacts", "/api/v1/audit"):
        response = client.client.get(f"{path}?{_query(params)}", headers=client.headers)
        assert response.status_code < 500, (path, params, response.content[:300])


@PROPERTY
@given(
    fields=st.dictionaries(st.sampled_from(CONTACT_FIELDS), JSON_VALUE, max_size=4),
    nested=st.sampled_from(sorted(NESTED)),
    inner=st.dictionaries(st.sampled_from(NESTED["caller"] + NESTED["location"]), JSON_VALUE,
                          max_size=2),  # fmt: skip
)
def test_no_api_body_gives_a_server_error_and_what_is_stored_reads_back(
    api, make_contact, fields, nested, inner
):
    client = api("supervisor")
    inner = {k: v for k, v in inner.items() if k in NESTED[nested]}
    body = {**contact_data(), **fields, nested: inner}
    created = _json(client.client, "post", "/api/v1/contacts", body, client.headers)
    assert created.status_code < 500, (body, created.content[:300])
    target = make_contact("supervisor")
    patched = _json(client.client, "patch", f"/api/v1/contacts/{target.pk}", fields,
                    client.headers)  # fmt: skip
    assert patched.status_code < 500, (fields, patched.content[:300])
    for contact in Contact.objects.all():  # nothing broken is stored: every row reads back
        reveal(contact.summary), reveal(contact.caller_name)


@PROPERTY
@given(params=st.dictionaries(st.sampled_from(HSDS_PARAMS), TEXT, max_size=4),
       path=st.sampled_from(HSDS_PATHS))  # fmt: skip
def test_no_hsds_parameter_gives_a_server_error(login, params, path):
    response = login("supervisor").get(f"{path}?{_query(params)}")
    assert response.status_code < 500, (path, params, response.content[:300])


PUBLIC_FORMS = {
    "/tip/": ["what_happened", "urgency", "state", "city", "postal_code", "when", "venue",
              "people", "minors", "name", "phone", "email", "consent_to_share"],
    "/tip/follow-up/": ["code", "challenge", "work"],
    "/chat/": ["language", "safe", "state", "heard_about"],
}  # fmt: skip


@PROPERTY
@given(path=st.sampled_from(sorted(PUBLIC_FORMS)), data=st.data())
def test_no_public_form_field_gives_a_server_error(db, path, data):
    fields = data.draw(st.dictionaries(st.sampled_from(PUBLIC_FORMS[path]), TEXT, max_size=6))
    client = Client()
    response = client.post(path, data=_query(fields),
                           content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert response.status_code < 500, (path, fields)
    stats = client.get(f"/statistics/?{_query({'year': data.draw(TEXT)})}")
    assert stats.status_code < 500
