"""Training records and quality review (issue 23 part 4): the actions, the queries, who may do
what, and what the audit log keeps (ids, dates and scores; never a note's or a review's words)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lantern.audit.models import AuditEvent
from lantern.privacy.fields import reveal
from lantern.routing import actions as routing
from lantern.training import actions, queries
from lantern.training.choices import TrainingStandingChoices as Standing
from lantern.training.exceptions import TrainingError
from lantern.training.models import Course, Review, Rubric, TrainingRecord


@pytest.fixture
def course(db):
    return Course.objects.create(name="Trauma-informed care", validity_months=12)


def _values(rubric=None, **by_name):
    """Answers for the active rubric: "yes"/"2" for every criterion unless named."""
    rubric = rubric or queries.active_rubric()
    answers = {}
    for criterion in rubric.criteria.all():
        default = "2" if criterion.scale == "zero_to_two" else "yes"
        answers[criterion.pk] = by_name.get(criterion.name, default)
    return answers


# --- dates ------------------------------------------------------------------------------------


def test_months_are_added_to_the_last_day_of_a_shorter_month():
    assert queries.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert queries.add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert queries.add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 240))
def test_adding_months_never_goes_back_and_lands_in_the_right_month(day, months):
    later = queries.add_months(day, months)
    assert later >= day
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months


# --- training records -------------------------------------------------------------------------


def test_a_supervisor_records_a_completion_and_its_expiry_follows_the_course(personas, course):
    record = actions.do_record_training(
        personas["advocate"], course, completed_on=date(2026, 2, 10),
        note="Makeup session with J. Doe", actor=personas["supervisor"],
    )  # fmt: skip
    assert record.expires_on == date(2027, 2, 10)
    assert record.recorded_by == personas["supervisor"]
    assert reveal(record.note) == "Makeup session with J. Doe"
    event = AuditEvent.objects.get(object_type="training.trainingrecord", action="create")
    assert event.changes["course"] == course.name and event.changes["expires_on"] == "2027-02-10"
    assert "Doe" not in str(event.changes) + event.reason
    with connection.cursor() as cursor:  # the note is encrypted at rest
        cursor.execute("SELECT note FROM training_trainingrecord")
        assert "Doe" not in str(cursor.fetchall())
    forever = Course.objects.create(name="Orientation", validity_months=None)
    record = actions.do_record_training(
        personas["advocate"], forever, completed_on=date(2020, 1, 1), actor=personas["admin"]
    )
    assert record.expires_on is None


def test_only_supervisors_and_administrators_record_training(personas, course):
    for name in ("advocate", "analyst", "directory"):
        with pytest.raises(PermissionDenied):
            actions.do_record_training(
                personas[name], course, completed_on=date(2026, 1, 5), actor=personas[name]
            )
    assert not TrainingRecord.objects.exists()


def test_a_bad_record_is_refused_with_reasons_and_the_refusal_audited(personas, course):
    future = timezone.localdate() + timedelta(days=2)
    with pytest.raises(TrainingError) as refused:
        actions.do_record_training(
            personas["advocate"], course, completed_on=future, note="x" * 3000,
            actor=personas["supervisor"],
        )  # fmt: skip
    assert set(refused.value.errors) == {"completed_on", "note"}
    with pytest.raises(TrainingError, match="1990"):
        actions.do_record_training(
            personas["advocate"], course, completed_on=date(1950, 1, 1),
            actor=personas["supervisor"],
        )  # fmt: skip
    course.active = False
    course.save()
    with pytest.raises(TrainingError, match="no longer offered"):
        actions.do_record_training(
            personas["advocate"], course, completed_on=date(2026, 1, 5),
            actor=personas["supervisor"],
        )  # fmt: skip
    assert not TrainingRecord.objects.exists()
    assert (
        AuditEvent.objects.filter(action="refused", object_type="training.trainingrecord").count()
        == 3
    )


def test_standings_current_expired_missing_and_the_newest_wins(personas, course):
    advocate, sup = personas["advocate"], personas["supervisor"]
    actions.do_record_training(advocate, course, completed_on=date(2024, 1, 10), actor=sup)
    on = date(2026, 11, 17)
    ids = [advocate.pk, personas["advocate2"].pk]
    stand = queries.standings(ids, [course.pk], on)
    assert stand[advocate.pk, course.pk].standing == Standing.EXPIRED
    assert stand[advocate.pk, course.pk].expires_on == date(2025, 1, 10)
    assert stand[personas["advocate2"].pk, course.pk].standing == Standing.MISSING
    actions.do_record_training(advocate, course, completed_on=date(2026, 1, 10), actor=sup)
    stand = queries.standings(ids, [course.pk], on)
    assert stand[advocate.pk, course.pk] == queries.CourseStanding(
        Standing.CURRENT, date(2027, 1, 10)
    )
    # the day it expires, it has expired
    assert (
        queries.standings(ids, [course.pk], date(2027, 1, 10))[advocate.pk, course.pk].standing
        == Standing.EXPIRED
    )


def test_removing_a_mistaken_record_is_audited(personas, course):
    record = actions.do_record_training(
        personas["advocate"], course, completed_on=date(2026, 1, 5), actor=personas["supervisor"]
    )
    with pytest.raises(PermissionDenied):
        actions.do_remove_training_record(record, actor=personas["advocate"])
    actions.do_remove_training_record(record, actor=personas["admin"])
    assert not TrainingRecord.objects.exists()
    assert AuditEvent.objects.filter(
        object_type="training.trainingrecord", action="delete"
    ).exists()


def test_who_sees_whose_training(personas):
    advocate = personas["advocate"]
    assert queries.may_view_training_of(advocate, advocate)
    assert not queries.may_view_training_of(advocate, personas["advocate2"])
    assert queries.may_view_training_of(personas["supervisor"], advocate)
    assert queries.may_view_training_of(personas["admin"], advocate)
    assert not queries.may_view_training_of(personas["analyst"], advocate)
    with pytest.raises(type(advocate).DoesNotExist):
        queries.staff_member(advocate, personas["advocate2"].pk)


# --- quality review ---------------------------------------------------------------------------


def test_the_seeded_rubric_is_active_with_the_four_criteria(db):
    rubric = queries.active_rubric()
    names = [c.name for c in rubric.criteria.all()]
    assert names == [
        "Safety assessment done", "Referral given", "Protocol followed", "Documentation complete"
    ]  # fmt: skip
    assert {c.scale for c in rubric.criteria.all()} == {"zero_to_two", "yes_no_na"}


def test_weighted_score_leaves_out_what_did_not_apply():
    assert actions.weighted_score([(2, 2, 3), (None, 1, 2), (1, 2, 2), (0, 2, 1)]) == Decimal(
        "66.7"
    )  # (6 + 2 + 0) / (6 + 4 + 2)
    assert actions.weighted_score([(None, 1, 2)]) is None
    assert actions.weighted_score([]) is None


def test_a_supervisor_reviews_a_contact_and_the_advocate_acknowledges(personas, make_contact):
    contact = make_contact("advocate")
    sup = personas["supervisor"]
    review = actions.do_review_contact(
        contact,
        _values(**{"Referral given": "na", "Documentation complete": "1"}),
        feedback="Good safety check with Test Caller; log the county next time.",
        actor=sup,
    )
    # weights 3, 2 (n/a), 2, 1: (6 + 4 + 1) / (6 + 4 + 2)
    assert review.score == Decimal("91.7")
    assert review.advocate == personas["advocate"] and review.reviewer == sup
    assert review.scores.count() == 4
    event = AuditEvent.objects.get(object_type="training.review", action="create")
    assert event.changes["score"] == "91.7" and "Caller" not in str(event.changes)
    with connection.cursor() as cursor:
        cursor.execute("SELECT feedback FROM training_review")
        assert "safety check" not in str(cursor.fetchall())
    assert queries.unacknowledged_count(personas["advocate"]) == 1
    with pytest.raises(PermissionDenied):
        actions.do_acknowledge_review(review, actor=personas["advocate2"])
    with pytest.raises(PermissionDenied):
        actions.do_acknowledge_review(review, actor=sup)
    actions.do_acknowledge_review(review, actor=personas["advocate"])
    first = Review.objects.get(pk=review.pk).acknowledged_at
    assert first is not None
    actions.do_acknowledge_review(review, actor=personas["advocate"])  # twice: no change
    assert Review.objects.get(pk=review.pk).acknowledged_at == first
    assert AuditEvent.objects.filter(object_type="training.review", action="update").count() == 1
    assert queries.unacknowledged_count(personas["advocate"]) == 0


def test_reviews_refused(personas, make_contact):
    sup = personas["supervisor"]
    own = make_contact("supervisor")
    with pytest.raises(TrainingError, match="your own contact"):
        actions.do_review_contact(own, _values(), actor=sup)
    contact = make_contact("advocate")
    for name in ("advocate", "analyst", "admin", "directory"):
        with pytest.raises(PermissionDenied):
            actions.do_review_contact(contact, _values(), actor=personas[name])
    answers = _values()
    first = next(iter(answers))
    with pytest.raises(TrainingError) as refused:
        actions.do_review_contact(contact, {**answers, first: "7"}, actor=sup)
    assert f"criterion_{first}" in refused.value.errors
    with pytest.raises(TrainingError):
        actions.do_review_contact(contact, {first: "2"}, actor=sup)  # the others unanswered
    actions.do_review_contact(contact, answers, actor=sup)
    with pytest.raises(TrainingError, match="already reviewed"):
        actions.do_review_contact(contact, answers, actor=sup)
    assert Review.objects.count() == 1
    Rubric.objects.update(active=False)
    with pytest.raises(TrainingError, match="no active rubric"):
        actions.do_review_contact(make_contact("advocate"), {}, actor=sup)


def test_a_contact_nobody_has_logged_cannot_be_reviewed(personas, make_contact):
    from lantern.contacts.actions import do_open_chat

    chat = do_open_chat().contact
    with pytest.raises(TrainingError, match="logged|nobody handled"):
        actions.do_review_contact(chat, _values(), actor=personas["supervisor"])


def test_an_advocate_reads_only_their_own_reviews(personas, make_contact):
    sup = personas["supervisor"]
    mine = actions.do_review_contact(make_contact("advocate"), _values(), actor=sup)
    theirs = actions.do_review_contact(make_contact("advocate2"), _values(), actor=sup)
    assert list(queries.reviews_for_user(personas["advocate"])) == [mine]
    assert set(queries.reviews_for_user(sup)) == {mine, theirs}
    with pytest.raises(Review.DoesNotExist):
        queries.access_review_for_user(personas["advocate"], theirs.pk)
    assert queries.access_review_for_user(personas["advocate"], mine.pk) == mine


def test_the_summary_aggregates_per_queue_and_period(personas, make_contact):
    sup = personas["supervisor"]
    contact = make_contact("advocate", channel="sms")
    routing.do_route_contact(contact)
    actions.do_review_contact(contact, _values(), actor=sup)  # 100
    actions.do_review_contact(
        make_contact("advocate2"), _values(**{"Safety assessment done": "0"}), actor=sup
    )  # (0 + 2 + 4 + 2) / (6 + 2 + 4 + 2) = 57.1
    now = timezone.now()
    summary = queries.summary(now - timedelta(days=1), now + timedelta(minutes=1))
    assert summary["total"]["reviews"] == 2 and summary["total"]["acknowledged"] == 0
    by_queue = {row["queue__label"]: row for row in summary["queues"]}
    assert len(by_queue) == 2 and None in by_queue  # the one logged by hand has no queue
    assert float(by_queue[None]["average"]) == pytest.approx(57.1)
    safety = next(
        r for r in summary["criteria"] if r["criterion__name"] == "Safety assessment done"
    )
    assert safety["percent"] == 50.0
    # another period: nothing
    empty = queries.summary(now - timedelta(days=30), now - timedelta(days=20))
    assert empty["total"]["reviews"] == 0 and empty["queues"] == []


def test_the_summary_per_queue_and_month(personas, make_contact):
    sup = personas["supervisor"]
    october = actions.do_review_contact(make_contact("advocate"), _values(), actor=sup)
    november = actions.do_review_contact(
        make_contact("advocate2"), _values(**{"Safety assessment done": "0"}), actor=sup
    )
    tz = timezone.get_current_timezone()
    Review.objects.filter(pk=october.pk).update(
        reviewed_at=timezone.datetime(2026, 10, 31, 23, 30, tzinfo=tz)  # late on the 31st
    )
    Review.objects.filter(pk=november.pk).update(
        reviewed_at=timezone.datetime(2026, 11, 1, 0, 30, tzinfo=tz)
    )
    since = timezone.datetime(2026, 10, 1, tzinfo=tz)
    months = queries.summary(since, since + timedelta(days=61))["by_month"]
    assert months["months"] == [date(2026, 10, 1), date(2026, 11, 1)]
    (row,) = months["rows"]  # both logged by hand: no queue
    assert row["queue"] is None
    assert [(float(avg), n) for avg, n in row["cells"]] == [(100.0, 1), (pytest.approx(57.1), 1)]
