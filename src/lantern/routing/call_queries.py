"""Reads about phone calls: a contact's conference and timeline, the inbox's missed calls, the
live call an advocate is on, interpreter use for the dashboard."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q

from lantern.contacts.models import Contact
from lantern.routing import telephony
from lantern.routing.choices import CallLegStateChoices, CallRoleChoices
from lantern.routing.models import Call, CallLeg


def call_of(contact):
    """The contact's call (conference), its legs and timeline; None for a call never routed."""
    return (
        Call.objects.filter(contact=contact).prefetch_related("legs__user", "events__actor").first()
    )


def interpreter_use(since: datetime, until: datetime) -> list[dict]:
    """By language: contacts that used an interpreter (any channel) and, for calls, the
    interpreter's minutes on the line, from the legs' join and leave times."""
    rows: dict[str, dict] = defaultdict(lambda: {"contacts": 0, "seconds": 0})
    used = (
        Contact.objects.filter(received_at__gte=since, received_at__lt=until, interpreter_used=True)
        .values("language")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in used:
        rows[row["language"]]["contacts"] += row["n"]
    legs = CallLeg.objects.filter(
        role="interpreter", joined_at__gte=since, joined_at__lt=until, left_at__isnull=False
    ).values_list("language", "joined_at", "left_at")
    for language, joined, left in legs.iterator(2000):
        rows[language or "und"]["seconds"] += (left - joined).total_seconds()
    return [
        {"language": language, "contacts": r["contacts"], "minutes": round(r["seconds"] / 60, 1)}
        for language, r in sorted(rows.items())
    ]


def live_call_contact_for(user):
    """The contact of the live call ``user`` is on (their line joined), or None."""
    leg = (
        CallLeg.objects.filter(user=user, state="joined", call__ended_at__isnull=True)
        .select_related("call__contact")
        .order_by("-joined_at")
        .first()
    )
    return leg.call.contact if leg else None


def missed_calls(contact_ids) -> dict:
    """Of ``contact_ids``, the calls that ended before anyone of the hotline answered (hung up
    in the menu or the queue, or left a voicemail): the inbox's "missed", each with whether the
    caller said the hotline may call back (``callback_safe``) and whether it is doing so."""
    answered = CallLeg.objects.filter(
        call=OuterRef("pk"), role=CallRoleChoices.ADVOCATE, joined_at__isnull=False
    )
    caller_gone = CallLeg.objects.filter(
        call=OuterRef("pk"),
        role=CallRoleChoices.CALLER,
        state__in=[CallLegStateChoices.LEFT, CallLegStateChoices.FAILED],
    )
    calls = (
        Call.objects.filter(contact_id__in=list(contact_ids))
        .filter(Q(ended_at__isnull=False) | Q(calling_back=True) | Exists(caller_gone))
        .exclude(Exists(answered))
    )
    return {call.contact_id: call for call in calls}


def can_call_back(call: Call | None) -> bool:
    """The call has ended, the caller said it is safe to call them back, nobody is doing so now,
    and calls go through a phone service here (the permission rules are the caller's to check)."""
    return bool(
        call is not None
        and call.ended_at is not None
        and call.callback_safe
        and not call.calling_back
        and telephony.ready()
    )


def live_calls() -> list[CallLeg]:
    """The advocates' lines on live calls (the supervisors' board), longest first, each with its
    call's contact and the supervisors already listening or coaching."""
    legs = (
        CallLeg.objects.filter(
            role=CallRoleChoices.ADVOCATE,
            state=CallLegStateChoices.JOINED,
            call__ended_at__isnull=True,
        )
        .select_related("user", "call__contact")
        .order_by("joined_at")[:200]
    )
    watched = defaultdict(list)
    for leg in CallLeg.objects.filter(
        role=CallRoleChoices.SUPERVISOR,
        state__in=[
            CallLegStateChoices.DIALLING,
            CallLegStateChoices.RINGING,
            CallLegStateChoices.JOINED,
        ],  # fmt: skip
        call__ended_at__isnull=True,
    ).select_related("user"):
        watched[leg.call_id].append(leg)
    for leg in legs:
        leg.supervisors = watched.get(leg.call_id, [])
    return list(legs)
