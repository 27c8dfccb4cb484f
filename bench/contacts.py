"""Benchmark: recording and listing contacts at national scale.

    python bench/contacts.py [--contacts 100000] [--action-sample 2000] [--database-url URL]

Runs on a fresh temporary data directory (SQLite, WAL) unless --database-url points at an empty
PostgreSQL database. Prints, in one run:

* inserts through the full action (validation, encryption, blind indexes, audit row, rules
  re-check), rows/s;
* bulk inserts of --contacts rows with encryption, against the same rows whose personal fields
  carry ciphertext-sized placeholders (no AES-GCM, no HMAC): the baseline, interleaved batch by
  batch so both see the same table size;
* list/filter queries as the console and API run them (count + first page of 50 + call types),
  p50/p95, against the same queries with the permission rules bypassed (baseline);
* GET /api/v1/contacts end to end (decrypting and auditing 50 rows).

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
parser.add_argument("--contacts", type=int, default=100_000)
parser.add_argument("--action-sample", type=int, default=2_000)
parser.add_argument("--repeat", type=int, default=40, help="runs per list query")
parser.add_argument("--database-url", default="")
parser.add_argument("--seed", type=int, default=7)
args = parser.parse_args()

django_env.setup(database_url=args.database_url)
logging.getLogger("lantern.request").setLevel(logging.WARNING)
logging.getLogger("django.request").setLevel(logging.ERROR)

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from lantern.accounts.actions import do_create_user, do_issue_token  # noqa: E402
from lantern.contacts.actions import do_create_contact  # noqa: E402
from lantern.contacts.definitions import active_form  # noqa: E402
from lantern.contacts.models import Contact, ContactCallType  # noqa: E402
from lantern.contacts.queries import ContactFilter, contacts_for_user  # noqa: E402
from lantern.privacy import crypto  # noqa: E402
from lantern.privacy.fields import Sealed  # noqa: E402

STATES = ["TX", "CA", "NY", "FL", "IL", "GA", "OH", "NV", "WA", "DC", "PR"]
CHANNELS = ["phone"] * 15 + ["sms"] * 3 + ["chat"] * 2 + ["email", "webform"]
TYPES = [
    ["tip"],
    ["crisis"],
    ["referral"],
    ["general_info"],
    ["tta"],
    ["tip", "referral"],
    ["hang_up"],
]
SUMMARY = "Synthetic benchmark summary: caller describes a job that changed after arrival. " * 3


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def row(rng, i, now):
    return {
        "channel": rng.choice(CHANNELS),
        "call_types": rng.choice(TYPES),
        "received_at": now - timedelta(minutes=rng.randint(1, 365 * 24 * 60)),
        "state": rng.choice(STATES),
        "name": f"Bench Caller {i}",
        "phone": f"+1{rng.randint(200, 999)}555{rng.randint(100, 199):04d}",
        "email": f"bench{i}@example.org",
    }


def build(rng, n, form, handlers, now, *, encrypt: bool):
    contacts, types = [], []
    for i in range(n):
        r = row(rng, i, now)
        handler = rng.choice(handlers)
        c = Contact(
            form_version=form,
            channel=r["channel"],
            received_at=r["received_at"],
            state=r["state"],
            urgent="crisis" in r["call_types"],
            substantive="hang_up" not in r["call_types"],
            handled_by=handler,
            created_by=handler,
            created_at=r["received_at"],
        )
        personal = {
            "caller_name": r["name"],
            "caller_phone": r["phone"],
            "caller_email": r["email"],
            "summary": SUMMARY,
        }
        if encrypt:
            for field, value in personal.items():
                setattr(c, field, value)  # encrypted by the field on insert
            c.caller_phone_index = crypto.blind_index("phone", r["phone"])
            c.caller_email_index = crypto.blind_index("email", r["email"])
        else:
            for field, value in personal.items():
                # As long as a real ciphertext (prefix, base64 of nonce+text+tag); no crypto.
                fake = "v1:k1:" + "A" * (((12 + len(value.encode()) + 16) * 4 + 2) // 3)
                setattr(c, field, Sealed(fake, ""))
            c.caller_phone_index = "0" * 40
            c.caller_email_index = "0" * 40
        contacts.append(c)
        types.extend(
            ContactCallType(contact=c, call_type=t, position=k)
            for k, t in enumerate(r["call_types"])
        )
    return contacts, types


def insert(contacts, types):
    with transaction.atomic():
        Contact.objects.bulk_create(contacts)
        ContactCallType.objects.bulk_create(types)


def main():
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(args.seed)
    supervisor = do_create_user("bench_supervisor", "supervisor", "x", validate=False)
    # A realistic spread: contacts are handled by 40 advocates; the one measured is one of them.
    advocates = [
        do_create_user(f"bench_advocate{i}", "advocate", "x", validate=False) for i in range(40)
    ]
    advocate = advocates[0]
    form = active_form()
    now = timezone.now()

    # 1. Full action path ----------------------------------------------------------------------
    started = time.perf_counter()
    for i in range(args.action_sample):
        r = row(rng, i, now)
        do_create_contact(
            {
                "channel": r["channel"],
                "call_types": r["call_types"],
                "received_at": r["received_at"],
                "location": {"state": r["state"]},
                "summary": SUMMARY,
                "caller": {"name": r["name"], "phone": r["phone"], "email": r["email"]},
            },
            actor=advocate,
        )
    action_elapsed = time.perf_counter() - started
    print(
        f"\n== insert through do_create_contact ({args.action_sample:,} contacts, "
        "one transaction each)"
    )
    print(
        f"   {args.action_sample / action_elapsed:,.0f} contacts/s "
        f"({action_elapsed / args.action_sample * 1000:.2f} ms each, incl. audit row)"
    )

    # 2. Bulk inserts, encrypted vs. baseline, interleaved -----------------------------------------
    batch = 1000
    t_enc = t_plain = 0.0
    baseline_ids = []
    done = 0
    while done < args.contacts:
        n = min(batch, args.contacts - done)
        t0 = time.perf_counter()
        insert(*build(rng, n, form, advocates, now, encrypt=True))
        t1 = time.perf_counter()
        plain, plain_types = build(rng, n, form, advocates, now, encrypt=False)
        insert(plain, plain_types)
        t2 = time.perf_counter()
        t_enc += t1 - t0
        t_plain += t2 - t1
        baseline_ids.extend(c.pk for c in plain)
        done += n
    print(f"\n== bulk insert of {args.contacts:,} contacts (batches of {batch}, build + insert)")
    print(f"   encrypted (4 AES-GCM fields + 2 HMAC indexes): {args.contacts / t_enc:,.0f} rows/s")
    print(
        f"   baseline  (same rows, no cryptography):        {args.contacts / t_plain:,.0f} rows/s"
    )
    print(
        f"   cost of encryption: {(t_enc / t_plain - 1) * 100:+.0f}% time "
        f"({(t_enc - t_plain) / args.contacts * 1e6:.1f} µs per contact)"
    )
    t0 = time.perf_counter()
    for i in range(0, len(baseline_ids), 500):
        with transaction.atomic():
            Contact.objects.filter(pk__in=baseline_ids[i : i + 500]).delete()
    print(
        f"   (baseline rows removed in {time.perf_counter() - t0:.1f}s; "
        f"{Contact.objects.count():,} contacts remain for the list benchmark)"
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")

    # 3. Lists and filters -------------------------------------------------------------------------
    month_ago = (now - timedelta(days=30)).date()
    queries = [
        ("newest first, no filter", supervisor, ContactFilter(), 1),
        ("channel=sms", supervisor, ContactFilter(channel="sms"), 1),
        ("call_type=crisis", supervisor, ContactFilter(call_type="crisis"), 1),
        ("urgent + state=TX", supervisor, ContactFilter(urgent=True, state="TX"), 1),
        (
            "last 30 days + state=NY",
            supervisor,
            ContactFilter(received_from=month_ago, state="NY"),
            1,
        ),
        ("advocate (rules: own or 72 h)", advocate, ContactFilter(), 1),
        ("page 100, no filter", supervisor, ContactFilter(), 100),
    ]

    def run(qs, page):
        start = (page - 1) * 50
        t = time.perf_counter()
        qs.count()
        list(qs[start : start + 50])
        return time.perf_counter() - t

    print(f"\n== list queries: count + page of 50 + call types ({args.repeat} runs each), ms")
    print(f"   {'query':<32} {'p50':>7} {'p95':>7}   {'baseline p50':>12} {'p95':>7}")
    all_times = []
    for label, user, flt, page in queries:
        ruled = flt.apply(contacts_for_user(user))
        bare = flt.apply(Contact.objects.prefetch_related("call_types"))
        times = [run(ruled, page) for _ in range(args.repeat)]
        base = [run(bare, page) for _ in range(args.repeat)]
        all_times += times
        print(
            f"   {label:<32} {pct(times, 50):7.1f} {pct(times, 95):7.1f}   "
            f"{pct(base, 50):12.1f} {pct(base, 95):7.1f}"
        )
    print("   (baseline: the same query with the permission rules bypassed)")
    print(f"   {'all list queries':<32} {pct(all_times, 50):7.1f} {pct(all_times, 95):7.1f}")

    # 4. The API end to end ------------------------------------------------------------------------
    client = Client()
    headers = {"Authorization": f"Bearer {do_issue_token(supervisor)}"}
    client.get("/api/v1/contacts", headers=headers)  # warm-up: first request builds the schema
    api_times = []
    for _ in range(max(5, args.repeat // 2)):
        t = time.perf_counter()
        response = client.get("/api/v1/contacts", {"state": "TX"}, headers=headers)
        api_times.append(time.perf_counter() - t)
        assert response.status_code == 200, response.content
    print("\n== GET /api/v1/contacts?state=TX (50 rows decrypted, 50 read_pii audit events), ms")
    print(f"   p50 {pct(api_times, 50):.1f}  p95 {pct(api_times, 95):.1f}")


if __name__ == "__main__":
    main()
