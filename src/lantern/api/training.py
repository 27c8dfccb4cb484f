"""``/api/v1/me/training``, ``/api/v1/me/reviews``, ``/api/v1/reviews/{id}`` and
``/api/v1/reviews/{id}/acknowledge``: one's own training and the quality reviews of one's
contacts (issue 23 part 4); a reviewer reads every review.

Reviews name their contact by id only, never the caller. Changes go through the training
actions, which check the rules and write the audit log. A review that is not yours to read
answers 404, exactly as a missing one.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema

from lantern.api.common import paginate
from lantern.api.schemas import ErrorOut
from lantern.privacy.fields import reveal
from lantern.training import actions, queries
from lantern.training.models import Review

router = Router(tags=["training"])
REFUSALS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class RecordOut(Schema):
    id: UUID
    course: str
    completed_on: date
    expires_on: date | None
    current: bool


class GapOut(Schema):
    course: str
    standing: str  # "missing" or "expired"
    expires_on: date | None


class QueueClearanceOut(Schema):
    queue: str
    requires: list[str]
    cleared: bool
    missing: list[GapOut]


class TrainingOut(Schema):
    records: list[RecordOut]
    queues: list[QueueClearanceOut]


class ScoreOut(Schema):
    criterion: str
    value: str
    points: int | None
    max_points: int
    weight: int


class ReviewOut(Schema):
    id: UUID
    contact: UUID
    advocate: str
    reviewer: str
    queue: str | None
    score: Decimal | None
    reviewed_at: datetime
    acknowledged_at: datetime | None


class ReviewDetailOut(ReviewOut):
    rubric: str
    feedback: str
    scores: list[ScoreOut]


class ReviewPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[ReviewOut]


@router.get("/me/training", response={200: TrainingOut, **REFUSALS})
def my_training(request):
    """Your training records, newest first, and for each queue that requires courses whether
    you are offered its contacts, and if not which courses are missing or expired."""
    user = request.auth
    on = queries.today()
    return {
        "records": [
            {
                "id": r.pk,
                "course": r.course.name,
                "completed_on": r.completed_on,
                "expires_on": r.expires_on,
                "current": queries.is_current(r.expires_on, on),
            }
            for r in queries.records_of(user)
        ],
        "queues": [
            {
                "queue": row["queue"].name,
                "requires": [c.name for c in row["courses"]],
                "cleared": not row["gaps"],
                "missing": [
                    {"course": g.course.name, "standing": g.standing, "expires_on": g.expires_on}
                    for g in row["gaps"]
                ],
            }
            for row in queries.clearance(user, on)
        ],
    }


def _review_out(review: Review) -> dict:
    return {
        "id": review.pk,
        "contact": review.contact_id,
        "advocate": review.advocate.get_username(),
        "reviewer": review.reviewer.get_username(),
        "queue": review.queue.name if review.queue_id else None,
        "score": review.score,
        "reviewed_at": review.reviewed_at,
        "acknowledged_at": review.acknowledged_at,
    }


@router.get("/me/reviews", response={200: ReviewPage, **REFUSALS})
def my_reviews(request, unread: bool = False, page: int = 1, page_size: int = 50):
    """The quality reviews of contacts you handled, newest first (``unread=true``: only those
    you have not acknowledged)."""
    qs = queries.my_reviews(request.auth)
    if unread:
        qs = qs.filter(acknowledged_at__isnull=True)
    meta, rows = paginate(qs, page, page_size)
    return {**meta, "results": [_review_out(r) for r in rows]}


def _review(request, review_id) -> Review:
    try:
        return queries.access_review_for_user(request.auth, review_id)
    except Review.DoesNotExist:
        raise _NotFound from None


class _NotFound(Exception):
    pass


@router.get("/reviews/{review_id}", response={200: ReviewDetailOut, **REFUSALS})
def get_review(request, review_id: UUID):
    """One review with its scores and feedback: yours, or any for a reviewer."""
    try:
        review = _review(request, review_id)
    except _NotFound:
        return 404, {"detail": "not found"}
    return {
        **_review_out(review),
        "rubric": review.rubric.name,
        "feedback": reveal(review.feedback) or "",
        "scores": [
            {
                "criterion": s.criterion.name,
                "value": s.value,
                "points": s.points,
                "max_points": s.max_points,
                "weight": s.weight,
            }
            for s in review.scores.all()
        ],
    }


@router.post("/reviews/{review_id}/acknowledge", response={200: ReviewOut, **REFUSALS})
def acknowledge_review(request, review_id: UUID):
    """Say you have read a review of your contact (again: no change)."""
    try:
        review = _review(request, review_id)
    except _NotFound:
        return 404, {"detail": "not found"}
    try:
        review = actions.do_acknowledge_review(review, actor=request.auth)
    except PermissionDenied as exc:
        return 403, {"detail": str(exc)}
    return _review_out(review)
