"""Benchmark: the case list and the protocol lookup at national scale.

    python bench/cases.py [--cases 100000] [--contacts-per-case 3] [--repeat 40]
                          [--database-url URL]

Runs on a fresh temporary data directory (SQLite, WAL) unless --database-url points at an empty
PostgreSQL database. Builds --cases cases (status, type, venue, place, assignment, follow-up
spread like a few years of a national hotline), each linked to --contacts-per-case contacts
(300,000 by default) with counted people, and ~1,000 response protocols (national, every
state, 5 counties and 3 cities in each state, each with steps). Prints, in one run:

* the case list as the console runs it (count + first page of 50, through the permission
  rules), p50/p95 for each filter the list offers and for combinations of them, against the
  unfiltered list (the baseline: what any page of cases costs);
* GET /console/cases/?... end to end (the template included), p50/p95;
* the protocol lookup for a case (its situation from its contacts and people, the candidate
  protocols, the engine's choice, the steps loaded), p50/p95, against loading one protocol
  with its steps by primary key (the baseline: the least any lookup must do).

Timings depend on the machine and on whatever else it is doing: compare figures from one run.
"""

from __future__ import annotations

import argparse
import logging
import random
import time
from datetime import timedelta

import django_env

parser = argparse.ArgumentParser(
    description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
)
parser.add_argument("--cases", type=int, default=100_000)
parser.add_argument("--contacts-per-case", type=int, default=3)
parser.add_argument("--repeat", type=int, default=40, help="runs per measured query")
parser.add_argument("--database-url", default="")
parser.add_argument("--seed", type=int, default=5)
args = parser.parse_args()

django_env.setup(database_url=args.database_url)
logging.getLogger("lantern.request").setLevel(logging.WARNING)
logging.getLogger("django.request").setLevel(logging.ERROR)

from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from lantern.accounts.actions import do_create_user  # noqa: E402
from lantern.cases import queries, statuses  # noqa: E402
from lantern.cases.choices import CaseControlMethodChoices  # noqa: E402
from lantern.cases.models import Case, CaseContact, CaseParty  # noqa: E402
from lantern.contacts.definitions import active_form  # noqa: E402
from lantern.contacts.models import Contact  # noqa: E402
from lantern.core.geo import USStateChoices  # noqa: E402
from lantern.protocols import queries as protocol_queries  # noqa: E402
from lantern.protocols.actions import do_save_protocol  # noqa: E402
from lantern.protocols.models import Protocol, ProtocolStep  # noqa: E402

STATES = [s for s in USStateChoices.values if s not in ("AS", "GU", "MP", "UM", "VI")]
BUSY = ["TX", "CA", "FL", "NY", "GA", "OH", "NV", "IL"]  # half the cases, as in NHTH's data
VENUES = ["agriculture", "restaurants", "domestic_work", "construction", "hotels",
          "illicit_massage", "escort_services", "pornography", "unknown", "other"]  # fmt: skip
TYPES = ["sex", "labor", "sex_and_labor", "unknown"]
PAGE = 50


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def timed(fn, repeat):
    fn()  # warm
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def place(rng, state):
    n = rng.randint(0, 7)
    return f"{state} County {n}", f"{state} City {rng.randint(0, 5)}"


def build_protocols(manager):
    """National, then for each state: the state, 5 counties, 3 cities (2 situations each)."""
    steps = [
        {"agency": "Synthetic task force duty phone", "phone": "+15555550100",
         "instructions": "Call first.", "wait_minutes": 15},
        {"agency": "Synthetic FBI field office", "phone": "+15555550101",
         "instructions": "If no answer in 15 minutes."},
    ]  # fmt: skip
    do_save_protocol({"name": "National", "level": "national"}, steps, actor=manager)
    for state in STATES:
        do_save_protocol({"name": f"{state}", "level": "state", "state": state}, steps,
                         actor=manager)  # fmt: skip
        for n in range(5):
            for minor in (True, None):
                do_save_protocol(
                    {"name": f"{state} County {n} {minor}", "level": "county", "state": state,
                     "county": f"{state} County {n}", "minor": minor},
                    steps, actor=manager,
                )  # fmt: skip
        for n in range(3):
            do_save_protocol({"name": f"{state} City {n}", "level": "city", "state": state,
                              "city": f"{state} City {n}"}, steps, actor=manager)  # fmt: skip


def build_cases(rng, advocates, creator):
    """Cases, their contacts and people, inserted in batches of 5,000 cases."""
    now = timezone.now()
    form = active_form()
    labels = list(statuses.current().labels)
    methods = CaseControlMethodChoices.values
    batch = 5_000
    for start in range(0, args.cases, batch):
        cases, contacts, links, parties = [], [], [], []
        for _ in range(min(batch, args.cases - start)):
            state = rng.choice(BUSY) if rng.random() < 0.5 else rng.choice(STATES)
            county, city = place(rng, state)
            created = now - timedelta(minutes=rng.randint(1, 3 * 365 * 24 * 60))
            assigned = rng.choice(advocates) if rng.random() < 0.8 else None
            case = Case(
                status=rng.choices(labels, weights=[3, 1, 2, 2, 12][: len(labels)])[0],
                trafficking_type=rng.choice(TYPES),
                venue=rng.choice(VENUES),
                control_methods=rng.sample(methods, rng.randint(0, 3)),
                state=state, county=county, city=city,
                assigned_to=assigned,
                follow_up_on=(now + timedelta(days=rng.randint(-60, 60))).date()
                if rng.random() < 0.3 else None,
                created_by=creator, created_at=created,
            )  # fmt: skip
            cases.append(case)
            for k in range(args.contacts_per_case):
                received = created - timedelta(hours=k * rng.randint(1, 48))
                contact = Contact(
                    form_version=form, channel="phone", received_at=received, state=state,
                    urgent=rng.random() < 0.1, substantive=True, handled_by=creator,
                    created_by=creator, created_at=received,
                )  # fmt: skip
                contacts.append(contact)
                links.append(CaseContact(case=case, contact=contact, linked_by=creator,
                                         linked_at=received))  # fmt: skip
            parties.append(CaseParty(case=case, role="potential_victim", count=rng.randint(1, 6),
                                     age_band=rng.choice(["9--17", "18--20", "27--29", "unknown"]),
                                     citizenship=rng.choice(["us_citizen", "foreign_national",
                                                             "unknown"])))  # fmt: skip
        with transaction.atomic():
            Case.objects.bulk_create(cases)
            Contact.objects.bulk_create(contacts)
            CaseContact.objects.bulk_create(links)
            CaseParty.objects.bulk_create(parties)


def main():
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(args.seed)
    manager = do_create_user("bench_manager", "directory_manager", "x", validate=False)
    analyst = do_create_user("bench_analyst", "case_analyst", "x", validate=False)
    advocates = [
        do_create_user(f"bench_advocate{i}", "advocate", "x", validate=False) for i in range(40)
    ]
    start = time.perf_counter()
    build_protocols(manager)
    print(f"protocols: {Protocol.objects.count()} with {ProtocolStep.objects.count()} steps "
          f"({time.perf_counter() - start:.1f} s)")  # fmt: skip
    start = time.perf_counter()
    build_cases(rng, advocates, analyst)
    print(f"cases: {Case.objects.count():,}, linked contacts: {CaseContact.objects.count():,} "
          f"({time.perf_counter() - start:.1f} s to build)")  # fmt: skip
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    user = advocates[0]
    labels = list(statuses.current().labels)

    def page(filters, who=user):
        qs = filters.apply(queries.cases_for_user(who), who)
        p = Paginator(qs, PAGE).get_page(1)
        return p.paginator.count, [c.pk for c in p.object_list]

    print(f"\ncase list: count + first page of {PAGE}, p50 / p95 ms over {args.repeat} runs")
    baseline = timed(lambda: page(queries.CaseFilter()), args.repeat)
    print(f"  {'no filter (baseline)':44s} {pct(baseline, 50):7.2f} {pct(baseline, 95):7.2f}")
    cases = [
        ("status", queries.CaseFilter(status=labels[0])),
        ("state (busy: TX)", queries.CaseFilter(state="TX")),
        ("state (small: VT)", queries.CaseFilter(state="VT")),
        ("type + venue", queries.CaseFilter(trafficking_type="labor", venue="agriculture")),
        ("assigned to me", queries.CaseFilter(assigned_to_me=True)),
        ("follow-up due", queries.CaseFilter(follow_up_due=True)),
        ("assigned to me + follow-up due",
         queries.CaseFilter(assigned_to_me=True, follow_up_due=True)),
        ("status + state + type",
         queries.CaseFilter(status=labels[1], state="CA", trafficking_type="sex")),
        ("every filter",
         queries.CaseFilter(status=labels[0], state="TX", trafficking_type="labor",
                            venue="agriculture", assigned_to_me=True, follow_up_due=True)),
    ]  # fmt: skip
    all_p95 = []
    for name, filters in cases:
        runs = timed(lambda f=filters: page(f), args.repeat)
        all_p95.append(pct(runs, 95))
        count = page(filters)[0]
        print(f"  {name:44s} {pct(runs, 50):7.2f} {pct(runs, 95):7.2f}   ({count:,} cases)")
    print(f"  worst filtered p95: {max(all_p95):.2f} ms; baseline p95 {pct(baseline, 95):.2f} ms")

    client = Client()
    client.force_login(user)
    urls = [
        "/console/cases/",
        f"/console/cases/?status={labels[0]}&state=TX",
        "/console/cases/?mine=1&due=1",
        "/console/cases/?trafficking_type=labor&venue=agriculture",
    ]
    print("\nGET /console/cases/ end to end (template included), p50 / p95 ms")
    for url in urls:
        runs = timed(lambda u=url: client.get(u), max(10, args.repeat // 2))
        assert client.get(url).status_code == 200
        print(f"  {url:60s} {pct(runs, 50):7.2f} {pct(runs, 95):7.2f}")

    sample_ids = list(Case.objects.values_list("pk", flat=True).order_by("?")[: args.repeat * 3])
    sample = list(Case.objects.filter(pk__in=sample_ids))
    print(f"\nprotocol lookup for a case, p50 / p95 ms over {len(sample)} cases")
    runs, levels = [], {}
    for case in sample:
        start = time.perf_counter()
        protocol = protocol_queries.protocol_for_case(case)
        list(protocol.steps.all())
        runs.append(time.perf_counter() - start)
        levels[protocol.level] = levels.get(protocol.level, 0) + 1
    one = Protocol.objects.filter(level="county").first().pk
    base = timed(lambda: list(Protocol.objects.prefetch_related("steps").get(pk=one).steps.all()),
                 len(sample))  # fmt: skip
    print(f"  {'one protocol by primary key (baseline)':44s} {pct(base, 50):7.2f} "
          f"{pct(base, 95):7.2f}")  # fmt: skip
    print(f"  {'protocol_for_case':44s} {pct(runs, 50):7.2f} {pct(runs, 95):7.2f}   "
          f"(chosen: {', '.join(f'{k} {v}' for k, v in sorted(levels.items()))})")  # fmt: skip


if __name__ == "__main__":
    main()
