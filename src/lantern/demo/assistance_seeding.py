"""Synthetic demo T&TA requests, made through the actions (so they are audited and shaped like
real ones): some new, some assigned and in progress, one overdue, some delivered and closed.
Every requester is invented: 555 numbers, example.org addresses."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from lantern.accounts.models import User
from lantern.assistance import actions
from lantern.assistance.models import AssistanceRequest

REQUESTS = [
    # (requester, organization, kind, state, topic, urgent, days ago, what to do with it, text)
    ("Alex Demo", "Example Family Services", "service_provider", "TX", "working_with_survivors",
     False, 0, "new", "Synthetic demo request: trauma-informed intake training for 12 staff."),
    ("Sgt. Demo Rivera", "Example City Police Department", "law_enforcement", "AZ",
     "labor_trafficking", True, 1, "assigned",
     "Synthetic demo request: a roll-call briefing on labor trafficking indicators this week."),
    ("Jordan Demo", "Example Unified School District", "educator", "CA",
     "identifying_trafficking", False, 9, "in_progress",
     "Synthetic demo request: a workshop for school counselors on grooming and recruitment."),
    ("Sam Demo", "Example State University", "researcher_student", "", "data", False, 20,
     "delivered", "Synthetic demo request: the hotline's published statistics by state, for a "
     "thesis."),
    ("Casey Demo", "Example Interfaith Coalition", "faith_community", "GA", "materials", False,
     35, "closed", "Synthetic demo request: 200 awareness posters in English and Spanish."),
    ("Morgan Demo", "Example County Board", "government_policy", "OH", "protocols", False, 6,
     "new", "Synthetic demo request: review of a draft county response protocol."),
]  # fmt: skip


def seed_assistance() -> int:
    """File the demo requests and take each to its stage; returns how many were made."""
    supervisor = User.objects.filter(username="supervisor").first()
    analyst = User.objects.filter(username="analyst").first() or supervisor
    if supervisor is None or AssistanceRequest.objects.exists():
        return 0
    now = timezone.now()
    for n, (name, org, kind, state, topic, urgent, days, stage, text) in enumerate(REQUESTS):
        data = {
            "requester_name": name, "organization": org, "organization_type": kind,
            "state": state, "topic": topic, "urgent": urgent, "description": text,
            "email": f"{name.split()[-1].lower()}{n}@example.org",
            "phone": f"+1 202 555 01{40 + n:02d}",
        }  # fmt: skip
        received = now - timedelta(days=days)
        request = actions.do_create_assistance_request(
            data, actor="public", source="public_form", received_at=received
        )
        if stage == "new":
            continue
        actions.do_assign_assistance_request(request, analyst, actor=supervisor)
        if stage == "assigned":
            continue
        actions.do_add_assistance_deliverable(
            request, {"kind": "call", "delivered_on": received.date(), "hours": "0.5",
                      "note": "Synthetic demo: scoping call."}, actor=analyst,
        )  # fmt: skip
        if stage == "in_progress":
            continue
        kind = "materials" if topic in ("materials", "data") else "training"
        actions.do_add_assistance_deliverable(
            request, {"kind": kind, "delivered_on": received.date() + timedelta(days=2),
                      "hours": "3", "note": "Synthetic demo: delivered."}, actor=analyst,
        )  # fmt: skip
        actions.do_move_assistance_request(request, "delivered", actor=analyst)
        if stage == "closed":
            actions.do_move_assistance_request(request, "closed", actor=supervisor)
    return len(REQUESTS)
