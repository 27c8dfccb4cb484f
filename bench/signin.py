"""Benchmark: does a wrong user name cost the same time as a wrong password?

    python bench/signin.py [--attempts 200] [--database-url URL]

Posts the console's sign-in form with Argon2id (the production hasher) for a wrong password of
a real account and for a user name that does not exist, interleaved so both see the same
machine load, and prints each one's median, p90 and the difference of the medians. Failures are
spread over many names so throttling never answers early. The baseline is the wrong password:
a wrong name should be indistinguishable from it (no enumeration by timing).

Timings depend on the machine and on whatever else it is doing: compare figures from one run.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time

import django_env

parser = argparse.ArgumentParser(
    description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
)
parser.add_argument("--attempts", type=int, default=200)
parser.add_argument("--database-url", default="")
args = parser.parse_args()

django_env.setup(database_url=args.database_url)
logging.getLogger("lantern.request").setLevel(logging.WARNING)

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from lantern.accounts.actions import do_create_user  # noqa: E402
from lantern.accounts.models import LoginThrottle  # noqa: E402

call_command("migrate", verbosity=0)
USERS = [f"bench-user-{i}" for i in range(20)]
for name in USERS:
    do_create_user(name, "advocate", "bench passphrase orchard velvet", validate=False)


def attempt(client, username) -> float:
    LoginThrottle.objects.all().delete()  # measure the check, not the throttle's early answer
    started = time.perf_counter()
    response = client.post("/console/login/", {"username": username, "password": "wrong guess"})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200 and b"do not match" in response.content
    return elapsed


client = Client()
client.get("/console/login/")
for i in range(10):  # warm up
    attempt(client, USERS[0])
    attempt(client, f"warm-{i}")
known, unknown = [], []
for i in range(args.attempts):
    pair = [(known, USERS[i % len(USERS)]), (unknown, f"no-such-user-{i}")]
    for bucket, name in pair if i % 2 else reversed(pair):
        bucket.append(attempt(client, name))


def describe(values):
    values = sorted(values)
    return statistics.median(values) * 1000, values[int(len(values) * 0.9)] * 1000


(k50, k90), (u50, u90) = describe(known), describe(unknown)
print(f"wrong password (baseline): p50 {k50:.1f} ms  p90 {k90:.1f} ms  n={len(known)}")
print(f"unknown user name:         p50 {u50:.1f} ms  p90 {u90:.1f} ms  n={len(unknown)}")
print(f"difference of medians: {u50 - k50:+.1f} ms ({(u50 - k50) / k50:+.1%})")
