"""Reads of cases and referrals, through the permission rules.

Which cases a user may open is ``cases.access`` (re-exported here); the home screen's reminders
are ``cases.followups``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.cases import statuses
from lantern.cases.access import (  # noqa: F401 (re-exported: callers read cases from here)
    access_case_for_user,
    can_read_case_pii,
    case_by_reference,
    cases_for_user,
    merged_case_for_user,
)
from lantern.cases.choices import ReferralStatusChoices
from lantern.cases.followups import FollowUps, follow_ups_due  # noqa: F401 (re-exported)
from lantern.cases.models import Referral, TipReportEvent
from lantern.directory import queries as directory_queries
from lantern.privacy.fields import reveal


@dataclass
class ReferralView:
    referral: Referral
    service: object
    organization: object
    location: object | None  # directory.queries.LocationView
    phones: list[dict]
    note: str | None  # None when the rules hide personal details
    can_remove: bool


def referrals_for_contact(user, contact) -> list[ReferralView]:
    """The referrals given on ``contact``, oldest first; none if the user may not open it.

    Notes may hold what the caller said: they are shown only to users who may see the
    contact's personal details, and reading them is audited.
    """
    if not rules.allows_object(user, "view_contact", contact):
        return []
    referrals = list(
        Referral.objects.filter(contact=contact)
        .select_related("service__organization", "location", "given_by")
        .prefetch_related("service__phones", "location__addresses")
        .order_by("given_at", "pk")
    )
    pii = rules.allows_object(user, "view_contact_pii", contact)
    can_give = rules.allows(user, "give_referral")
    can_see = rules.allows(user, "view_confidential_location")
    views, revealed = [], []
    for r in referrals:
        note = reveal(r.note) if pii else None
        if note:
            revealed.append(r)
        views.append(
            ReferralView(
                referral=r,
                service=r.service,
                organization=r.service.organization,
                location=directory_queries.present_location(user, r.location, can_see=can_see)
                if r.location
                else None,
                phones=directory_queries.phone_rows(r.service.phones.all()),
                note=note,
                can_remove=can_give and r.status == ReferralStatusChoices.GIVEN,
            )
        )
    if revealed:
        audit.record_many(user, Audit.READ_PII, revealed, reason="referral notes")
    return views


def referred_service_ids(user, contact) -> set:
    if not rules.allows_object(user, "view_contact", contact):
        return set()
    return set(Referral.objects.filter(contact=contact).values_list("service_id", flat=True))


def access_referral_for_user(user, contact, referral_id) -> Referral:
    """A referral of ``contact``; ``Referral.DoesNotExist`` when missing or not allowed."""
    try:
        pk = uuid.UUID(str(referral_id))
    except ValueError:
        raise Referral.DoesNotExist from None
    if not rules.allows_object(user, "view_contact", contact):
        raise Referral.DoesNotExist
    return Referral.objects.select_related("contact", "service").get(pk=pk, contact=contact)


# --- cases ------------------------------------------------------------------------------------


@dataclass
class CaseFilter:
    status: str = ""
    trafficking_type: str = ""
    venue: str = ""
    state: str = ""
    assigned_to_me: bool = False
    follow_up_due: bool = False

    def apply(self, qs, user):
        for name in ("status", "trafficking_type", "venue", "state"):
            value = getattr(self, name)
            if value:
                qs = qs.filter(**{name: value})
        if self.assigned_to_me:
            qs = qs.filter(assigned_to=user)
        if self.follow_up_due:
            # the most overdue first: that is the order they need doing in
            qs = qs.filter(follow_up_on__lte=timezone.localdate()).order_by(
                "follow_up_on", "-created_at"
            )
        return qs


def case_summary(user, case) -> str:
    """The case's summary in clear (a read of personal data, audited); empty when the rules
    hide the case's personal fields from the user."""
    if not can_read_case_pii(user, case):
        return ""
    summary = reveal(case.summary) or ""
    if summary:
        audit.record(user, Audit.READ_PII, case, reason="case summary")
    return summary


MASKED = "(hidden: the permission rules do not show you this case's notes)"


@dataclass
class TimelineEntry:
    at: object
    kind: str  # contact, note, status, referral, report
    text: str
    link: str = ""


def case_timeline(user, case) -> list[TimelineEntry]:
    """Contacts, notes, status changes and referrals of a case, oldest first. Reading the notes
    is a read of personal data: it is audited, with the case as the reason. Without
    ``view_case_pii`` notes and status reasons are masked (and nothing is read)."""
    config = statuses.current()
    entries = []
    links = case.links.select_related("contact").order_by("linked_at")
    for link in links:
        contact = link.contact
        entries.append(
            TimelineEntry(
                contact.received_at, "contact",
                f"{contact.get_channel_display()} contact {contact.short_id}",
                reverse("console:contact_detail", args=[contact.pk]),
            )
        )  # fmt: skip
    pii = can_read_case_pii(user, case)
    changes = list(case.status_changes.select_related("changed_by"))
    for change in changes:
        why = (reveal(change.reason) or "") if pii else ""
        text = (
            f"Status: {config.label(change.new)}"
            + (f" (was {config.label(change.old)})" if change.old else "")
            + f", by {change.changed_by.username}"
            + (f": {why}" if why else "")
        )
        entries.append(TimelineEntry(change.changed_at, "status", text))
    notes = list(case.notes.select_related("author"))
    read = notes + [change for change in changes if change.reason]
    if read and pii:
        audit.record_many(user, Audit.READ_PII, read, reason="case timeline")
    for note in notes:
        body = reveal(note.body) if pii else MASKED
        entries.append(TimelineEntry(note.created_at, "note", f"{note.author.username}: {body}"))
    contact_ids = [link.contact_id for link in links]
    for referral in Referral.objects.filter(contact__in=contact_ids).select_related("service"):
        entries.append(
            TimelineEntry(
                referral.given_at, "referral",
                f"Referral to {referral.service.name}: {referral.get_status_display().lower()}",
            )
        )  # fmt: skip
    events = TipReportEvent.objects.filter(report__case=case).select_related("report")
    for event in events:
        entries.append(
            TimelineEntry(
                event.at, "report",
                f"{event.report}: {event.get_kind_display().lower()}, by {event.actor_label}",
                reverse("console:report_detail", args=[event.report_id]),
            )
        )  # fmt: skip
    return sorted(entries, key=lambda e: e.at)


# --- closed-loop referrals and follow-ups ------------------------------------------------------


def referrals_for_case(user, case) -> list:
    """The referrals given on the case's contacts, oldest first, with their updates."""
    if not rules.allows(user, "view_case"):
        return []
    contact_ids = case.links.values_list("contact_id", flat=True)
    return list(
        Referral.objects.filter(contact__in=contact_ids)
        .select_related("service__organization", "given_by")
        .prefetch_related("updates__by")
        .order_by("given_at", "pk")
    )


@dataclass
class Acceptance:
    """How a service answers the hotline's referrals (counts, and the share accepted of those
    whose outcome is known)."""

    given: int
    accepted: int
    declined: int
    unreachable: int
    open: int

    @property
    def rate(self) -> float | None:
        known = self.accepted + self.declined
        return self.accepted / known if known else None


def acceptance_for_service(service) -> Acceptance:
    """One grouped count over the service's referrals (an index on service and status)."""
    counts = dict(
        Referral.objects.filter(service=service)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    S = ReferralStatusChoices
    return Acceptance(
        given=sum(counts.values()),
        accepted=counts.get(S.ACCEPTED, 0),
        declined=counts.get(S.DECLINED, 0),
        unreachable=counts.get(S.UNREACHABLE, 0),
        open=counts.get(S.GIVEN, 0) + counts.get(S.CONTACTED, 0),
    )


# --- legal holds ------------------------------------------------------------------------------


def exclude_held(qs, contact: str = "pk"):
    """``qs`` without the records a legal hold keeps: ``contact`` is the path from its model to
    the contact's id (``"pk"`` for contacts, ``"contact_id"`` for conversations). Evaluated in
    the statement that uses it, so a hold committed before a retention batch runs wins."""
    from django.db.models import Exists, OuterRef

    from lantern.cases.models import LegalHold

    active = LegalHold.objects.filter(released_at__isnull=True)
    qs = qs.exclude(Exists(active.filter(contact_id=OuterRef(contact))))
    qs = qs.exclude(Exists(active.filter(case__links__contact_id=OuterRef(contact))))
    prefix = "" if contact == "pk" else contact.removesuffix("_id") + "__"
    for start, end in active.filter(received_from__isnull=False).values_list(
        "received_from", "received_until"
    ):
        path = f"{prefix}received_at"
        qs = qs.exclude(**{f"{path}__date__gte": start, f"{path}__date__lte": end})
    return qs


def exclude_held_cases(qs):
    """Cases without a hold of their own or on one of their contacts (retention)."""
    from django.db.models import Exists, OuterRef

    from lantern.cases.models import LegalHold

    active = LegalHold.objects.filter(released_at__isnull=True)
    qs = qs.exclude(Exists(active.filter(case_id=OuterRef("pk"))))
    return qs.exclude(Exists(active.filter(contact__case_links__case_id=OuterRef("pk"))))


def holds_to_review(today) -> list:
    """Active holds whose review date has come (the home screen lists them)."""
    from lantern.cases.models import LegalHold

    return list(
        LegalHold.objects.filter(released_at__isnull=True, review_on__lte=today).select_related(
            "placed_by"
        )
    )


def holds_for_contact(contact) -> list:
    """The active holds that keep this contact: its own, its cases', a date range it falls in."""
    from django.db.models import Q

    from lantern.cases.models import LegalHold

    day = contact.received_at.date()
    return list(
        LegalHold.objects.filter(released_at__isnull=True)
        .filter(
            Q(contact=contact)
            | Q(case__links__contact=contact)
            | Q(received_from__lte=day, received_until__gte=day)
        )
        .select_related("placed_by")
        .distinct()
    )


def holds_for_case(case) -> list:
    from lantern.cases.models import LegalHold

    return list(
        LegalHold.objects.filter(released_at__isnull=True, case=case).select_related("placed_by")
    )


def legal_hold(hold_id):
    """An active or released hold by id (supervisors' release button), or None."""
    from lantern.cases.models import LegalHold

    return LegalHold.objects.filter(pk=hold_id).first()


def range_holds() -> list:
    """Active holds on a range of dates (the home screen lists them, each with Release)."""
    from lantern.cases.models import LegalHold

    return list(
        LegalHold.objects.filter(released_at__isnull=True, received_from__isnull=False)
        .select_related("placed_by")
        .order_by("received_from")
    )


def person_exports(limit: int = 50) -> list:
    """Copies prepared for people who asked what the hotline holds about them, newest first
    (who prepared, decided and released each; never their content)."""
    from lantern.cases.models import PersonExport

    related = ("requested_by", "decided_by", "released_by")
    return list(PersonExport.objects.select_related(*related)[:limit])


def person_exports_waiting() -> int:
    """Copies waiting for a second supervisor's approval (the home screen counts them)."""
    from lantern.cases.choices import PersonExportStateChoices
    from lantern.cases.models import PersonExport

    return PersonExport.objects.filter(state=PersonExportStateChoices.PENDING).count()


def person_export(export_id):
    from lantern.cases.models import PersonExport

    return PersonExport.objects.filter(pk=export_id).first()
