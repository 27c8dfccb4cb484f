"""Changes to training records and quality reviews: each atomic, each audited (the audit rows
name courses, dates, scores and ids, never a note's or a review's words, which may quote a
contact, nor anything about the caller).

- ``do_record_training``: a supervisor or administrator records that a staff member completed a
  course; the expiry follows from the course's validity.
- ``do_remove_training_record``: a record entered by mistake.
- ``do_review_contact``: a reviewer scores a logged contact against the active rubric and writes
  feedback for the advocate who handled it. Never one's own contact.
- ``do_acknowledge_review``: the advocate says they have read it.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.contacts.choices import ContactStatusChoices
from lantern.routing import queries as routing_queries
from lantern.training import queries
from lantern.training.choices import SCALES
from lantern.training.exceptions import TrainingError
from lantern.training.models import Course, Review, Score, TrainingRecord

EARLIEST = date(1990, 1, 1)
MAX_NOTE = 2000
MAX_FEEDBACK = 10000


def _refused(actor, object_type: str, errors: dict) -> TrainingError:
    """The refusal, audited in a transaction of its own (call it outside the change's, which
    the exception rolls back): raise what it returns."""
    with transaction.atomic():
        audit.record(actor, Audit.REFUSED, object_type=object_type, changes={"errors": errors})
    return TrainingError(errors)


# --- training records ---------------------------------------------------------------------------


def do_record_training(
    user, course: Course, *, completed_on: date, note: str = "", actor
) -> TrainingRecord:
    """``user`` completed ``course`` on ``completed_on``."""
    rules.require(actor, "manage_training")
    errors = {}
    if not isinstance(completed_on, date):
        errors["completed_on"] = "give the date the course was completed"
    elif completed_on > queries.today():
        errors["completed_on"] = "a course cannot be completed in the future"
    elif completed_on < EARLIEST:
        errors["completed_on"] = f"a date from {EARLIEST:%Y} on"
    if not course.active:
        errors["course"] = "this course is no longer offered"
    if not user.is_active:
        errors["user"] = "this account is deactivated"
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        errors["note"] = f"at most {MAX_NOTE} characters"
    if errors:
        raise _refused(actor, "training.trainingrecord", errors)
    with transaction.atomic():
        record = TrainingRecord.objects.create(
            user=user,
            course=course,
            completed_on=completed_on,
            expires_on=queries.expiry_for(course, completed_on),
            note=note,
            recorded_by=actor,
        )
        audit.record(
            actor,
            Audit.CREATE,
            record,
            changes={
                "user": user.get_username(),
                "course": course.name,
                "completed_on": completed_on.isoformat(),
                "expires_on": record.expires_on.isoformat() if record.expires_on else None,
            },
        )
    return record


def do_remove_training_record(record: TrainingRecord, *, actor) -> None:
    """Remove a record entered by mistake (the audit log keeps what it said)."""
    rules.require(actor, "manage_training")
    with transaction.atomic():
        audit.record(
            actor,
            Audit.DELETE,
            record,
            changes={
                "user": record.user.get_username(),
                "course": record.course.name,
                "completed_on": record.completed_on.isoformat(),
            },
        )
        record.delete()


# --- quality review -----------------------------------------------------------------------------


def weighted_score(rows: list[tuple[int | None, int, int]]) -> Decimal | None:
    """The weighted percentage of ``(points, max_points, weight)`` rows, leaving out the
    criteria that did not apply (points None); None when none applied."""
    counted = [(p, m, w) for p, m, w in rows if p is not None and m and w]
    possible = sum(m * w for _, m, w in counted)
    if not possible:
        return None
    earned = sum(p * w for p, _, w in counted)
    return (Decimal(100 * earned) / Decimal(possible)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def do_review_contact(contact, values: dict, *, feedback: str = "", actor) -> Review:
    """Score ``contact`` against the active rubric. ``values`` maps each criterion's id to an
    answer of its scale ("0"/"1"/"2", "yes"/"no", "na"); every criterion needs one."""
    rules.require(actor, "review_quality")
    if not rules.allows_object(actor, "view_contact", contact):
        raise PermissionDenied("the permission rules do not allow view_contact")
    rubric = queries.active_rubric()
    errors = {}
    if rubric is None:
        errors["rubric"] = "there is no active rubric: an administrator activates one"
    if contact.status != ContactStatusChoices.LOGGED:
        errors["contact"] = "only a logged contact can be reviewed"
    if contact.handled_by_id is None:
        errors["contact"] = "nobody handled this contact: there is no one to give feedback to"
    elif contact.handled_by_id == actor.pk:
        errors["contact"] = "you cannot review your own contact"
    feedback = (feedback or "").strip()
    if len(feedback) > MAX_FEEDBACK:
        errors["feedback"] = f"at most {MAX_FEEDBACK} characters"
    answers = []
    for criterion in rubric.criteria.all() if rubric else []:
        value = values.get(criterion.pk, values.get(str(criterion.pk)))
        scale = SCALES[criterion.scale]
        if value in (None, ""):
            errors[f"criterion_{criterion.pk}"] = "choose an answer"
        elif value not in scale:
            errors[f"criterion_{criterion.pk}"] = f"choose one of {', '.join(scale)}"
        else:
            answers.append((criterion, value, scale[value], max(v or 0 for v in scale.values())))
    if errors:
        raise _refused(actor, "training.review", errors)
    duplicate = False
    with transaction.atomic():
        task = routing_queries.task_for_contact(contact)
        review = Review(
            contact=contact,
            advocate_id=contact.handled_by_id,
            reviewer=actor,
            queue_id=task.queue_id if task is not None else None,
            rubric=rubric,
            feedback=feedback,
            score=weighted_score([(p, m, c.weight) for c, _, p, m in answers]),
        )
        try:
            with transaction.atomic():
                review.save(force_insert=True)
        except IntegrityError:
            duplicate = True
        else:
            Score.objects.bulk_create(
                Score(review=review, criterion=c, value=v, points=p, max_points=m, weight=c.weight)
                for c, v, p, m in answers
            )
            audit.record(
                actor,
                Audit.CREATE,
                review,
                changes={
                    "contact": str(contact.pk),
                    "advocate": review.advocate.get_username(),
                    "rubric": rubric.pk,
                    "score": str(review.score) if review.score is not None else None,
                },
            )
    if duplicate:
        raise _refused(
            actor, "training.review", {"contact": "you have already reviewed this contact"}
        )
    return review


def do_acknowledge_review(review: Review, *, actor) -> Review:
    """The advocate has read the review. Only they can say so; saying it twice changes nothing."""
    if review.advocate_id != actor.pk:
        raise PermissionDenied("only the advocate whose contact it is acknowledges a review")
    with transaction.atomic():
        now = timezone.now()
        if Review.objects.filter(pk=review.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now
        ):
            review.acknowledged_at = now
            audit.record(actor, Audit.UPDATE, review, changes={"acknowledged": True})
        else:
            review.refresh_from_db(fields=["acknowledged_at"])
    return review
