"""Reads: courses, who stands where with them, the queues' requirements, the active rubric,
reviews (one's own, or every one for a reviewer) and their aggregates per queue and period.

Reviews are listed with the contact's reference number only: a list never carries the caller's
details, and aggregates carry counts and averages only.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from lantern.accounts import rules
from lantern.routing import queries as routing_queries
from lantern.training.choices import TrainingStandingChoices as Standing
from lantern.training.models import (
    Course,
    CourseRequirement,
    Criterion,
    Review,
    Rubric,
    Score,
    TrainingRecord,
)

# roles that take contacts, whose training routing checks (and supervisors see)
CONTACT_ROLES = ("advocate", "case_analyst", "supervisor")
# a current record expiring within this many days is flagged, so it is renewed in time
EXPIRY_WARNING_DAYS = 30


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, the last day of a shorter month when it has no such day
    (31 January + 1 month is 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_for(course: Course, completed_on: date) -> date | None:
    """When a completion of ``course`` on ``completed_on`` expires (None: never)."""
    if not course.validity_months:
        return None
    return add_months(completed_on, course.validity_months)


def today(now: datetime | None = None) -> date:
    """Today in the hotline's time zone (a record expiring today has expired)."""
    return timezone.localtime(now or timezone.now()).date()


# --- courses and records -----------------------------------------------------------------------


def courses(*, active_only: bool = False):
    qs = Course.objects.prefetch_related(
        Prefetch("requirements", queryset=CourseRequirement.objects.select_related("queue"))
    )
    return qs.filter(active=True) if active_only else qs


def course_by_id(course_id) -> Course:
    return Course.objects.get(pk=course_id)


def may_view_training_of(viewer, user) -> bool:
    return viewer.pk == user.pk or rules.allows(viewer, "view_training")


def records_of(user):
    """Every training record of ``user``, newest first."""
    return TrainingRecord.objects.filter(user=user).select_related("course", "recorded_by")


def access_record_for_user(viewer, record_id) -> TrainingRecord:
    """A record the viewer may manage; ``DoesNotExist`` for a missing one or one they may not."""
    if not rules.allows(viewer, "manage_training"):
        raise TrainingRecord.DoesNotExist
    return TrainingRecord.objects.select_related("user", "course").get(pk=record_id)


def staff_member(viewer, user_id):
    """A staff member whose records the viewer may see; ``DoesNotExist`` otherwise."""
    User = get_user_model()
    user = User.objects.get(pk=user_id, is_active=True)
    if not may_view_training_of(viewer, user):
        raise User.DoesNotExist
    return user


def staff_for_training():
    """Active staff, by role and name (the people whose training the records page lists)."""
    return get_user_model().objects.filter(is_active=True).order_by("role", "username")


def staff_who_take_contacts():
    return staff_for_training().filter(role__in=CONTACT_ROLES)


def is_current(record_expires: date | None, on: date) -> bool:
    return record_expires is None or on < record_expires


@dataclass(frozen=True)
class CourseStanding:
    standing: str
    expires_on: date | None = None  # the latest expiry (current), or when it lapsed (expired)


def standings(user_ids, course_ids, on: date) -> dict[tuple[int, int], CourseStanding]:
    """Where each of these staff stands with each of these courses on ``on`` (one query):
    current if any completion has not expired, else expired, else not completed."""
    best: dict[tuple[int, int], tuple[bool, date | None]] = {}
    rows = TrainingRecord.objects.filter(user_id__in=user_ids, course_id__in=course_ids)
    for user_id, course_id, expires in rows.values_list("user_id", "course_id", "expires_on"):
        key = (user_id, course_id)
        current = is_current(expires, on)
        seen = best.get(key)
        if seen is None or (current, expires or date.max) > (seen[0], seen[1] or date.max):
            best[key] = (current, expires)
    result = {}
    for user_id in user_ids:
        for course_id in course_ids:
            seen = best.get((user_id, course_id))
            if seen is None:
                result[user_id, course_id] = CourseStanding(Standing.MISSING)
            else:
                result[user_id, course_id] = CourseStanding(
                    Standing.CURRENT if seen[0] else Standing.EXPIRED, seen[1]
                )
    return result


def requirements(queue_ids=None) -> dict[int, list[Course]]:
    """The courses each queue requires (only queues that require some), active courses only."""
    qs = CourseRequirement.objects.filter(course__active=True).select_related("course")
    if queue_ids is not None:
        qs = qs.filter(queue_id__in=list(queue_ids))
    found: dict[int, list[Course]] = defaultdict(list)
    for requirement in qs.order_by("course__name"):
        found[requirement.queue_id].append(requirement.course)
    return dict(found)


@dataclass(frozen=True)
class Gap:
    """A course a staff member lacks for a queue."""

    queue_id: int
    course: Course
    standing: str
    expires_on: date | None


def gaps(user_ids, queue_ids, on: date) -> dict[tuple[int, int], list[Gap]]:
    """For each (staff member, queue) pair where something is missing or expired, what."""
    required = requirements(queue_ids)
    if not required:
        return {}
    course_ids = {c.pk for courses_ in required.values() for c in courses_}
    stand = standings(list(user_ids), course_ids, on)
    found: dict[tuple[int, int], list[Gap]] = {}
    for queue_id, needed in required.items():
        for user_id in user_ids:
            missing = [
                Gap(queue_id, course, s.standing, s.expires_on)
                for course in needed
                if (s := stand[user_id, course.pk]).standing != Standing.CURRENT
            ]
            if missing:
                found[user_id, queue_id] = missing
    return found


def clearance(user, on: date | None = None) -> list[dict]:
    """For a staff member: each queue that requires courses, whether they are cleared for it
    and, if not, which courses are missing or expired."""
    on = on or today()
    required = requirements()
    if not required:
        return []
    lacking = gaps([user.pk], list(required), on)
    queues = {q.pk: q for q in routing_queries.open_queues()}
    rows = []
    for queue_id, needed in required.items():
        if queue_id not in queues:
            continue
        rows.append(
            {
                "queue": queues[queue_id],
                "courses": needed,
                "gaps": lacking.get((user.pk, queue_id), []),
            }
        )
    return rows


def matrix(on: date | None = None) -> dict:
    """The staff × course table for supervisors: every active course, and for each active staff
    member who takes contacts where they stand with each."""
    on = on or today()
    course_list = list(courses(active_only=True))
    staff = list(staff_who_take_contacts())
    stand = standings([u.pk for u in staff], [c.pk for c in course_list], on)
    return {
        "courses": course_list,
        "soon": on + timedelta(days=EXPIRY_WARNING_DAYS),
        "rows": [{"user": u, "cells": [stand[u.pk, c.pk] for c in course_list]} for u in staff],
    }


# --- quality review ----------------------------------------------------------------------------


def active_rubric() -> Rubric | None:
    return (
        Rubric.objects.filter(active=True)
        .prefetch_related(Prefetch("criteria", queryset=Criterion.objects.order_by("position")))
        .first()
    )


def _reviews():
    return Review.objects.select_related("advocate", "reviewer", "queue", "rubric").defer(
        "feedback"
    )


def reviews_for_user(viewer):
    """The reviews the viewer may read: every one for a reviewer, else their own."""
    if rules.allows(viewer, "review_quality"):
        return _reviews()
    return _reviews().filter(advocate=viewer)


def my_reviews(user):
    return _reviews().filter(advocate=user)


def unacknowledged_count(user) -> int:
    return Review.objects.filter(advocate=user, acknowledged_at__isnull=True).count()


def access_review_for_user(viewer, review_id) -> Review:
    """A review the viewer may read (its advocate, or a reviewer); ``DoesNotExist`` otherwise,
    a missing one and another's answering the same."""
    qs = Review.objects.select_related("advocate", "reviewer", "queue", "rubric").prefetch_related(
        Prefetch("scores", queryset=Score.objects.select_related("criterion"))
    )
    if not rules.allows(viewer, "review_quality"):
        qs = qs.filter(advocate=viewer)
    return qs.get(pk=review_id)


def reviews_of_contact(viewer, contact):
    """The reviews of a contact the viewer may read (for the contact's page)."""
    return reviews_for_user(viewer).filter(contact=contact)


def summary(since: datetime, until: datetime) -> dict:
    """Aggregate scores per queue for reviews in [since, until): counts and averages only, and
    the average per criterion of the active rubric. Never personal data."""
    reviews = Review.objects.filter(reviewed_at__gte=since, reviewed_at__lt=until)
    per_queue = list(
        reviews.values("queue__label")
        .annotate(
            reviews=Count("id"),
            average=Avg("score"),
            acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
        )
        .order_by("queue__label")
    )
    total = reviews.aggregate(
        reviews=Count("id"),
        average=Avg("score"),
        acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
    )
    per_criterion = list(
        Score.objects.filter(review__in=reviews, points__isnull=False)
        .values("criterion__name", "criterion__position")
        .annotate(scored=Count("id"), average=Avg("points"), out_of=Avg("max_points"))
        .order_by("criterion__position", "criterion__name")
    )
    for row in per_criterion:
        row["percent"] = round(100 * row["average"] / row["out_of"], 1) if row["out_of"] else None
    return {
        "queues": per_queue,
        "total": total,
        "criteria": per_criterion,
        "by_month": by_month(reviews),
    }


def by_month(reviews) -> dict:
    """The average score per queue and calendar month (the hotline's time zone):
    ``{"months": [date, ...], "rows": [{"queue": label, "cells": [(average, n) | None]}]}``."""
    cells = (
        reviews.annotate(month=TruncMonth("reviewed_at", tzinfo=timezone.get_current_timezone()))
        .values("queue__label", "month")
        .annotate(reviews=Count("id"), average=Avg("score"))
    )
    found = {(c["queue__label"], c["month"].date()): c for c in cells}
    months = sorted({month for _, month in found})
    labels = sorted({label for label, _ in found}, key=lambda label: (label is None, label or ""))
    return {
        "months": months,
        "rows": [
            {
                "queue": label,
                "cells": [
                    (found[label, m]["average"], found[label, m]["reviews"])
                    if (label, m) in found
                    else None
                    for m in months
                ],
            }
            for label in labels
        ],
    }


def board(board: dict, now: datetime | None = None) -> list[dict]:
    """For the routing board: each queue that requires courses, with the available staff who
    are cleared for it and those who are not (and why), and how many contacts wait in it."""
    required = requirements()
    if not required:
        return []
    available = [
        a["status"].user for a in board["advocates"] if a["status"].presence == "available"
    ]
    lacking = gaps([u.pk for u in available], list(required), today(now))
    rows = []
    for row in board["queues"]:
        needed = required.get(row.queue.pk)
        if not needed:
            continue
        rows.append(
            {
                "queue": row.queue,
                "courses": needed,
                "waiting": len(row.waiting),
                "cleared": [u for u in available if (u.pk, row.queue.pk) not in lacking],
                "not_cleared": [
                    (u, lacking[u.pk, row.queue.pk])
                    for u in available
                    if (u.pk, row.queue.pk) in lacking
                ],
            }
        )
    return rows


def may_review(user, contact) -> bool:
    """Whether to offer ``user`` to review ``contact``: a reviewer, a logged contact someone
    else handled (the action checks it again)."""
    return (
        rules.allows(user, "review_quality")
        and contact.status == "logged"
        and contact.handled_by_id is not None
        and contact.handled_by_id != user.pk
    )
