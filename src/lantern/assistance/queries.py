"""Reads of T&TA requests: the queue (through the permission rules), one request with its
requester's details (the read audited), a contact's details as a new request's starting point,
and the counts the dashboard and statistics show (no personal data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.utils import timezone

from lantern.accounts import rules
from lantern.assistance.choices import (
    CALLER_TYPE_TO_ORGANIZATION_TYPE,
    OPEN_STATUSES,
    AssistanceRequestStatusChoices,
)
from lantern.assistance.models import REFERENCE_PREFIX, AssistanceRequest, AssistanceTopic
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.contacts import queries as contact_queries
from lantern.core.phone import format_phone
from lantern.privacy.fields import reveal

ACTION = "manage_assistance"


def topics(*, active_only: bool = True):
    qs = AssistanceTopic.objects.all()
    return qs.filter(active=True) if active_only else qs


def topic_choices() -> list[tuple[str, str]]:
    """(key, name in the active language) of the topics requesters may choose."""
    return [(t.key, t.label()) for t in topics()]


def submission_received(key: str) -> bool:
    """Whether the public form with this once-only key was filed already."""
    return bool(key) and AssistanceRequest.objects.filter(submission_key=key).exists()


def may_manage(user) -> bool:
    return rules.allows(user, ACTION)


def requests_for(
    user, *, status: str = "", owner: str = "", overdue: bool = False, topic: str = "",
    reference: str = "",
):  # fmt: skip
    """The requests ``user`` may work on, filtered: ``owner`` is a user id, ``"me"`` or
    ``"none"`` (unassigned); ``reference`` the TA- number a requester quotes."""
    qs = AssistanceRequest.objects.restrict(user, ACTION).select_related("topic", "owner")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in AssistanceRequestStatusChoices.values:
        qs = qs.filter(status=status)
    if owner == "me":
        qs = qs.filter(owner=user)
    elif owner == "none":
        qs = qs.filter(owner__isnull=True)
    elif owner.isdigit():
        qs = qs.filter(owner_id=int(owner))
    if overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, due_on__lt=timezone.localdate())
    if topic:
        qs = qs.filter(topic__key=topic)
    reference = reference.strip().upper().removeprefix(REFERENCE_PREFIX)
    if reference:
        qs = qs.filter(id__endswith=reference.lower()) if len(reference) == 8 else qs.none()
    return qs.annotate(hours_spent=Sum("deliverables__hours")).order_by("due_on", "received_at")


def access_request_for_user(user, request_id) -> AssistanceRequest:
    """One request; ``AssistanceRequest.DoesNotExist`` when missing or not allowed (the same)."""
    return (
        AssistanceRequest.objects.restrict(user, ACTION)
        .select_related("topic", "owner", "contact")
        .get(pk=request_id)
    )


@dataclass
class RequestView:
    """A request with its requester's details in clear, for someone allowed to work on it."""

    request: AssistanceRequest
    requester_name: str
    organization: str
    email: str
    phone: str
    description: str
    deliverables: list


def present_request(user, request: AssistanceRequest) -> RequestView:
    """The request's personal fields revealed for ``user`` (who was allowed to open it): the
    read is audited, with the deliverables' notes."""
    rules.require(user, ACTION, request)
    deliverables = list(request.deliverables.select_related("recorded_by"))
    for d in deliverables:
        d.note_text = reveal(d.note) or ""
    phone = reveal(request.phone) or ""
    audit.record(user, Audit.READ_PII, request, reason="T&TA request")
    return RequestView(
        request=request,
        requester_name=reveal(request.requester_name) or "",
        organization=reveal(request.organization) or "",
        email=reveal(request.email) or "",
        phone=format_phone(phone) if phone else "",
        description=reveal(request.description) or "",
        deliverables=deliverables,
    )


def owners():
    """Active staff a request can be assigned to: those the rules let manage T&TA requests."""
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    return [u for u in users if rules.allows(u, ACTION)]


def owner_by_id(owner_id) -> object | None:
    try:
        pk = int(owner_id)
    except (TypeError, ValueError):
        return None
    return next((u for u in owners() if u.pk == pk), None)


def initial_from_contact(user, contact) -> dict:
    """A new request's fields from a logged contact: the caller's details (when ``user`` may
    see them; the read is audited), state, kind of organization, urgency and summary."""
    view = contact_queries.present_contacts(user, [contact], reason="T&TA request from contact")[0]
    initial = {
        "organization_type": CALLER_TYPE_TO_ORGANIZATION_TYPE.get(contact.caller_type, "other"),
        "state": contact.state,
        "urgent": contact.urgent,
    }
    if view.pii_visible:
        initial.update(
            requester_name=view.caller.name or "",
            email=view.caller.email or "",
            phone=view.caller.phone or "",
            description=view.summary or "",
        )
    return initial


def requests_from_contact(user, contact):
    return AssistanceRequest.objects.restrict(user, ACTION).filter(contact=contact)


# --- counts (dashboard and statistics: no personal data) --------------------------------------


@dataclass
class Counts:
    open: int
    overdue: int
    delivered: int  # delivered within the period
    received: int  # received within the period
    hours: float  # recorded on deliverables within the period


def counts(start: date, end: date, *, today: date | None = None) -> Counts:
    """The dashboard's figures for ``start``..``end`` (inclusive, hotline dates); open and
    overdue are as of ``today``."""
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    begin = datetime.combine(start, time.min, tz)
    finish = datetime.combine(end + timedelta(days=1), time.min, tz)
    figures = AssistanceRequest.objects.aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, due_on__lt=today)),
        delivered=Count("id", filter=Q(delivered_at__gte=begin, delivered_at__lt=finish)),
        received=Count("id", filter=Q(received_at__gte=begin, received_at__lt=finish)),
    )
    hours = (
        AssistanceRequest.objects.filter(
            deliverables__delivered_on__gte=start, deliverables__delivered_on__lte=end
        ).aggregate(h=Sum("deliverables__hours"))["h"]
        or 0
    )
    return Counts(hours=float(hours), **figures)


def received_between(start, end):
    """Requests received in ``[start, end)`` (aware datetimes), for the statistics tables."""
    return AssistanceRequest.objects.filter(received_at__gte=start, received_at__lt=end)
