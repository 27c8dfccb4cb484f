"""The training and quality review screens (issue 23 part 4): own records and clearance, the
supervisor's staff table, recording and removing a record, the course list, reviewing a contact
from its page, "my reviews" and acknowledging, the scores per queue, the board and the routing
bar saying why a queue's contacts are not offered, and the Spanish console."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lantern.accounts import actions as account_actions
from lantern.routing import actions as routing
from lantern.routing import engine
from lantern.routing.models import Queue, Task
from lantern.training import actions, queries
from lantern.training.models import Course, CourseRequirement, Review, TrainingRecord
from tests.test_routing_engine import OPEN, text


@pytest.fixture
def induction(personas):
    course = Course.objects.create(
        name="Crisis line induction", description="Synthetic course.", validity_months=12
    )
    CourseRequirement.objects.create(course=course, queue=Queue.objects.get(name="crisis"))
    return course


def _answers(**by_name):
    answers = {}
    for criterion in queries.active_rubric().criteria.all():
        default = "2" if criterion.scale == "zero_to_two" else "yes"
        answers[f"criterion_{criterion.pk}"] = by_name.get(criterion.name, default)
    return answers


def test_an_advocate_sees_their_own_training_and_why_a_queue_is_closed_to_them(
    login, personas, induction
):
    page = login("advocate").get("/console/training/").content.decode()
    assert "Crisis line induction" in page and 'data-queue="crisis"' in page
    assert "not completed" in page
    assert "training-matrix" not in page  # nobody else's records
    actions.do_record_training(
        personas["advocate"], induction, completed_on=date(2026, 1, 5),
        note="Synthetic private note", actor=personas["supervisor"],
    )  # fmt: skip
    page = login("advocate").get("/console/training/").content.decode()
    assert "not completed" not in page and "Synthetic private note" not in page
    # the courses page lists the course and its queue
    courses = login("advocate").get("/console/training/courses/").content.decode()
    assert "Crisis line induction" in courses and "12 months" in courses
    assert "admin/training/course" not in courses  # only administrators edit
    assert (
        "admin/training/course" in login("admin").get("/console/training/courses/").content.decode()
    )


def test_a_supervisor_sees_everyone_records_a_course_and_removes_a_mistake(
    login, personas, induction
):
    client = login("supervisor")
    page = client.get("/console/training/").content.decode()
    assert "training-matrix" in page and 'data-user="advocate2"' in page
    member = personas["advocate2"]
    url = f"/console/training/staff/{member.pk}/"
    refused = client.post(url, {"course": induction.pk, "completed_on": "2099-01-01"})
    assert refused.status_code == 400 and "future" in refused.content.decode()
    response = client.post(
        url, {"course": induction.pk, "completed_on": "2026-02-10", "note": "makeup"}, follow=True
    )
    assert "recorded for advocate2" in response.content.decode()
    record = TrainingRecord.objects.get(user=member)
    assert record.expires_on == date(2027, 2, 10)
    assert client.post(f"/console/training/records/{record.pk}/remove/").status_code == 302
    assert not TrainingRecord.objects.exists()
    # an advocate cannot record, nor open another's records
    advocate = login("advocate")
    assert (
        advocate.post(url, {"course": induction.pk, "completed_on": "2026-02-10"}).status_code
        == 403
    )
    assert advocate.get(url).status_code == 403


def test_the_board_and_the_routing_bar_say_why_a_queue_waits(login, personas, induction):
    text("please help he is going to kill me")
    engine.tick(OPEN)
    routing.do_set_presence(personas["advocate"], "available", actor=personas["advocate"])
    engine.tick(OPEN)
    assert Task.objects.get().state == "waiting"  # not offered to the untrained advocate
    board = login("supervisor").get("/console/routing/board/live/").content.decode()
    assert 'id="board-training"' in board and "Crisis line induction" in board
    assert "No available advocate has the training" in board
    bar = login("advocate").get("/console/routing/bar/").content.decode()
    assert 'id="not-cleared"' in bar and "Crisis" in bar


def test_a_supervisor_reviews_from_the_contact_page_and_the_advocate_acknowledges(
    login, personas, make_contact
):
    contact = make_contact("advocate")
    supervisor = login("supervisor")
    page = supervisor.get(f"/console/contacts/{contact.pk}/").content.decode()
    assert f"/console/contacts/{contact.pk}/review/" in page
    form = supervisor.get(f"/console/contacts/{contact.pk}/review/").content.decode()
    assert "Safety assessment done" in form and "Not applicable" in form
    incomplete = supervisor.post(f"/console/contacts/{contact.pk}/review/", {"feedback": "x"})
    assert incomplete.status_code == 400 and "choose an answer" in incomplete.content.decode()
    saved = supervisor.post(
        f"/console/contacts/{contact.pk}/review/",
        {**_answers(**{"Documentation complete": "1"}), "feedback": "Synthetic: log the county."},
    )
    review = Review.objects.get()
    assert saved.status_code == 302 and saved.url == f"/console/reviews/{review.pk}/"
    # the list shows the contact's reference, never the caller
    listing = supervisor.get("/console/reviews/").content.decode()
    assert contact.short_id in listing and "Test Caller" not in listing
    # the advocate: the nav counts it, "my reviews" lists it, they acknowledge it
    advocate = login("advocate")
    home = advocate.get("/console/").content.decode()
    assert 'id="unread-reviews"' in home
    mine = advocate.get("/console/reviews/").content.decode()
    assert "My reviews" in mine and contact.short_id in mine
    detail = advocate.get(f"/console/reviews/{review.pk}/").content.decode()
    assert "Synthetic: log the county." in detail and 'id="acknowledge"' in detail
    assert supervisor.post(f"/console/reviews/{review.pk}/acknowledge/").status_code == 403
    assert advocate.post(f"/console/reviews/{review.pk}/acknowledge/").status_code == 302
    review.refresh_from_db()
    assert review.acknowledged_at is not None
    assert 'id="acknowledge"' not in advocate.get(f"/console/reviews/{review.pk}/").content.decode()
    assert 'id="unread-reviews"' not in advocate.get("/console/").content.decode()
    # another advocate: the review is as missing as a made-up one
    assert login("advocate2").get(f"/console/reviews/{review.pk}/").status_code == 404
    # the contact's own page shows its review to the supervisor and the advocate
    assert (
        f"/console/reviews/{review.pk}/"
        in advocate.get(f"/console/contacts/{contact.pk}/").content.decode()
    )


def test_no_review_button_on_ones_own_contact_and_a_refusal_is_shown(login, personas, make_contact):
    own = make_contact("supervisor")
    supervisor = login("supervisor")
    page = supervisor.get(f"/console/contacts/{own.pk}/").content.decode()
    assert f"/console/contacts/{own.pk}/review/" not in page
    refused = supervisor.post(f"/console/contacts/{own.pk}/review/", _answers())
    assert refused.status_code == 400 and "your own contact" in refused.content.decode()
    assert not Review.objects.exists()


def test_the_summary_per_queue_and_period(login, personas, make_contact):
    actions.do_review_contact(
        make_contact("advocate"), {int(k.split("_")[1]): v for k, v in _answers().items()},
        actor=personas["supervisor"],
    )  # fmt: skip
    client = login("supervisor")
    page = client.get("/console/reviews/summary/").content.decode()
    assert "100.0%" in page and "Logged by hand" in page and "Test Caller" not in page
    empty = client.get("/console/reviews/summary/", {"since": "2020-01-01", "until": "2020-01-31"})
    assert "No reviews in this period." in empty.content.decode()
    bad = client.get("/console/reviews/summary/", {"since": "2020-02-01", "until": "2020-01-01"})
    assert bad.status_code == 400 and "ends before it starts" in bad.content.decode()
    assert client.get("/console/reviews/summary/", {"since": "not a date"}).status_code == 400
    assert login("admin").get("/console/reviews/summary/").status_code == 200
    assert login("advocate").get("/console/reviews/summary/").status_code == 403


def test_the_training_pages_in_spanish(login, personas, induction):
    account_actions.do_set_user_language(personas["supervisor"], "es", actor=personas["supervisor"])
    client = login("supervisor")
    page = client.get("/console/training/").content.decode()
    assert "Capacitación" in page and "Cursos completados" in page
    assert "Courses completed" not in page
    summary = client.get("/console/reviews/summary/").content.decode()
    assert "Puntuaciones de calidad por cola" in summary


def test_a_reviewer_filters_reviews_by_advocate_and_unread(login, personas, make_contact):
    sup = personas["supervisor"]
    answers = {int(k.split("_")[1]): v for k, v in _answers().items()}
    mine = actions.do_review_contact(make_contact("advocate"), answers, actor=sup)
    theirs = actions.do_review_contact(make_contact("advocate2"), answers, actor=sup)
    actions.do_acknowledge_review(theirs, actor=personas["advocate2"])
    client = login("supervisor")
    page = client.get("/console/reviews/", {"advocate": "advocate"}).content.decode()
    assert f'data-review="{mine.pk}"' in page and f'data-review="{theirs.pk}"' not in page
    page = client.get("/console/reviews/", {"unread": "on"}).content.decode()
    assert f'data-review="{mine.pk}"' in page and f'data-review="{theirs.pk}"' not in page
    everyone = client.get("/console/reviews/", {"advocate": "nobody-such"})
    assert everyone.status_code == 200  # an unknown name filters nothing out, and says so
    assert f'data-review="{theirs.pk}"' in everyone.content.decode()


def test_a_record_about_to_expire_is_flagged(login, personas):
    course = Course.objects.create(name="Safety planning", validity_months=12)
    soon = queries.today() - timedelta(days=365 - 10)  # expires in about ten days
    actions.do_record_training(
        personas["advocate"], course, completed_on=soon, actor=personas["supervisor"]
    )
    assert "expires soon" in login("advocate").get("/console/training/").content.decode()
    matrix = login("supervisor").get("/console/training/").content.decode()
    assert "expires soon" in matrix
