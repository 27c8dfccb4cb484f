"""Finding the protocol for a case: one indexed query for the candidate jurisdictions, then the
engine's choice (``engine.choose``)."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from lantern.protocols import engine
from lantern.protocols.choices import ProtocolLevelChoices
from lantern.protocols.models import Protocol, ProtocolStep


def candidates(place: engine.Place):
    """Active protocols whose jurisdiction could contain ``place``: the national ones and its
    state's (county and city names are compared in Python, ignoring case and spacing)."""
    where = Q(level=ProtocolLevelChoices.NATIONAL)
    if place.state:
        where |= Q(
            level__in=[
                ProtocolLevelChoices.STATE,
                ProtocolLevelChoices.COUNTY,
                ProtocolLevelChoices.CITY,
            ],
            state=place.state,
        )
    return Protocol.objects.filter(where, active=True).order_by()


def protocol_for(place: engine.Place, situation: engine.Situation) -> Protocol | None:
    """The protocol to follow, with its steps (and their directory services) loaded; None when
    no protocol matches, not even a national one."""
    chosen = engine.choose(candidates(place), place, situation)
    if chosen is None:
        return None
    steps = ProtocolStep.objects.select_related("service", "service__organization")
    return (
        Protocol.objects.prefetch_related(Prefetch("steps", queryset=steps))
        .select_related("verified_by")
        .get(pk=chosen.pk)
    )


def protocols_for_user(user):
    return Protocol.objects.select_related("verified_by").order_by(
        "level", "state", "county", "city", "name"
    )


def situation_for_case(case) -> engine.Situation:
    """What a case tells the protocols: crisis if any of its contacts was urgent; a minor or a
    foreign national if any potential victim is one; consent only when every contact that was
    asked said yes (any "no" is a no); the type of trafficking once it is known."""
    from lantern.cases.choices import CaseCitizenshipChoices, CasePartyRoleChoices

    contacts = [link.contact for link in case.links.select_related("contact")]
    victims = list(case.parties.filter(role=CasePartyRoleChoices.POTENTIAL_VICTIM))
    answers = {c.consent_to_share for c in contacts} - {None}
    minors = {v.minor for v in victims} - {None}
    citizenship = {v.citizenship for v in victims} - {CaseCitizenshipChoices.UNKNOWN}
    return engine.Situation(
        crisis=True if any(c.urgent for c in contacts) else None,
        trafficking_type=None if case.trafficking_type == "unknown" else case.trafficking_type,
        minor=True if True in minors else (False if minors == {False} else None),
        consent=None if not answers else False not in answers,
        foreign_national=(
            True if CaseCitizenshipChoices.FOREIGN_NATIONAL in citizenship
            else False if citizenship == {CaseCitizenshipChoices.US_CITIZEN} else None
        ),
    )  # fmt: skip


def protocol_for_case(case):
    place = engine.Place(state=case.state, county=case.county, city=case.city)
    return protocol_for(place, situation_for_case(case))


def transfer_numbers(contact) -> list[dict]:
    """Where a live call may be transferred by the response protocol for the contact's place
    (crisis when the contact is urgent): each step's phone, else its directory service's first
    phone, in the protocol's order. ``[{"label": "1. Task force duty phone", "number": …}]``."""
    place = engine.Place(state=contact.state, county=contact.county, city=contact.city)
    protocol = protocol_for(place, engine.Situation(crisis=True if contact.urgent else None))
    if protocol is None:
        return []
    numbers = []
    steps = protocol.steps.select_related("service").prefetch_related("service__phones")
    for step in steps:
        number = step.phone
        if not number and step.service is not None:
            number = next((p.number for p in step.service.phones.all()), "")
        if number:
            name = step.agency or (step.service.name if step.service else "")
            numbers.append({"label": f"{step.position}. {name}", "number": number})
    return numbers
