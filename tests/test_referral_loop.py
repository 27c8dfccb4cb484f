"""Closed-loop referrals: a follow-up date when given, the status moves, the outcome on the case,
the service's acceptance rate in the directory, and the reminders on the home screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.audit.models import AuditEvent
from lantern.cases import actions, queries
from lantern.cases.choices import REFERRAL_MOVES, ReferralStatusChoices
from lantern.cases.models import Referral, ReferralUpdate
from lantern.core.errors import InvalidInput
from tests.test_directory_console import make_service


@pytest.fixture
def service(personas):
    return make_service(personas["directory"])


@pytest.fixture
def contact(make_contact):
    return make_contact()


@pytest.fixture
def referral(personas, contact, service):
    return actions.do_give_referral(contact, service, actor=personas["advocate"])


def test_a_referral_given_has_a_follow_up_date(referral, settings):
    assert referral.status == "given"
    assert referral.follow_up_on == timezone.localdate() + timedelta(
        days=settings.LANTERN_REFERRAL_FOLLOW_UP_DAYS
    )


def test_the_loop_closes_with_an_outcome(personas, referral):
    advocate = personas["advocate"]
    r = actions.do_update_referral(referral, "contacted", actor=advocate, note="Left a message.")
    assert r.status == "contacted" and r.follow_up_on
    r = actions.do_update_referral(r, "accepted", actor=advocate, note="Intake on Monday.")
    assert r.status == "accepted" and r.follow_up_on is None
    steps = list(ReferralUpdate.objects.filter(referral=r).values_list("old", "new"))
    assert steps == [("given", "contacted"), ("contacted", "accepted")]
    # the note is encrypted at rest and not in the audit trail
    assert "Monday" not in str(AuditEvent.objects.filter(object_id=str(r.pk)).values("changes"))


def test_a_move_the_loop_does_not_allow_is_refused_and_audited(personas, referral):
    advocate = personas["advocate"]
    actions.do_update_referral(referral, "accepted", actor=advocate)
    with pytest.raises(InvalidInput, match="cannot go from accepted to contacted"):
        actions.do_update_referral(referral, "contacted", actor=advocate)
    with pytest.raises(InvalidInput, match="not a referral status"):
        actions.do_update_referral(referral, "lost", actor=advocate)
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert AuditEvent.objects.filter(action="refused", object_id=str(referral.pk)).count() == 2


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.lists(st.sampled_from(ReferralStatusChoices.values), max_size=5))
def test_any_sequence_of_clicks_moves_a_referral_only_as_the_table_allows(
    path, personas, service, make_contact
):
    advocate = personas["advocate"]
    referral = actions.do_give_referral(make_contact(), service, actor=advocate)
    expected, moves = "given", 0
    for new in path:
        try:
            actions.do_update_referral(referral, new, actor=advocate)
        except InvalidInput:
            assert new not in REFERRAL_MOVES[expected]
        else:
            assert new in REFERRAL_MOVES[expected]
            expected, moves = new, moves + 1
    referral.refresh_from_db()
    assert referral.status == expected
    assert (referral.follow_up_on is None) == (expected in ("accepted", "declined"))
    assert ReferralUpdate.objects.filter(referral=referral).count() == moves


def test_the_directory_shows_how_often_a_service_accepts(personas, service, make_contact, login):
    advocate = personas["advocate"]
    outcomes = ["accepted", "accepted", "accepted", "declined", "unreachable", "given"]
    for outcome in outcomes:
        r = actions.do_give_referral(make_contact(), service, actor=advocate)
        if outcome != "given":
            actions.do_update_referral(r, outcome, actor=advocate)
    acceptance = queries.acceptance_for_service(service)
    assert (acceptance.given, acceptance.accepted, acceptance.declined) == (6, 3, 1)
    assert acceptance.rate == 0.75 and acceptance.open == 1 and acceptance.unreachable == 1
    page = login("advocate").get(f"/console/directory/services/{service.pk}/").content.decode()
    assert "75% accepted</strong> of 4 with a known outcome" in page


def test_due_follow_ups_are_on_the_home_screen(personas, referral, login):
    page = login("advocate").get("/console/").content.decode()
    assert 'id="follow-ups"' not in page  # not due yet
    Referral.objects.filter(pk=referral.pk).update(follow_up_on=timezone.localdate())
    page = login("advocate").get("/console/").content.decode()
    assert 'id="follow-ups"' in page and referral.service.name in page
    assert 'id="follow-ups"' not in login("advocate2").get("/console/").content.decode()
    actions.do_update_referral(referral, "declined", actor=personas["advocate"])
    assert 'id="follow-ups"' not in login("advocate").get("/console/").content.decode()


def test_a_case_assigned_to_me_with_a_follow_up_today_is_a_reminder(personas, contact, login):
    case = actions.do_open_case(contact, actor=personas["advocate"])
    actions.do_update_case(
        case, {"assigned_to": personas["analyst"], "follow_up_on": timezone.localdate()},
        actor=personas["advocate"],
    )  # fmt: skip
    page = login("analyst").get("/console/").content.decode()
    assert 'id="follow-ups"' in page and str(case) in page


def test_the_case_shows_its_referrals_and_staff_update_them(personas, referral, contact, login):
    case = actions.do_open_case(contact, actor=personas["advocate"])
    client = login("advocate")
    update = {"status": "unreachable", "note": "Line busy.", "next": f"/console/cases/{case.pk}/"}
    url = f"/console/contacts/{contact.pk}/referrals/{referral.pk}/status/"
    response = client.post(url, update)
    assert response.status_code == 302 and response["Location"] == f"/console/cases/{case.pk}/"
    page = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert referral.service.name in page and "Unreachable" in page
    bad = client.post(url, {"status": "given"})
    assert bad.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "unreachable"
