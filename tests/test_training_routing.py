"""The training gate in routing (issue 23 part 4): a queue that requires a course is offered only
to advocates with a current record of it; one missing it or with it expired is never offered the
queue's contacts nor may take them from the inbox, and is told why. Nobody trained available:
the contact waits in its queue as before (never lost), and the board says why."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import translation

from lantern.contacts.exceptions import ContactValidationError
from lantern.routing import actions as routing
from lantern.routing import eligibility, engine, queries
from lantern.routing.models import Queue, Task
from lantern.training import actions, gate
from lantern.training import queries as training_queries
from lantern.training.models import Course, CourseRequirement
from tests.test_routing_engine import OPEN, available, offer_to, task_of, text

CRISIS_TEXT = "please help he is going to kill me"


@pytest.fixture(autouse=True)
def _english():
    """The reasons are in the active language: English here, whatever ran before."""
    with translation.override("en"):
        yield


@pytest.fixture
def induction(personas):
    """The crisis queue requires "Crisis line induction" (valid 12 months); advocate2 has it."""
    course = Course.objects.create(name="Crisis line induction", validity_months=12)
    CourseRequirement.objects.create(course=course, queue=Queue.objects.get(name="crisis"))
    actions.do_record_training(
        personas["advocate2"], course, completed_on=date(2026, 3, 2), actor=personas["supervisor"]
    )
    return course


def test_the_trained_advocate_is_offered_the_contact_even_when_the_other_is_idle_longer(
    personas, induction
):
    crisis = text(CRISIS_TEXT)
    available(personas["advocate"], at=OPEN - timedelta(hours=3))  # idle longest, untrained
    available(personas["advocate2"], at=OPEN - timedelta(minutes=1))
    engine.tick(OPEN)
    assert offer_to(personas["advocate"]) is None
    assert offer_to(personas["advocate2"]).task.contact_id == crisis.pk


def test_without_anyone_trained_the_contact_waits_and_nobody_untrained_gets_it(personas, induction):
    crisis = text(CRISIS_TEXT)
    available(personas["advocate"])
    available(personas["supervisor"])  # a role is no exemption
    for seconds in (0, 31, 62, 93):  # ticks through offer timeouts and escalation steps
        engine.tick(OPEN + timedelta(seconds=seconds))
        assert offer_to(personas["advocate"]) is None
        assert offer_to(personas["supervisor"]) is None
    task = task_of(crisis)
    assert task.state == "waiting" and task.queue.name == "crisis"  # still there: not lost
    # the advocate is told why, naming the course
    reason = eligibility.reason_barred(personas["advocate"].pk, task.queue_id, OPEN)
    assert "Crisis line induction" in reason and "not completed" in reason
    # ...and the moment a trained advocate is available, they are offered it
    available(personas["advocate2"], at=OPEN)
    engine.tick(OPEN + timedelta(seconds=95))
    assert offer_to(personas["advocate2"]).task.contact_id == crisis.pk


def test_an_expired_record_bars_like_a_missing_one(personas, induction):
    # completed 14 months before OPEN, valid 12: expired in September 2026
    actions.do_record_training(
        personas["advocate"], induction, completed_on=date(2025, 9, 14),
        actor=personas["supervisor"],
    )  # fmt: skip
    crisis = text(CRISIS_TEXT)
    available(personas["advocate"])
    engine.tick(OPEN)
    assert offer_to(personas["advocate"]) is None
    reason = eligibility.reason_barred(personas["advocate"].pk, task_of(crisis).queue_id, OPEN)
    assert "expired" in reason and "2026" in reason
    # a newer completion clears them
    actions.do_record_training(
        personas["advocate"], induction, completed_on=date(2026, 10, 1),
        actor=personas["supervisor"],
    )  # fmt: skip
    engine.tick(OPEN + timedelta(seconds=1))
    assert offer_to(personas["advocate"]).task.contact_id == crisis.pk


def test_the_requirement_is_per_queue(personas, induction):
    general = text("Do you have training materials?")
    available(personas["advocate"], at=OPEN - timedelta(hours=1))  # neither is trained
    available(personas["analyst"])  # (one free advocate is kept for urgent work)
    engine.tick(OPEN)
    assert task_of(general).queue.name == "general"
    assert offer_to(personas["advocate"]).task.contact_id == general.pk


def test_an_untrained_advocate_cannot_take_it_from_the_inbox_a_trained_one_can(personas, induction):
    crisis = text(CRISIS_TEXT)
    engine.tick(OPEN)
    with pytest.raises(ContactValidationError, match="Crisis line induction"):
        routing.do_take_task(crisis, actor=personas["advocate"])
    assert task_of(crisis).state == "waiting"
    routing.do_take_task(crisis, actor=personas["advocate2"])
    task = Task.objects.get(contact=crisis)
    assert task.state == "assigned" and task.assigned_to == personas["advocate2"]


def test_a_crisis_pre_empts_only_for_a_trained_advocate(personas, induction):
    general = text("Do you have training materials?", at=OPEN - timedelta(minutes=2))
    available(personas["advocate"], at=OPEN - timedelta(hours=1))
    available(personas["analyst"], at=OPEN, sms=0)  # no room for texts: not a candidate
    engine.tick(OPEN)
    assert offer_to(personas["advocate"]).task.contact_id == general.pk
    crisis = text(CRISIS_TEXT)
    engine.tick(OPEN + timedelta(seconds=1))
    # the untrained advocate keeps the general offer: withdrawing it would help nobody
    assert offer_to(personas["advocate"]).task.contact_id == general.pk
    assert task_of(crisis).state == "waiting"


def test_an_inactive_course_is_no_longer_required(personas, induction):
    Course.objects.filter(pk=induction.pk).update(active=False)
    text(CRISIS_TEXT)
    available(personas["advocate"])
    engine.tick(OPEN)
    assert offer_to(personas["advocate"]) is not None


def test_no_requirement_costs_one_query_and_bars_nobody(personas, django_assert_num_queries):
    queue_ids = list(Queue.objects.values_list("pk", flat=True))
    with django_assert_num_queries(1):
        assert eligibility.barred([personas["advocate"].pk], queue_ids, OPEN) == {}


def test_the_gate_describes_every_missing_course(personas, induction):
    other = Course.objects.create(name="Safety planning", validity_months=None)
    CourseRequirement.objects.create(course=other, queue=Queue.objects.get(name="crisis"))
    crisis_queue = queries.queue_by_name("crisis")
    found = training_queries.gaps([personas["advocate"].pk], [crisis_queue.pk], date(2026, 11, 17))
    text_ = gate.describe(found[personas["advocate"].pk, crisis_queue.pk])
    assert "Crisis line induction (not completed)" in text_
    assert "Safety planning (not completed)" in text_
