"""The caller types and at-risk detail the seeds name (issue 23 part 6): researchers and students,
policy makers, what puts an at-risk person at risk, and survivors directly supported."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.audit.models import AuditEvent
from lantern.cases import actions as case_actions
from lantern.contacts.choices import ContactAtRiskChoices
from lantern.contacts.definitions import active_form
from lantern.contacts.exceptions import ContactValidationError
from lantern.contacts.models import Contact, ContactFormVersion
from lantern.contacts.validation import clean_contact
from lantern.stats import tables
from tests.conftest import contact_data

AT_RISK = {"call_types": ["at_risk"], "at_risk": ["runaway_homeless_youth", "child_abuse"]}


def test_the_new_form_version_asks_researchers_policy_makers_and_at_risk_detail(db):
    form = active_form()
    assert form.version == 2
    assert {"researcher_student", "policy_maker", "educator"} <= set(form.definition["caller_type"])
    assert "educator_student" not in form.definition["caller_type"]
    assert form.definition["at_risk"] == list(ContactAtRiskChoices.values)
    # contacts recorded with version 1 keep its options
    first = ContactFormVersion.objects.get(version=1)
    assert "educator_student" in first.definition["caller_type"]
    assert "at_risk" not in first.definition


def test_the_api_records_at_risk_categories_only_on_an_at_risk_contact(api):
    client = api("advocate")
    made = client.post("/contacts", contact_data(caller_type="policy_maker", **AT_RISK))
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["at_risk"] == ["runaway_homeless_youth", "child_abuse"]
    assert body["caller_type"] == "policy_maker"

    wrong = client.post("/contacts", contact_data(call_types=["tip"], at_risk=["child_abuse"]))
    assert wrong.status_code == 422
    assert "at_risk" in wrong.json()["errors"]
    unknown = client.post("/contacts", contact_data(call_types=["at_risk"], at_risk=["poverty"]))
    assert unknown.status_code == 422 and "poverty" in unknown.json()["errors"]["at_risk"]
    assert Contact.objects.count() == 1

    # adding categories to a tip is refused; taking away the at-risk type clears them
    tip = client.post("/contacts", contact_data(call_types=["tip"])).json()
    refused = client.patch(f"/contacts/{tip['id']}", {"at_risk": ["sexual_assault"]})
    assert refused.status_code == 422 and "at_risk" in refused.json()["errors"]
    cleared = client.patch(f"/contacts/{body['id']}", {"call_types": ["tip"]})
    assert cleared.status_code == 200 and cleared.json()["at_risk"] == []
    event = AuditEvent.objects.filter(object_id=body["id"], action="update").latest("id")
    assert "call_types" in event.changes


def test_a_version_1_contact_records_no_at_risk_categories(db, personas):
    first = ContactFormVersion.objects.get(version=1)
    with pytest.raises(ContactValidationError) as caught:
        clean_contact({"channel": "phone", **AT_RISK}, first)
    assert "records no at-risk categories" in caught.value.errors["at_risk"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.one_of(
        st.none(),
        st.text(max_size=5),
        st.integers(),
        st.lists(st.one_of(st.sampled_from(ContactAtRiskChoices.values), st.text(max_size=8))),
        st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
    ),
    call_types=st.lists(st.sampled_from(["at_risk", "tip", "crisis"]), min_size=1, max_size=2),
)
def test_any_at_risk_input_is_cleaned_or_refused_by_name(db, values, call_types):
    form = active_form()
    try:
        out = clean_contact({"channel": "phone", "call_types": call_types, "at_risk": values}, form)
    except ContactValidationError as exc:
        assert set(exc.errors) <= {"at_risk", "call_types"}
        return
    categories = out["at_risk"]
    assert isinstance(categories, list)
    assert set(categories) <= set(ContactAtRiskChoices.values)
    assert not categories or "at_risk" in out["call_types"]


def test_the_console_form_records_and_shows_what_puts_them_at_risk(login):
    client = login("advocate")
    page = client.get("/console/contacts/new/").content.decode()
    assert 'id="at-risk"' in page and "Runaway or homeless youth" in page
    assert 'value="researcher_student"' in page and 'value="policy_maker"' in page
    form = {"channel": "sms", "call_types": ["tip"], "language": "en",
            "caller_type": "researcher_student", "at_risk": ["domestic_violence"]}  # fmt: skip
    refused = client.post("/console/contacts/new/", form)
    assert refused.status_code in (200, 400)  # the form again, with the error
    assert "Tick “At risk” in the call types" in refused.content.decode()
    assert not Contact.objects.exists()
    saved = client.post("/console/contacts/new/", {**form, "call_types": ["at_risk"]})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    contact = Contact.objects.get()
    assert contact.at_risk == ["domestic_violence"] and contact.caller_type == "researcher_student"
    detail = client.get(saved.url).content.decode()
    assert "Domestic violence" in detail and "Researcher / student" in detail
    edit = client.get(f"/console/contacts/{contact.pk}/edit/").content.decode()
    box = edit[edit.index('value="domestic_violence"') :].split(">", 1)[0]
    assert "checked" in box


def test_survivors_directly_supported_are_recorded_on_the_case_and_counted(
    personas, make_contact, login
):
    from lantern.stats.tables import spec

    served = case_actions.do_open_case(make_contact(), actor=personas["advocate"])
    other = case_actions.do_open_case(make_contact(), actor=personas["advocate"])
    client = login("analyst")
    page = client.get(f"/console/cases/{served.pk}/edit/").content.decode()
    assert 'name="victims_served"' in page
    form = {"trafficking_type": "labor", "venue": "agriculture", "victims_served": "true",
            "state": "TX", "party1_role": "potential_victim", "party1_count": "3"}  # fmt: skip
    assert client.post(f"/console/cases/{served.pk}/edit/", form).status_code == 302
    served.refresh_from_db()
    assert served.victims_served is True
    assert AuditEvent.objects.filter(
        object_id=str(served.pk), action="update", changes__victims_served="True"
    ).exists()
    case_actions.do_edit_case(
        other, {"victims_served": False}, [{"role": "potential_victim", "count": 2}],
        actor=personas["analyst"],
    )  # fmt: skip
    detail = client.get(f"/console/cases/{served.pk}/").content.decode()
    assert "Victims directly supported" in detail
    start = datetime(2000, 1, 1).astimezone()
    end = datetime(2100, 1, 1).astimezone()
    rows = spec("victims_by_support").query(start, end, {})
    assert sorted(rows) == [["TX", "false", 2], ["TX", "true", 3]]
    supervisor = login("supervisor").get("/console/stats/operations/").content.decode()
    assert '<dd id="ops-survivors-supported">3</dd>' in supervisor
    with pytest.raises(Exception, match="yes, no"):
        case_actions.do_update_case(served, {"victims_served": "maybe"}, actor=personas["analyst"])


def test_at_risk_contacts_are_counted_once_per_category_and_spam_never(personas, make_contact):
    make_contact(**AT_RISK)
    make_contact(call_types=["at_risk"], at_risk=["child_abuse"])
    make_contact(call_types=["tip"])
    start = datetime(2000, 1, 1).astimezone()
    end = datetime(2100, 1, 1).astimezone()
    rows = tables.spec("contacts_by_at_risk").query(start, end, {})
    assert rows == [["all", "child_abuse", 2], ["all", "runaway_homeless_youth", 1]]
    assert tables.spec("contacts_by_at_risk").partition is False


def test_every_caller_type_a_tta_request_maps_is_real_and_the_new_ones_are_mapped():
    from lantern.assistance.choices import (
        CALLER_TYPE_TO_ORGANIZATION_TYPE,
        AssistanceRequestOrganizationTypeChoices,
    )
    from lantern.contacts.choices import ContactCallerTypeChoices

    assert set(CALLER_TYPE_TO_ORGANIZATION_TYPE) <= set(ContactCallerTypeChoices.values)
    assert set(CALLER_TYPE_TO_ORGANIZATION_TYPE.values()) <= set(
        AssistanceRequestOrganizationTypeChoices.values
    )
    assert CALLER_TYPE_TO_ORGANIZATION_TYPE["researcher_student"] == "researcher_student"
    assert CALLER_TYPE_TO_ORGANIZATION_TYPE["policy_maker"] == "government_policy"
