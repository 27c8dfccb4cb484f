"""Response protocols: the choice across national, state, county and city, the situation's
conditions, and what is refused when a protocol is saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.audit.models import AuditEvent
from lantern.protocols import actions, engine, queries
from lantern.protocols.exceptions import ProtocolError
from lantern.protocols.models import Protocol

STEP = [{"agency": "Synthetic task force duty phone", "phone": "+15555550140",
         "instructions": "Call first; if no answer in 15 minutes go on."}]  # fmt: skip
NV = engine.Place(state="NV", county="Washoe County", city="Reno")


@pytest.fixture
def manager(personas):
    return personas["directory"]


def save(manager, name, level="national", steps=STEP, **fields):
    return actions.do_save_protocol({"name": name, "level": level, **fields}, steps, actor=manager)


def test_the_most_specific_jurisdiction_wins_and_national_is_the_fallback(manager):
    save(manager, "National")
    save(manager, "Nevada", "state", state="NV")
    save(manager, "Washoe", "county", state="NV", county="Washoe County")
    save(manager, "Reno", "city", state="NV", city="Reno")
    facts = engine.Situation()
    assert queries.protocol_for(NV, facts).name == "Reno"
    sparks = engine.Place("NV", "washoe  county", "Sparks")  # case and spacing do not matter
    assert queries.protocol_for(sparks, facts).name == "Washoe"
    assert queries.protocol_for(engine.Place("NV", "", "Las Vegas"), facts).name == "Nevada"
    assert queries.protocol_for(engine.Place("UT", "", "Provo"), facts).name == "National"
    assert queries.protocol_for(engine.Place(), facts).name == "National"


def test_situation_conditions_pick_among_protocols_of_one_place(manager):
    save(manager, "National")
    save(manager, "Nevada", "state", state="NV")
    save(manager, "Nevada minors in crisis", "state", state="NV", minor=True, crisis=True)
    save(manager, "Nevada labor", "state", state="NV", trafficking_type="labor")
    pick = lambda **facts: queries.protocol_for(NV, engine.Situation(**facts)).name  # noqa: E731
    assert pick(minor=True, crisis=True) == "Nevada minors in crisis"
    assert pick(minor=True, crisis=False) == "Nevada"  # the condition must hold
    assert pick(trafficking_type="labor") == "Nevada labor"
    assert pick(minor=None, crisis=True) == "Nevada"  # a fact not known matches only "any"
    # a more specific place beats a more specific situation
    save(manager, "Reno", "city", state="NV", city="Reno")
    assert pick(minor=True, crisis=True) == "Reno"


def test_the_chosen_protocol_comes_with_its_steps_in_order(manager):
    steps = [
        {"agency": "Synthetic task force", "instructions": "Call the duty phone first.",
         "wait_minutes": 15},
        {"agency": "Synthetic FBI field office", "phone": "+15555550150",
         "instructions": "If the task force does not answer."},
    ]  # fmt: skip
    save(manager, "National", steps=steps)
    chosen = queries.protocol_for(NV, engine.Situation())
    assert [s.agency for s in chosen.steps.all()] == [
        "Synthetic task force", "Synthetic FBI field office",
    ]  # fmt: skip
    assert chosen.steps.all()[0].wait_minutes == 15


@pytest.mark.parametrize(
    ("fields", "steps", "field", "message"),
    [
        ({"level": "national"}, [], "steps", "at least one contact"),
        ({"level": "state"}, STEP, "state", "needs its state"),
        ({"level": "county", "state": "NV"}, STEP, "county", "needs its county"),
        ({"level": "national", "state": "NV"}, STEP, "state", "no state"),
        ({"level": "galaxy"}, STEP, "level", "national, state"),
        ({"level": "national"}, [{"instructions": "call"}], "steps.1.agency", "name the agency"),
        ({"level": "national"}, [{"agency": "X"}], "steps.1.instructions", "what to do"),
        ({"level": "national"}, [{"service": "not-a-uuid", "instructions": "x"}],
         "steps.1.service", "no such"),
        ({"level": "national", "trafficking_type": "piracy"}, STEP, "trafficking_type", "not a"),
    ],
)
def test_bad_protocols_are_refused_nothing_changes_and_the_attempt_is_audited(
    manager, fields, steps, field, message
):
    with pytest.raises(ProtocolError) as refused:
        actions.do_save_protocol({"name": "Bad", **fields}, steps, actor=manager)
    assert message in refused.value.errors[field]
    assert not Protocol.objects.exists()
    event = AuditEvent.objects.get(action="refused")
    assert event.actor_label == "directory" and field in event.changes["errors"]


def test_overlapping_protocols_at_the_same_level_are_refused(manager):
    save(manager, "Nevada", "state", state="NV")
    with pytest.raises(ProtocolError, match="overlap 'Nevada'"):
        save(manager, "Nevada again", "state", state="NV")
    save(manager, "Nevada minors", "state", state="NV", minor=True)  # tells them apart
    with pytest.raises(ProtocolError, match="overlap"):
        save(manager, "Nevada crisis", "state", state="NV", crisis=True)  # a minor in crisis?
    save(manager, "Nevada adults", "state", state="NV", minor=False)  # disjoint from minors
    save(manager, "Washoe", "county", state="NV", county="Washoe County")  # another level
    save(manager, "Inactive copy", "state", state="NV", active=False)  # retired ones never clash
    assert Protocol.objects.count() == 5


def test_only_directory_managers_write_protocols_and_verifying_is_recorded(personas, manager):
    with pytest.raises(PermissionDenied):
        save(personas["advocate"], "National")
    protocol = save(manager, "National")
    assert protocol.last_verified_at is None
    actions.do_verify_protocol(protocol, actor=manager)
    protocol.refresh_from_db()
    assert protocol.last_verified_at is not None and protocol.verified_by == manager
    assert AuditEvent.objects.filter(action="verify", object_type="protocols.protocol").exists()


# The engine's rule, checked on random sets of protocols without the database.

levels = st.sampled_from(["national", "state", "county", "city"])
tristate = st.sampled_from([None, True, False])


@st.composite
def protocols(draw):
    level = draw(levels)
    counties = st.sampled_from(["Washoe County", "Clark County"])
    p = Protocol(
        name="p", level=level,
        state="" if level == "national" else draw(st.sampled_from(["NV", "UT"])),
        county=draw(counties) if level == "county" else "",
        city=draw(st.sampled_from(["Reno", "Sparks"])) if level == "city" else "",
        crisis=draw(tristate), minor=draw(tristate), active=True,
    )  # fmt: skip
    return p


@settings(max_examples=300, deadline=None)
@given(
    st.lists(protocols(), max_size=8),
    st.sampled_from([NV, engine.Place("NV", "Clark County", "Sparks"), engine.Place("UT")]),
    tristate, tristate,
)  # fmt: skip
def test_the_choice_is_never_arbitrary_once_overlaps_are_refused(found, place, crisis, minor):
    accepted = []
    for candidate in found:
        if not engine.overlapping(candidate, accepted):
            accepted.append(candidate)
    situation = engine.Situation(crisis=crisis, minor=minor)
    chosen = engine.choose(accepted, place, situation)
    matching = [p for p in accepted if engine.covers(p, place) and engine.fits(p, situation)]
    if not matching:
        assert chosen is None
        return
    best = max(engine.specificity(p) for p in matching)
    assert [p for p in matching if engine.specificity(p) == best] == [chosen]


def test_a_case_gets_the_protocol_its_facts_call_for(manager, personas, make_contact):
    from lantern.cases import actions as case_actions

    save(manager, "National")
    save(manager, "Nevada", "state", state="NV")
    save(manager, "Nevada minors", "state", state="NV", minor=True)
    contact = make_contact(
        location={"state": "NV", "city": "Reno", "county": "Washoe County", "postal_code": "89501"}
    )
    case = case_actions.do_open_case(contact, actor=personas["advocate"])
    assert queries.protocol_for_case(case).name == "Nevada"
    case_actions.do_set_parties(
        case, [{"role": "potential_victim", "count": 2, "age_band": "9--17"}],
        actor=personas["advocate"],
    )  # fmt: skip
    facts = queries.situation_for_case(case)
    assert facts.minor is True and facts.crisis is None and facts.trafficking_type is None
    assert queries.protocol_for_case(case).name == "Nevada minors"
