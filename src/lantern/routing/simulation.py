"""A discrete-event simulation of a day on the lines, to check a schedule Erlang C approved.

Erlang C assumes one first-come queue and nobody hanging up; a hotline has crisis contacts that
jump the queue, advocates held back for them, and people who give up. This simulates exactly
that, contact by contact: Poisson arrivals per hour and urgency, exponential handle times,
exponential patience, strict priority (crisis, urgent, non-urgent), and ``reserved`` advocates who
take only crisis and urgent work. It reports the waits per urgency (p50, p95, max): the unlucky
callers Erlang C's averages hide.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field

URGENCIES = ("crisis", "urgent", "non_urgent")


@dataclass
class Waits:
    answered: list[float] = field(default_factory=list)
    abandoned: int = 0

    def percentile(self, share: float) -> float | None:
        if not self.answered:
            return None
        ordered = sorted(self.answered)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def summary(self) -> dict:
        return {
            "answered": len(self.answered),
            "abandoned": self.abandoned,
            "p50": self.percentile(0.5),
            "p95": self.percentile(0.95),
            "max": max(self.answered, default=None),
        }


@dataclass
class DayResult:
    waits: dict[str, Waits]
    busy_seconds: float
    staffed_seconds: float

    @property
    def occupancy(self) -> float:
        return self.busy_seconds / self.staffed_seconds if self.staffed_seconds else 0.0

    def summary(self) -> dict:
        return {
            **{u: w.summary() for u, w in self.waits.items()},
            "occupancy": self.occupancy,
        }


def simulate_day(
    *,
    arrivals: list[dict[str, float]],
    agents: list[int],
    handle_seconds: float,
    patience_seconds: dict[str, float] | None = None,
    reserved: int = 0,
    seed: int = 1,
) -> DayResult:
    """Simulate 24 hours. ``arrivals[h]`` maps urgency -> contacts expected in hour ``h``;
    ``agents[h]`` is the number of advocates on shift in hour ``h``. An advocate who is busy when
    their shift ends finishes the contact first."""
    if len(arrivals) != 24 or len(agents) != 24:
        raise ValueError("give 24 hours of arrivals and of agents")
    rng = random.Random(seed)
    patience = {"crisis": 120.0, "urgent": 300.0, "non_urgent": 900.0, **(patience_seconds or {})}
    events: list = []  # (time, order, kind, data)
    order = 0

    def push(time, kind, data=None):
        nonlocal order
        order += 1
        heapq.heappush(events, (time, order, kind, data))

    for hour, expected in enumerate(arrivals):
        for urgency, count in expected.items():
            t = hour * 3600.0
            while count > 0:
                t += rng.expovariate(count / 3600.0)
                if t >= (hour + 1) * 3600:
                    break
                push(t, "arrive", urgency)
    for hour in range(24):
        push(hour * 3600.0, "shift", agents[hour])

    waits = {u: Waits() for u in URGENCIES}
    queues: dict[str, list] = {u: [] for u in URGENCIES}  # (arrived, id) in order
    gone: set[int] = set()
    staff, busy, busy_seconds, staffed_seconds = 0, 0, 0.0, 0.0
    last = 0.0
    contact_id = 0

    def start_waiting_work(now):
        nonlocal busy
        while busy < staff:
            free = staff - busy
            for urgency in URGENCIES:
                if urgency == "non_urgent" and free <= reserved:
                    continue  # keep the reserved advocates for urgent work
                queue = queues[urgency]
                while queue and queue[0][1] in gone:
                    heapq.heappop(queue)
                if queue:
                    arrived, cid = heapq.heappop(queue)
                    gone.add(cid)
                    waits[urgency].answered.append(now - arrived)
                    busy += 1
                    push(now + rng.expovariate(1 / handle_seconds), "done")
                    break
            else:
                return

    while events:
        now, _, kind, data = heapq.heappop(events)
        if now > 24 * 3600 and kind == "arrive":
            continue
        busy_seconds += busy * (now - last)
        staffed_seconds += max(staff, busy) * (now - last)
        last = now
        if kind == "arrive":
            contact_id += 1
            heapq.heappush(queues[data], (now, contact_id))
            push(now + rng.expovariate(1 / patience[data]), "give_up", (data, contact_id))
        elif kind == "give_up":
            urgency, cid = data
            if cid not in gone:
                gone.add(cid)
                waits[urgency].abandoned += 1
        elif kind == "done":
            busy -= 1
        elif kind == "shift":
            staff = data
        start_waiting_work(now)
    return DayResult(waits=waits, busy_seconds=busy_seconds, staffed_seconds=staffed_seconds)
