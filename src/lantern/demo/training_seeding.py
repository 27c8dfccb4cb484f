"""Synthetic training records and quality reviews for the demo: four courses (one required by
the crisis queue), everyone who takes contacts trained except the case analyst's crisis course,
which has expired (so the board and the analyst's training page show the gate), and a few
supervisor reviews of the advocates' logged contacts, some of them acknowledged."""

from __future__ import annotations

from datetime import timedelta

from lantern.accounts.models import User
from lantern.contacts.models import Contact
from lantern.routing import queries as routing_queries
from lantern.training import actions, queries
from lantern.training.choices import SCALES
from lantern.training.models import Course, CourseRequirement

COURSES = [
    ("Hotline induction (synthetic)", "Forty hours: the hotline's mission, privacy, the console.",
     None),
    ("Crisis line certification (synthetic)",
     "Safety assessment, de-escalation, when to call 911. Required for the crisis queue.", 12),
    ("Trauma-informed care refresher (synthetic)", "A yearly half-day refresher.", 24),
    ("Working with interpreters (synthetic)", "Three-way calls through the interpreter line.",
     36),
]  # fmt: skip
REQUIRED = {"Crisis line certification (synthetic)": "crisis"}
FEEDBACK = [
    "Synthetic feedback: clear safety questions early on; offer the shelter referral sooner.",
    "Synthetic feedback: protocol followed well. Log the county and the call types in full.",
    "Synthetic feedback: calm and thorough. Remember to confirm a safe number for call-backs.",
]


def seed_training(rng) -> tuple[int, int]:
    """Courses, records and reviews; (records, reviews) made. Nothing without the demo users."""
    staff = {u.username: u for u in User.objects.filter(username__in=[
        "advocate", "advocate2", "analyst", "supervisor"])}  # fmt: skip
    supervisor = staff.get("supervisor")
    if supervisor is None:
        return 0, 0
    courses = {}
    for name, description, months in COURSES:
        courses[name], _ = Course.objects.get_or_create(
            name=name, defaults={"description": description, "validity_months": months}
        )
    for name, queue_name in REQUIRED.items():
        queue = routing_queries.queue_by_name(queue_name)
        if queue is not None:
            CourseRequirement.objects.get_or_create(course=courses[name], queue=queue)
    today = queries.today()
    records = 0
    for username, user in sorted(staff.items()):
        for name in courses:
            if username == "analyst" and name.startswith("Crisis"):
                done = today - timedelta(days=400)  # expired a month ago: the gate shows
            else:
                done = today - timedelta(days=rng.randint(20, 300))
            actions.do_record_training(user, courses[name], completed_on=done, actor=supervisor)
            records += 1
    return records, seed_reviews(rng, supervisor)


def seed_reviews(rng, supervisor, count: int = 6) -> int:
    rubric = queries.active_rubric()
    if rubric is None:
        return 0
    contacts = list(
        Contact.objects.filter(
            handled_by__username__in=["advocate", "advocate2"], status="logged", substantive=True
        ).order_by("-received_at")[:count]
    )
    made = 0
    for contact in contacts:
        values = {c.pk: rng.choice(list(SCALES[c.scale])) for c in rubric.criteria.all()}
        review = actions.do_review_contact(
            contact, values, feedback=rng.choice(FEEDBACK), actor=supervisor
        )
        if made % 2 == 0:
            actions.do_acknowledge_review(review, actor=contact.handled_by)
        made += 1
    return made
