"""Erlang C: how many advocates a stream of contacts needs.

The classic model of a queue of callers served by ``agents`` identical servers: contacts arrive at
random (Poisson) at an average rate, each takes an exponentially distributed handle time, and
nobody hangs up. It answers four questions for one interval (half an hour, an hour):

- the probability that a contact has to wait at all (``p_wait``);
- the service level: the share answered within ``answer_within`` seconds;
- the average speed of answer (ASA), over all contacts, waiting or not;
- occupancy: the share of the advocates' time spent handling contacts.

It is optimistic where it matters most for a crisis line: it assumes nobody abandons and that one
queue serves everybody in order. ``lantern.routing.simulation`` checks a schedule with priority,
reserved advocates and abandonment.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ErlangC:
    agents: int
    traffic: float  # offered load in Erlangs: arrival rate x handle time
    p_wait: float
    service_level: float
    asa_seconds: float
    occupancy: float

    def as_dict(self) -> dict:
        return asdict(self)


def traffic(contacts: float, period_seconds: float, handle_seconds: float) -> float:
    """The offered load in Erlangs: how many advocates would be busy all the time."""
    if period_seconds <= 0:
        raise ValueError("the period must be longer than zero")
    if contacts < 0 or handle_seconds < 0:
        raise ValueError("contacts and handle time cannot be negative")
    return contacts * handle_seconds / period_seconds


def p_wait(agents: int, load: float) -> float:
    """The Erlang C formula: the probability that an arriving contact waits.

    Computed through the Erlang B recursion, which stays accurate for hundreds of agents where
    the textbook factorials overflow. With ``agents <= load`` the queue grows without end: 1.0.
    """
    if agents <= 0 or agents <= load:
        return 1.0
    if load <= 0:
        return 0.0
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = load * blocking / (n + load * blocking)
    return agents * blocking / (agents - load * (1 - blocking))


def erlang_c(
    *,
    contacts: float,
    period_seconds: float,
    handle_seconds: float,
    agents: int,
    answer_within: float,
) -> ErlangC:
    """The four figures for one interval (see the module's docstring)."""
    if agents < 0:
        raise ValueError("the number of agents cannot be negative")
    if answer_within < 0:
        raise ValueError("the answer time cannot be negative")
    load = traffic(contacts, period_seconds, handle_seconds)
    wait = p_wait(agents, load)
    if agents > load and handle_seconds > 0:
        spare = agents - load
        service_level = 1.0 - wait * math.exp(-spare * answer_within / handle_seconds)
        asa = wait * handle_seconds / spare
        occupancy = load / agents
    elif load == 0:
        service_level, asa, occupancy = 1.0, 0.0, 0.0
    else:  # not enough advocates: the queue never empties
        service_level, asa, occupancy = 0.0, math.inf, 1.0
    return ErlangC(
        agents=agents,
        traffic=load,
        p_wait=wait,
        service_level=max(0.0, min(1.0, service_level)),
        asa_seconds=asa,
        occupancy=occupancy,
    )


def agents_needed(
    *,
    contacts: float,
    period_seconds: float,
    handle_seconds: float,
    answer_within: float,
    target: float,
    max_occupancy: float = 1.0,
) -> ErlangC:
    """The fewest agents whose service level reaches ``target`` (0-1), and the figures then.

    ``max_occupancy`` adds advocates until occupancy is at most that share (a crisis line run
    hot makes urgent callers wait and burns advocates out).
    """
    if not 0 < target <= 1:
        raise ValueError("the target must be a share between 0 and 1")
    if not 0 < max_occupancy <= 1:
        raise ValueError("the occupancy ceiling must be a share between 0 and 1")
    load = traffic(contacts, period_seconds, handle_seconds)
    agents = max(1, math.floor(load) + 1) if load > 0 else 0
    while True:
        result = erlang_c(
            contacts=contacts,
            period_seconds=period_seconds,
            handle_seconds=handle_seconds,
            agents=agents,
            answer_within=answer_within,
        )
        if result.service_level >= target - 1e-12 and result.occupancy <= max_occupancy:
            return result
        agents += 1


def parse_target(text: str) -> tuple[float, float]:
    """``"80/20"`` -> (0.8, 20.0): 80% of contacts answered within 20 seconds."""
    try:
        share, seconds = (float(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(
            f"{text!r} is not a service-level target: write PERCENT/SECONDS, e.g. 80/20"
        ) from None
    if not 0 < share <= 100 or seconds < 0 or not math.isfinite(seconds):
        raise ValueError(f"{text!r}: the percentage must be 1-100 and the seconds at least 0")
    return share / 100, seconds
