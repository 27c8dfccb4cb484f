"""Benchmark: a peak day through the real routing code (a televised campaign).

    python bench/routing.py [--per-hour 60] [--surge 10] [--advocates 12] [--database-url URL]

A simulated day on a fresh temporary database: contacts arrive by phone, text and chat at
``--per-hour`` on average (busier in the afternoon), and at ``--surge`` times that for the two
hours after a televised campaign airs (20:00-22:00). Every contact goes through the real code:
intake's actions store it, ``routing.actions.tick`` triages and offers it, simulated advocates
accept offers after a few seconds and log the contact when done, and people who wait too long
hang up or leave the chat. The clock is simulated (``tick(now)``), so the day takes minutes.

Prints, in one run:

* waits (p50 / p95 / max) and abandonment per urgency, crisis against non-urgent;
* the same day through ``routing.simulation`` (the model the staffing planner uses): the
  baseline the real routing is compared against;
* routing decisions per second (placements, escalations and offers made, over the time spent
  in ``tick``), and the time to triage and enqueue one new contact (target < 5 ms).

Timings depend on the machine and on whatever else it is doing: compare figures from one run.
"""

from __future__ import annotations

import argparse
import heapq
import logging
import random
import statistics
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import django_env

parser = argparse.ArgumentParser(
    description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
)
parser.add_argument("--per-hour", type=float, default=60, help="average contacts an hour")
parser.add_argument("--surge", type=float, default=10, help="the campaign's multiple")
parser.add_argument("--advocates", type=int, default=12)
parser.add_argument("--handle-minutes", type=float, default=8)
parser.add_argument("--database-url", default="")
parser.add_argument("--seed", type=int, default=11)
parser.add_argument("--burst", type=int, default=500, help="texts arriving at once, at the end")
parser.add_argument(
    "--triage-only", action="store_true",
    help="only time triage on the labelled set (routing/data/triage_eval), no simulated day",
)  # fmt: skip
args = parser.parse_args()

django_env.setup(database_url=args.database_url)
logging.disable(logging.WARNING)

from django.core.management import call_command  # noqa: E402

from lantern.accounts.actions import do_create_user  # noqa: E402
from lantern.contacts import actions as contacts  # noqa: E402
from lantern.routing import actions as routing  # noqa: E402
from lantern.routing import (  # noqa: E402
    engine,  # noqa: E402
    simulation,
    triage,
)
from lantern.routing import queries as routing_queries  # noqa: E402
from lantern.routing.models import AdvocateStatus, Task  # noqa: E402

NY = ZoneInfo("America/New_York")
DAY = datetime(2026, 11, 17, tzinfo=NY)  # a Tuesday: the non-urgent queue keeps its hours
CAMPAIGN = range(20, 22)
# The shape of an ordinary day (share of the daily volume per hour), busiest mid-afternoon.
SHAPE = [0.5, 0.4, 0.3, 0.3, 0.3, 0.4, 0.6, 0.8, 1.0, 1.2, 1.3, 1.4,
         1.4, 1.5, 1.5, 1.5, 1.4, 1.3, 1.2, 1.1, 1.0, 0.9, 0.8, 0.6]  # fmt: skip
MIX = {"crisis": 0.05, "urgent": 0.15, "non_urgent": 0.80}
CHANNELS = {"phone": 0.6, "sms": 0.25, "chat": 0.15}
TEXTS = {
    ("crisis", "en"): "please help he is going to kill me",
    ("crisis", "es"): "ayudenme, me va a matar",
    ("urgent", "en"): "my boss took my passport",
    ("urgent", "es"): "el patron me quito el pasaporte",
    ("non_urgent", "en"): "Do you have training materials for our clinic?",
    ("non_urgent", "es"): "Necesito un abogado para una visa",
}
PATIENCE = {"crisis": 180, "urgent": 300, "non_urgent": 600}  # seconds, on average
ACCEPT_AFTER = 4  # seconds an advocate takes to press Accept


def hourly_rates() -> list[float]:
    scale = args.per_hour * 24 / sum(SHAPE)
    return [scale * s * (args.surge if h in CAMPAIGN else 1) for h, s in enumerate(SHAPE)]


def arrivals(rng) -> list[tuple[float, str, str, str]]:
    """(second of the day, urgency, language, channel) for every contact of the day."""
    out = []
    for hour, rate in enumerate(hourly_rates()):
        t = hour * 3600.0
        while True:
            t += rng.expovariate(rate / 3600)
            if t >= (hour + 1) * 3600:
                break
            urgency = rng.choices(list(MIX), weights=MIX.values())[0]
            channel = rng.choices(list(CHANNELS), weights=CHANNELS.values())[0]
            language = "es" if rng.random() < 0.2 else "en"
            out.append((t, urgency, language, channel))
    return out


def percentile(values, share):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def fmt(value):
    return "     -" if value is None else f"{value:6.0f}"


class Day:
    def __init__(self, rng):
        self.rng = rng
        self.events = []
        self.order = 0
        self.tick_seconds = 0.0
        self.ticks = []
        self.idle_ticks = []
        self.busy_seconds = 0.0
        self.decisions = 0
        self.enqueue_ms = []
        self.triage_ms = []
        self.contact_urgency = {}
        self.number = 0

    def at(self, second, kind, data=None):
        self.order += 1
        heapq.heappush(self.events, (second, self.order, kind, data))

    def moment(self, second):
        return DAY + timedelta(seconds=second)

    def tick(self, second):
        started = time.perf_counter()
        report = engine.tick(self.moment(second))
        elapsed = time.perf_counter() - started
        self.tick_seconds += elapsed
        self.ticks.append(elapsed)
        self.decisions += report.decisions
        if report.decisions:
            self.busy_seconds += elapsed
        else:
            self.idle_ticks.append(elapsed)
        for offer in report.offers:
            self.at(second + ACCEPT_AFTER, "accept", offer)

    def arrive(self, second, urgency, language, channel):
        now = self.moment(second)
        self.number += 1
        body = TEXTS[(urgency, language)]
        if channel == "phone":
            contact, _ = contacts.do_receive_call(
                provider_id=f"CA{self.number:032d}", caller=f"+1555555{self.number % 10000:04d}",
                received_at=now,
            )  # fmt: skip
            contacts.do_note_call_progress(
                contact, language=language, urgent=urgency == "crisis", reason="phone menu"
            )
            contact.refresh_from_db()
            started = time.perf_counter()
            routing.do_route_contact(contact, now=now)  # the phone menu asks for its queue
            self.enqueue_ms.append((time.perf_counter() - started) * 1000)
        elif channel == "sms":
            message, _ = contacts.do_receive_message(
                channel="sms", hotline_address="+15555550100",
                participant=f"+1555555{self.number % 10000:04d}", body=body, received_at=now,
                detect_language=lambda _, lang=language: lang,
            )  # fmt: skip
            contact = message.conversation.contact
        else:
            conversation = contacts.do_open_chat(
                language=language, safe=False if urgency == "crisis" else None, received_at=now
            )
            contact = conversation.contact
            contacts.do_receive_message(
                channel="chat", hotline_address="web", participant="", body=body,
                contact=contact, received_at=now,
            )  # fmt: skip
        self.contact_urgency[contact.pk] = urgency
        if channel != "sms":  # a text stays; a caller or a chat visitor gives up
            patience = self.rng.expovariate(1 / PATIENCE[urgency])
            self.at(second + patience, "give_up", contact)

    def run(self, schedule):
        for second, urgency, language, channel in schedule:
            self.at(second, "arrive", (urgency, language, channel))
        for second in range(0, 24 * 3600 + 1, 15):
            self.at(second, "tick")
        handle = args.handle_minutes * 60
        while self.events:
            second, _, kind, data = heapq.heappop(self.events)
            if kind == "arrive":
                self.arrive(second, *data)
                if data[2] != "phone":  # the dispatcher is kicked (a call was routed already)
                    self.timed_enqueue(second)
                self.tick(second)
            elif kind == "accept":
                offer = data
                try:
                    task = routing.do_accept_offer(
                        offer, actor=offer.advocate, now=self.moment(second)
                    )
                except routing.OfferUnavailable:
                    continue
                self.at(second + self.rng.expovariate(1 / handle), "done", task)
                self.tick(second)
            elif kind == "done":
                contact = data.contact
                contact.refresh_from_db()
                contacts.do_update_contact(contact, {"call_types": ["tip"]}, actor=data.assigned_to)
                self.tick(second)
            elif kind == "give_up":
                task = Task.objects.filter(contact=data).first()
                if task is not None and task.state in ("waiting", "offered"):
                    if data.channel == "phone":
                        contacts.do_note_call_progress(data, ended_at=self.moment(second))
                    else:
                        contacts.do_close_conversation(data.conversation)
                    self.tick(second)
            elif kind == "tick":
                self.tick(second)

    def timed_enqueue(self, second):
        """The dispatcher's first step for what just arrived, timed per contact."""
        now = self.moment(second)
        for contact in routing_queries.unrouted_contacts(now):
            started = time.perf_counter()
            decision = triage.triage(routing_queries.signals_for(contact))
            decided = time.perf_counter()
            routing.do_enqueue_contact(contact, now=now, decision=decision)
            self.triage_ms.append((decided - started) * 1000)
            self.enqueue_ms.append((time.perf_counter() - started) * 1000)


def main():
    print(triage_on_the_labelled_set())
    if args.triage_only:
        return
    rng = random.Random(args.seed)
    call_command("migrate", verbosity=0)
    people = []
    for n in range(args.advocates):
        user = do_create_user(f"bench-advocate-{n}", "advocate", "bench passphrase 123",
                              validate=False)  # fmt: skip
        routing.do_set_presence(user, "available", actor=user)
        skills = ["lang:es"] if n % 4 == 0 else ["interpreter"] if n % 4 == 1 else []
        AdvocateStatus.objects.filter(user=user).update(skills=skills, idle_since=DAY)
        people.append(user)
    schedule = arrivals(rng)
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"Routing a simulated day: {len(schedule)} contacts, {args.per_hour:g}/hour on average, "
          f"x{args.surge:g} from 20:00 to 22:00, {args.advocates} advocates, "
          f"{args.handle_minutes:g}-minute handle time ({database})")  # fmt: skip
    started = time.perf_counter()
    day = Day(rng)
    day.run(schedule)
    wall = time.perf_counter() - started

    waits = {u: [] for u in MIX}
    abandoned = {u: 0 for u in MIX}
    campaign = {u: [] for u in MIX}
    for task in Task.objects.all():
        urgency = task.urgency  # as routing decided (a call without "press 1" is non-urgent)
        if task.answered_at:
            wait = (task.answered_at - task.created_at).total_seconds()
            waits[urgency].append(wait)
            if task.created_at.astimezone(NY).hour in CAMPAIGN:
                campaign[urgency].append(wait)
        elif task.state == "abandoned":
            abandoned[urgency] += 1

    model = simulation.simulate_day(
        arrivals=[{u: rate * share for u, share in MIX.items()} for rate in hourly_rates()],
        agents=[args.advocates] * 24,
        # texts and chats are handled a few at a time: about 2.5 at once on average
        handle_seconds=args.handle_minutes * 60 * (CHANNELS["phone"] + (1 - CHANNELS["phone"]) / 2.5),  # noqa: E501
        patience_seconds={u: float(p) for u, p in PATIENCE.items()},
        reserved=1,
        seed=args.seed,
    ).summary()  # fmt: skip

    print("\nWaits in seconds by triaged urgency, answered contacts (p50 / p95 / max), and the"
          " contacts who left before an answer:")  # fmt: skip
    print(f"{'':11} {'real routing, whole day':>32} {'campaign hours':>24}"
          f"   {'model (baseline)':>28}")  # fmt: skip
    for urgency in MIX:
        w, c, m = waits[urgency], campaign[urgency], model[urgency]
        print(
            f"{urgency:<11} {fmt(percentile(w, .5))} {fmt(percentile(w, .95))} "
            f"{fmt(max(w, default=None))}  {abandoned[urgency]:>5} left"
            f"  {fmt(percentile(c, .5))} {fmt(percentile(c, .95))} {fmt(max(c, default=None))}"
            f"   {fmt(m['p50'])} {fmt(m['p95'])} {fmt(m['max'])} {m['abandoned']:>5} left"
        )
    print(
        f"\nThe day: {day.decisions} routing decisions (placements, escalations, offers) in "
        f"{len(day.ticks)} ticks; ticks that decided something took {day.busy_seconds:.2f} s "
        f"({day.decisions / max(day.busy_seconds, 1e-9):,.0f} decisions/s); a tick that "
        f"decided nothing (contacts still waiting for the opening or a free advocate) p50 "
        f"{percentile(day.idle_ticks, .5) * 1000:.2f} ms, p99 "
        f"{percentile(day.idle_ticks, .99) * 1000:.2f} ms"
    )
    burst = burst_of(args.burst, people)
    print(
        f"A burst: {args.burst} texts arriving at once with {len(people)} advocates free: "
        f"routed and offered in {burst['seconds']:.2f} s over {burst['ticks']} ticks = "
        f"{burst['decisions'] / burst['seconds']:,.0f} decisions/s; the one crisis among them "
        f"was offered when {burst['queued_before_crisis_offer']} of the {args.burst} were queued"
        " (the urgent ones go first)"
    )
    print(f"A tick with nothing to do (the dispatcher ticks twice a second): "
          f"{idle_tick_ms():.3f} ms")  # fmt: skip
    print(
        f"Triage of one new contact (read its first words, decide): p50 "
        f"{statistics.median(day.triage_ms):.2f} ms, p99 {percentile(day.triage_ms, .99):.2f} ms "
        f"(target < 5 ms); the rules alone on a long text {triage_alone():.3f} ms; with the "
        f"task and its audit row stored: p50 {statistics.median(day.enqueue_ms):.2f} ms, "
        f"p99 {percentile(day.enqueue_ms, .99):.2f} ms"
    )
    print(f"Wall time for the day: {wall:.1f} s")


def burst_of(count: int, people) -> dict:
    """``count`` texts stored at once (a campaign's first minute), then ticks until each is
    placed and the advocates are all offered one: the engine's throughput under load."""
    now = DAY + timedelta(days=1, hours=10)  # Wednesday 10:00: every queue open
    Task.objects.filter(state__in=["waiting", "offered", "assigned"]).update(state="completed")
    from lantern.routing.models import Offer

    Offer.objects.filter(state="pending").update(state="withdrawn")
    for user in people:
        AdvocateStatus.objects.filter(user=user).update(presence="available", missed_offers=0)
    crisis_at = count // 2
    for n in range(count):
        urgency = "crisis" if n == crisis_at else "urgent" if n % 7 == 0 else "non_urgent"
        contacts.do_receive_message(
            channel="sms", hotline_address="+15555550100",
            participant=f"+1555556{n % 10000:04d}", body=TEXTS[(urgency, "en")], received_at=now,
        )  # fmt: skip
    decisions, ticks = 0, 0
    before = set(Task.objects.values_list("pk", flat=True))
    started = time.perf_counter()
    while True:
        report = engine.tick(now)
        ticks += 1
        decisions += report.decisions
        if not report.decisions:
            break
    seconds = time.perf_counter() - started
    # ids are time-ordered (UUID 7): how many of the burst were queued before the crisis offer
    crisis_offer = Offer.objects.filter(task__urgency="crisis", task__created_at=now).first()
    queued_before = (
        Task.objects.exclude(pk__in=before).filter(pk__lt=crisis_offer.pk).count()
        if crisis_offer
        else None
    )
    return {"seconds": seconds, "ticks": ticks, "decisions": decisions,
            "queued_before_crisis_offer": queued_before}  # fmt: skip


def idle_tick_ms() -> float:
    Task.objects.filter(state__in=["waiting", "offered", "assigned"]).update(state="completed")
    now = DAY + timedelta(days=5)  # the day's contacts are past routing's horizon
    started = time.perf_counter()
    for _ in range(500):
        engine.tick(now)
    return (time.perf_counter() - started) / 500 * 1000


def triage_alone() -> float:
    signals = triage.Signals(channel="sms", text=TEXTS[("urgent", "en")] * 20)
    started = time.perf_counter()
    for _ in range(2000):
        triage.triage(signals)
    return (time.perf_counter() - started) / 2000 * 1000


def triage_on_the_labelled_set(rounds: int = 5) -> str:
    """Triage of one message, each message of the labelled set in turn (all eleven languages,
    texts of every length), and as a baseline in the same run normalizing the text alone (the
    floor any rule set pays)."""
    from lantern.routing import triage_eval

    items, _ = triage_eval.load_labelled([triage_eval.DEFAULT_SET])
    rule_set = triage.configured()

    def timed(decide) -> list[float]:
        out = []
        for _ in range(rounds):
            for item in items:
                started = time.perf_counter()
                decide(item)
                out.append((time.perf_counter() - started) * 1000)
        return out

    floor = timed(lambda item: triage.normalize(item.signals.text[: triage.MAX_TEXT]))
    rules = timed(lambda item: triage.triage(item.signals, rule_set, classifier=None))
    lines = [
        f"Triage of one message over the labelled set ({len(items)} messages x {rounds}): "
        f"the rules p50 {percentile(rules, .5):.3f} ms, p95 {percentile(rules, .95):.3f} ms, "
        f"max {max(rules):.3f} ms (target p95 <= 5 ms); baseline, normalizing the text alone: "
        f"p50 {percentile(floor, .5):.3f} ms, p95 {percentile(floor, .95):.3f} ms"
    ]
    from lantern.routing import classifier

    model = classifier.configured()
    if model is not None:
        model.urgency(items[0].signals.text)  # the first call loads the embeddings
        both = timed(lambda item: triage.triage(item.signals, rule_set, classifier=model))
        lines.append(
            f"  with the classifier (LANTERN_TRIAGE_CLASSIFIER): p50 {percentile(both, .5):.1f} "
            f"ms, p95 {percentile(both, .95):.1f} ms, max {max(both):.1f} ms"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
