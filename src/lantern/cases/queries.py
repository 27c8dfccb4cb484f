"""Reads of cases and referrals, through the permission rules."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from lantern.accounts import rules
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.cases.choices import ReferralStatusChoices
from lantern.cases.models import Referral
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
