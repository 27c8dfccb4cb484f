"""``/api/v1/me/training``, ``/api/v1/me/reviews``, ``/api/v1/reviews/{id}`` and acknowledging
(issue 23 part 4): one's own records and clearance, one's own reviews, 404 for another's."""

from __future__ import annotations

from datetime import date

from lantern.routing.models import Queue
from lantern.training import actions, queries
from lantern.training.models import Course, CourseRequirement


def _answers():
    return {
        c.pk: "2" if c.scale == "zero_to_two" else "yes"
        for c in queries.active_rubric().criteria.all()
    }


def test_my_training_says_which_queues_need_what(api, personas):
    course = Course.objects.create(name="Crisis line induction", validity_months=12)
    CourseRequirement.objects.create(course=course, queue=Queue.objects.get(name="crisis"))
    body = api("advocate").get("/me/training").json()
    assert body["records"] == []
    crisis = next(q for q in body["queues"] if q["queue"] == "crisis")
    assert crisis == {
        "queue": "crisis", "requires": ["Crisis line induction"], "cleared": False,
        "missing": [{"course": "Crisis line induction", "standing": "missing",
                     "expires_on": None}],
    }  # fmt: skip
    actions.do_record_training(
        personas["advocate"], course, completed_on=date(2026, 3, 2), actor=personas["supervisor"]
    )
    body = api("advocate").get("/me/training").json()
    assert body["records"][0]["expires_on"] == "2027-03-02" and body["records"][0]["current"]
    assert next(q for q in body["queues"] if q["queue"] == "crisis")["cleared"] is True
    assert api(None).get("/me/training").status_code == 401


def test_my_reviews_and_acknowledging(api, personas, make_contact):
    contact = make_contact("advocate")
    review = actions.do_review_contact(
        contact, _answers(), feedback="Synthetic feedback.", actor=personas["supervisor"]
    )
    page = api("advocate").get("/me/reviews", unread="true").json()
    assert page["count"] == 1 and page["results"][0]["contact"] == str(contact.pk)
    assert page["results"][0]["score"] == "100.0" or page["results"][0]["score"] == 100.0
    assert "caller" not in str(page).lower()
    detail = api("advocate").get(f"/reviews/{review.pk}").json()
    assert detail["feedback"] == "Synthetic feedback." and len(detail["scores"]) == 4
    assert api("advocate2").get(f"/reviews/{review.pk}").status_code == 404
    assert api("advocate2").post(f"/reviews/{review.pk}/acknowledge", {}).status_code == 404
    assert api("supervisor").get(f"/reviews/{review.pk}").status_code == 200
    assert api("supervisor").post(f"/reviews/{review.pk}/acknowledge", {}).status_code == 403
    done = api("advocate").post(f"/reviews/{review.pk}/acknowledge", {})
    assert done.status_code == 200 and done.json()["acknowledged_at"]
    assert api("advocate").get("/me/reviews", unread="true").json()["count"] == 0
    assert api("advocate").get("/me/reviews", page_size=0).status_code == 422
    assert api("advocate").get("/reviews/not-a-uuid").status_code == 422
