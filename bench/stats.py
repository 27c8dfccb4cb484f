"""Benchmark: a full annual statistics release at national scale.

    python bench/stats.py [--contacts 1000000] [--cases 100000] [--database-url URL]
                          [--data-dir DIR]

Fills a fresh database (SQLite unless --database-url names an empty PostgreSQL database; with
--data-dir an already filled one is reused) with --contacts contacts over one year (channels,
call types, caller types, languages and states spread like a national hotline's, small states
small), a quarter of them with referrals to forty services, and --cases cases with potential
victims and a few tip reports. Venues, methods of control, ages, genders, citizenships and
languages are long-tailed (weight 1/rank), as a real hotline's are, so that small states get
rare cells and the release really suppresses and audits. Then it times, in one run:

* computing every pre-defined table for the 12 months (one GROUP BY query per table and month;
  quarters and the year are sums);
* protecting and auditing them (rare categories, primary and complementary suppression, the
  interval audit over every table sharing a margin), at the default threshold 3 and at the
  recommended 10;
* the whole release (both, plus storing it): the target is under 60 s on SQLite on 2 cores;
* the baseline: one plain COUNT(*) ... GROUP BY state, channel over the year's contacts, the
  least any release must read.

Timings depend on the machine and on whatever else it is doing: compare figures from one run.
"""

from __future__ import annotations

import argparse
import logging
import random
import time
from datetime import datetime, timedelta

import django_env

parser = argparse.ArgumentParser(
    description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
)
parser.add_argument("--contacts", type=int, default=1_000_000)
parser.add_argument("--cases", type=int, default=100_000)
parser.add_argument("--year", type=int, default=2025)
parser.add_argument("--database-url", default="")
parser.add_argument("--data-dir", default="")
parser.add_argument("--seed", type=int, default=3)
args = parser.parse_args()

django_env.setup(database_url=args.database_url, data_dir=args.data_dir)
logging.getLogger("lantern.request").setLevel(logging.WARNING)

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from lantern.accounts.actions import do_create_user  # noqa: E402
from lantern.accounts.models import User  # noqa: E402
from lantern.cases.choices import (  # noqa: E402
    CaseCitizenshipChoices,
    CaseControlMethodChoices,
    CaseGenderChoices,
)
from lantern.cases.models import Case, CaseParty, Referral, TipReport  # noqa: E402
from lantern.contacts.choices import VenueChoices  # noqa: E402
from lantern.contacts.definitions import active_form  # noqa: E402
from lantern.contacts.models import Contact, ContactCallType  # noqa: E402
from lantern.core.geo import USStateChoices  # noqa: E402
from lantern.directory import taxonomy  # noqa: E402
from lantern.directory.choices import OrganizationTypeChoices  # noqa: E402
from lantern.directory.models import Organization, Service  # noqa: E402
from lantern.stats import actions, disclosure, labels, tables  # noqa: E402

# Population-like weights: big states big, small states and territories small.
BIG = {"CA": 40, "TX": 30, "FL": 22, "NY": 20, "PA": 13, "IL": 12, "OH": 12, "GA": 11,
       "NC": 11, "MI": 10}  # fmt: skip
STATES = [s for s in USStateChoices.values if s not in ("UM",)]
WEIGHTS = [BIG.get(s, 1 if s in ("AS", "GU", "MP", "VI", "WY", "VT", "DC", "AK") else 4)
           for s in STATES]  # fmt: skip
CHANNELS = (["phone", "sms", "chat", "email", "webform"], [78, 9, 8, 3, 2])
TYPES = (["tip", "crisis", "referral", "general_info", "tta", "hang_up", "wrong_number"],
         [20, 6, 15, 25, 6, 20, 8])  # fmt: skip
CALLERS = (["victim_survivor", "family_friend", "community_member", "law_enforcement",
            "service_provider", "unknown", "media"], [15, 12, 30, 5, 12, 25, 1])  # fmt: skip
# The hotline's hints first, then a long tail of languages heard a few times a year
LANGUAGES = (["en", "es", "zh", "vi", "ko", "tl", "fr", "ht", "ar", "ru", "pt", "sw", "am", "so",
              "ne", "mn", "km", "th", "uk", "ro", "pl", "hi", "bn", "ur", "fa", "ps", "ti", "my"],
             [85, 11, 1.5, 1, 1, .5, .4, .4, .3, .3, .3, .02, .01, .01, .008, .005, .004,
              .003, .003, .002, .002, .002, .001, .001, .001, .0005, .0005, .0003])  # fmt: skip
STATUSES = (["given", "contacted", "accepted", "declined", "unreachable"], [30, 15, 35, 8, 12])


def zipf(values) -> tuple[list, list]:
    """Every value, the first common and the rest ever rarer (weight 1/rank): a real hotline's
    venues, methods of control and ages are long-tailed, and the tail is what gets suppressed."""
    values = list(values)
    return values, [1 / rank for rank in range(1, len(values) + 1)]


VENUES = zipf(VenueChoices.values)
METHODS = zipf(CaseControlMethodChoices.values)
AGES = zipf(["18--20", "21--23", "9--17", "24--26", "30--38", "27--29", "unknown", "39--47",
             "0--8", "48+"])  # fmt: skip
GENDERS = zipf(CaseGenderChoices.values)
CITIZENSHIPS = zipf(CaseCitizenshipChoices.values)


def directory() -> list[Service]:
    """Forty synthetic services, each of one or two of Lantern's service types."""
    codes = labels.service_type_codes()
    kinds = OrganizationTypeChoices.values
    services = []
    for i in range(40):
        org = Organization.objects.create(name=f"Bench org {i}", description="Synthetic.",
                                          organization_type=kinds[i % len(kinds)])  # fmt: skip
        svc = Service.objects.create(organization=org, name=f"Bench service {i}",
                                     description="Synthetic.", status="active")  # fmt: skip
        svc.taxonomy_terms.set([taxonomy.term_id(taxonomy.SERVICE_TYPES, codes[i % len(codes)]),
                                taxonomy.term_id(taxonomy.SERVICE_TYPES,
                                                 codes[(i * 7) % len(codes)])])  # fmt: skip
        services.append(svc)
    return services


def fill(rng):
    user = User.objects.filter(username="bench_stats").first() or do_create_user(
        "bench_stats", "supervisor", "x", validate=False
    )
    form = active_form()
    services = directory()
    zone = timezone.get_current_timezone()
    start = datetime(args.year, 1, 1, tzinfo=zone)
    span = (datetime(args.year + 1, 1, 1, tzinfo=zone) - start).total_seconds()
    batch = 20_000
    for first in range(0, args.contacts, batch):
        contacts, types, referrals = [], [], []
        for _ in range(min(batch, args.contacts - first)):
            at = start + timedelta(seconds=rng.random() * span)
            kind = rng.choices(*TYPES)[0]
            c = Contact(form_version=form, channel=rng.choices(*CHANNELS)[0], received_at=at,
                        state=rng.choices(STATES, WEIGHTS)[0] if rng.random() < 0.9 else "",
                        language=rng.choices(*LANGUAGES)[0],
                        caller_type=rng.choices(*CALLERS)[0], urgent=kind == "crisis",
                        substantive=kind not in ("hang_up", "wrong_number"), handled_by=user,
                        created_by=user, created_at=at, status="logged")  # fmt: skip
            contacts.append(c)
            types.append(ContactCallType(contact=c, call_type=kind, position=0))
            if kind in ("crisis", "referral") or rng.random() < 0.05:  # ~25% get referrals
                for svc in rng.sample(services, rng.choice([1, 1, 2])):
                    referrals.append(Referral(contact=c, service=svc, given_by=user,
                                              status=rng.choices(*STATUSES)[0]))  # fmt: skip
        with transaction.atomic():
            Contact.objects.bulk_create(contacts)
            ContactCallType.objects.bulk_create(types)
            Referral.objects.bulk_create(referrals)
            # given_at is auto_now_add: spread the referrals over the year like their contacts
            for r in referrals:
                r.given_at = r.contact.received_at
            Referral.objects.bulk_update(referrals, ["given_at"], batch_size=2000)
    for first in range(0, args.cases, batch):
        cases, parties, reports = [], [], []
        for _ in range(min(batch, args.cases - first)):
            at = start + timedelta(seconds=rng.random() * span)
            case = Case(status="open", trafficking_type=rng.choice(["sex", "labor", "unknown",
                        "sex_and_labor"]), venue=rng.choices(*VENUES)[0], state=rng.choices(
                        STATES, WEIGHTS)[0], control_methods=sorted(set(rng.choices(
                        *METHODS, k=rng.randint(0, 4)))), created_by=user,
                        created_at=at)  # fmt: skip
            cases.append(case)
            age = rng.choices(*AGES)[0]
            parties.append(CaseParty(case=case, role="potential_victim",
                                     count=rng.choice([1, 1, 1, 2, 3, 6]), age_band=age,
                                     minor=None if age == "unknown" else age in ("0--8", "9--17"),
                                     gender=rng.choices(*GENDERS)[0],
                                     citizenship=rng.choices(*CITIZENSHIPS)[0]))  # fmt: skip
            if rng.random() < 0.03:
                agency = rng.choice(services) if rng.random() < 0.8 else None
                reports.append(
                    TipReport(
                        case=case,
                        status=rng.choice(["delivered", "acknowledged", "closed"]),
                        agency=agency,
                        agency_name="" if agency else "Synthetic agency",
                        author=user,
                        approved_at=at,
                        consent_basis="consent",
                    )
                )
        with transaction.atomic():
            Case.objects.bulk_create(cases)
            CaseParty.objects.bulk_create(parties)
            TipReport.objects.bulk_create(reports)


def main():
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    call_command("migrate", verbosity=0, interactive=False)
    if not Contact.objects.exists():
        started = time.perf_counter()
        fill(random.Random(args.seed))
        print(f"filled {Contact.objects.count():,} contacts and {Case.objects.count():,} cases "
              f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        print(f"reusing {Contact.objects.count():,} contacts and {Case.objects.count():,} cases")
    zone = timezone.get_current_timezone()
    since = datetime(args.year, 1, 1, tzinfo=zone)
    until = datetime(args.year + 1, 1, 1, tzinfo=zone)

    started = time.perf_counter()
    year = Contact.objects.filter(received_at__gte=since, received_at__lt=until)
    list(year.values("state", "channel").annotate(n=Count("id")).order_by())
    baseline = time.perf_counter() - started

    started = time.perf_counter()
    computed = actions.compute_year(args.year)
    compute = time.perf_counter() - started
    year_rows = {k: v[str(args.year)] for k, v in computed.items()}

    started = time.perf_counter()
    built = [actions._disclosure_table(tables.spec(k), rows) for k, rows in year_rows.items()]
    protected, intervals = disclosure.protect(built, 3)
    protect = time.perf_counter() - started
    suppressed = sum(len(t.suppressed) for t in protected)
    started = time.perf_counter()
    protected10, intervals10 = disclosure.protect(built, 10)
    protect10 = time.perf_counter() - started
    suppressed10 = sum(len(t.suppressed) for t in protected10)

    started = time.perf_counter()
    release = actions.do_prepare_release(args.year, actor="bench")
    whole = time.perf_counter() - started

    print(f"\nbaseline: one GROUP BY state, channel over the year: {baseline:6.2f} s")
    print(f"computing {len(computed)} tables x 12 months:          {compute:6.2f} s")
    print(f"protecting and auditing them:                   {protect:6.2f} s "
          f"({suppressed} cells suppressed, {len(intervals)} intervals audited)")  # fmt: skip
    print(f"  the same at the recommended threshold 10:     {protect10:6.2f} s "
          f"({suppressed10} cells suppressed, {len(intervals10)} intervals audited)")  # fmt: skip
    print(f"the whole release (compute + protect + store):  {whole:6.2f} s   "
          f"(target: under 60 s on SQLite on 2 cores)")  # fmt: skip
    print(f"release {release.pk}: {len(release.tables)} tables, SHA-256 {release.digest[:16]}...")


if __name__ == "__main__":
    main()
