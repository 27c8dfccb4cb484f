"""What is due today for one person: the home screen's reminders (referrals to check on,
cases to follow up, reports waiting for their step)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from lantern.cases.access import cases_for_user
from lantern.cases.choices import REFERRAL_OPEN
from lantern.cases.models import Referral
from lantern.cases.reports import queries as report_queries


@dataclass
class FollowUps:
    """What is due today for one person: the home screen's reminders."""

    referrals: list
    cases: list
    reports: list

    def __bool__(self) -> bool:
        return bool(self.referrals or self.cases or self.reports)


def follow_ups_due(user, limit: int = 20) -> FollowUps:
    """Referrals this user gave that are still open and due, cases assigned to them with a
    follow-up date today or earlier, and reports waiting for their step."""
    today = timezone.localdate()
    referrals = (
        Referral.objects.filter(given_by=user, status__in=REFERRAL_OPEN, follow_up_on__lte=today)
        .select_related("service", "contact")
        .order_by("follow_up_on", "given_at")[:limit]
    )
    cases = cases_for_user(user).filter(assigned_to=user, follow_up_on__lte=today)
    return FollowUps(
        referrals=list(referrals),
        cases=list(cases.order_by("follow_up_on")[:limit]),
        reports=report_queries.waiting_for(user, limit=limit),
    )
