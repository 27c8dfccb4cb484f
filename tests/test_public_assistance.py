"""The public T&TA request form (/assistance/): a request filed with a reference and the
promised date, in the visitor's language; the same gate as the tip form (work, once-only,
the session's cap); nothing personal in an address or the audit log; and whatever a visitor
sends, never a 5xx."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.assistance.models import AssistanceRequest
from lantern.audit.models import AuditEvent
from tests.test_public_tips import form_post, hidden

REQUEST = {
    "requester_name": "Rosa Synthetic",
    "organization": "Example County Schools",
    "organization_type": "educator",
    "email": "rosa@example.org",
    "phone": "",
    "state": "NM",
    "topic": "identifying_trafficking",
    "description": "A 45-minute talk for 9th-grade teachers on the signs of trafficking.",
    "deadline": "",
}


@pytest.fixture(autouse=True)
def _quick_pow(settings, db):
    settings.LANTERN_POW_BITS = settings.LANTERN_INTAKE_POW_BITS = 2  # kept small in tests
    settings.LANTERN_POW_MAX_EXTRA_BITS = 0
    cache.clear()


def send(client=None, **changes):
    client = client or Client()
    return client, form_post(client, "/assistance/", {**REQUEST, **changes})


def test_a_request_is_filed_with_a_reference_and_the_promised_date(db):
    page = Client().get("/assistance/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert b"within 3 business days" in page.content
    client, response = send(urgent="on")
    assert response.status_code == 302 and response["Location"] == "/assistance/sent/"
    request = AssistanceRequest.objects.get()
    assert request.source == "public_form" and request.urgent and request.language == "en"
    assert request.topic.key == "identifying_trafficking" and request.state == "NM"
    sent = client.get("/assistance/sent/")
    assert "no-store" in sent["Cache-Control"]
    assert re.search(rb'id="assistance-reference">TA-[0-9A-F]{8}<', sent.content)
    assert request.reference.encode() in sent.content and b"next business day" in sent.content
    assert b"Rosa" not in sent.content  # nothing personal echoed
    assert (
        AuditEvent.objects.get(action="create", object_id=str(request.pk)).actor_label == "public"
    )


def test_the_form_in_spanish(db):
    client = Client()
    client.get("/assistance/", {"lang": "es"})
    page = client.get("/assistance/").content.decode()
    assert '<html lang="es"' in page
    assert "Identificar la trata" in page and "Docente o escuela" in page
    assert "hábiles" in page
    _, response = send(client, topic="data")
    assert response.status_code == 302
    assert AssistanceRequest.objects.get().language == "es"
    assert "Su número de referencia" in client.get("/assistance/sent/").content.decode()


@pytest.mark.parametrize(
    "changes, field",
    [({"requester_name": ""}, "requester_name"), ({"email": "", "phone": ""}, "email"),
     ({"email": "nope"}, "email"), ({"phone": "123"}, "phone"), ({"topic": "x"}, "topic"),
     ({"organization_type": ""}, "organization_type"), ({"deadline": "2001-02-03"}, "deadline"),
     ({"description": "\x00"}, None)],
)  # fmt: skip
def test_bad_requests_say_why_and_store_nothing(db, changes, field):
    _, response = send(**changes)
    assert response.status_code == 400
    assert not AssistanceRequest.objects.exists()
    if field:
        assert response.context["form"].errors[field]


def test_the_same_form_sent_twice_files_one_request(db):
    client = Client()
    page = client.get("/assistance/")
    data = {**REQUEST, "once": hidden(page, "once"), "challenge": hidden(page, "challenge")}
    from lantern.core import pow

    first = client.post("/assistance/", {**data, "work": pow.solve(data["challenge"])})
    challenge = pow.new_challenge(pow.INTAKE)
    again = client.post("/assistance/", {**data, "challenge": challenge,
                                         "work": pow.solve(challenge)})  # fmt: skip
    assert first.status_code == again.status_code == 302
    assert AssistanceRequest.objects.count() == 1


def test_no_work_no_request_and_the_session_cap(db, settings):
    client = Client()
    response = client.post("/assistance/", {**REQUEST})
    assert response.status_code == 400 and not AssistanceRequest.objects.exists()
    settings.LANTERN_SESSION_INTAKE_LIMIT = 1
    send(client)
    _, capped = send(client)
    assert capped.status_code == 429 and AssistanceRequest.objects.count() == 1


TEXT = st.text(max_size=300)
FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "requester_name": TEXT, "organization": TEXT, "email": TEXT, "phone": TEXT,
        "organization_type": st.one_of(TEXT, st.sampled_from(["educator", "other"])),
        "state": st.one_of(TEXT, st.sampled_from(["TX", "PR", ""])),
        "topic": st.one_of(TEXT, st.sampled_from(["data", "materials"])),
        "description": st.text(max_size=12_000), "deadline": TEXT, "urgent": TEXT,
        "once": TEXT, "challenge": TEXT, "work": TEXT, "lang": TEXT,
    },
)  # fmt: skip


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=FIELDS, with_work=st.booleans())
def test_whatever_a_visitor_sends_the_form_never_fails(db, data, with_work):
    client = Client()
    if with_work:  # a real token and work, so the fields reach the form and the action
        page = client.get("/assistance/")
        from lantern.core import pow

        challenge = hidden(page, "challenge")
        data = {**data, "once": hidden(page, "once"), "challenge": challenge,
                "work": pow.solve(challenge)}  # fmt: skip
    response = client.post("/assistance/", data)
    assert response.status_code in (302, 400, 429), response.status_code
    if response.status_code == 302:
        assert response["Location"] == "/assistance/sent/"
        assert client.get("/assistance/sent/").status_code == 200
