"""Benchmark: referral directory search at national scale.

    python bench/directory.py [--services 100000] [--queries 200] [--database-url URL] [--seed 7]

Flags:
  --services N      about N services (N / 2 synthetic organizations; default 100,000)
  --queries N       queries per kind (default 200)
  --database-url    an empty PostgreSQL database instead of SQLite in a temporary data dir
  --seed S          random seed for the directory and the query mix

Runs on a fresh temporary data directory (SQLite, WAL) unless --database-url is given. Seeds the
synthetic directory (``lantern.demo.directory_seeding``), rebuilds the search index, then times
``search()`` as the console calls it for each query kind:

* mixed:    ZIP + 40 km + service type + language + open now + text (the issue's target query)
* zip:      ZIP + 40 km
* text:     text only, ranked by relevance
* city:     city + state + 40 km
* latlon:   lat/lon + 25 km
* national: text + open now, no location

and the same queries through a brute-force baseline in the same run: every entry's columns
loaded once into Python, then filtered per query with haversine and Python predicates (its
text test is a plain substring test, so its counts differ slightly where stemming matters).
Timings depend on the machine and on whatever else it is doing: compare figures from one run.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from datetime import UTC, datetime

import django_env

parser = argparse.ArgumentParser(
    description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
)
parser.add_argument("--services", type=int, default=100_000)
parser.add_argument("--queries", type=int, default=200, help="queries per kind")
parser.add_argument("--database-url", default="")
parser.add_argument("--seed", type=int, default=7)
parser.add_argument(
    "--data-dir",
    default="",
    help="keep the SQLite directory here and reuse it on the next run (seeding 1M takes a while)",
)
args = parser.parse_args()

django_env.setup(database_url=args.database_url, data_dir=args.data_dir)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from lantern.accounts.actions import do_create_user  # noqa: E402
from lantern.accounts.models import User  # noqa: E402
from lantern.core import geo  # noqa: E402
from lantern.demo.directory_seeding import seed_directory  # noqa: E402
from lantern.directory.models import SearchEntry, Service  # noqa: E402
from lantern.directory.schedules import is_open_compiled  # noqa: E402
from lantern.directory.search import parse_query, search, text_words  # noqa: E402

# (service type, a word its services' text contains)
TYPE_WORDS = [
    ("emergency-shelter", "shelter"),
    ("case-management", "safety"),
    ("legal-services", "legal"),
    ("immigration-legal", "visa"),
    ("mental-health", "counselling"),
    ("victim-advocacy", "court"),
    ("crisis-line", "crisis"),
    ("medical-care", "clinic"),
]
LANGS = ["es", "es", "es", "zh", "vi", "ko", "fr"]
AT = datetime(2026, 3, 4, 17, 30, tzinfo=UTC)  # a Wednesday, mid-day in the U.S.


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def query_sets(rng, zips, n):
    sets = {k: [] for k in ("mixed", "zip", "text", "city", "latlon", "national")}
    for _ in range(n):
        place = geo.place_for_zip(rng.choice(zips))
        term, word = rng.choice(TYPE_WORDS)
        at = AT.isoformat()
        sets["mixed"].append(
            {"zip": place.postal_code, "radius_km": "40", "term": term,
             "language": rng.choice(LANGS), "open_now": "1", "q": word, "at": at}
        )  # fmt: skip
        sets["zip"].append({"zip": place.postal_code, "radius_km": "40", "at": at})
        sets["text"].append({"q": rng.choice(TYPE_WORDS)[1], "at": at})
        sets["city"].append({"city": place.city, "state": place.state, "radius_km": "40"})
        sets["latlon"].append(
            {"lat": f"{place.latitude + rng.uniform(-0.05, 0.05):.4f}",
             "lon": f"{place.longitude + rng.uniform(-0.05, 0.05):.4f}", "radius_km": "25"}
        )  # fmt: skip
        sets["national"].append({"q": word, "open_now": "1", "at": at})
    return sets


class BruteForce:
    """Everything in Python lists; one pass over all entries per query."""

    def __init__(self):
        self.rows = list(
            SearchEntry.objects.values_list(
                "id", "active", "latitude", "longitude", "reach", "reach_states", "terms",
                "languages", "hours", "time_zone", "text", "name", "service_id",
            )
        )  # fmt: skip
        self.rows = [(*r[:10], r[10].lower(), *r[11:]) for r in self.rows]

    def run(self, q):
        origin = None
        if q.latitude is not None:
            origin = (q.latitude, q.longitude)
        elif q.postal_code:
            p = geo.place_for_zip(q.postal_code)
            origin = (p.latitude, p.longitude, p.state)
        elif q.city:
            p = geo.place_for_city(q.city, q.state)
            origin = (p.latitude, p.longitude, p.state)
        words = text_words(q.text)
        terms = [f" {t} " for t in q.terms]
        lang = f" {q.language.lower()}" if q.language else ""
        at = q.at or datetime.now(UTC)
        out, area_only = [], {}
        for row in self.rows:
            _id, active, lat, lon, reach, states, eterms, langs, hours, tz, text, name, sid = row
            if not active:
                continue
            if terms and not any(t in eterms for t in terms):
                continue
            if lang and lang not in langs:
                continue
            if words and not all(w in text for w in words):
                continue
            if q.open_now and not is_open_compiled(hours, at, tz):
                continue
            d = None
            if origin is not None:
                d = geo.distance_km(origin[0], origin[1], lat, lon) if lat is not None else None
                if d is None or d > q.radius_km:
                    if reach == "national" or (
                        reach == "state" and len(origin) > 2 and f" {origin[2]} " in states
                    ):  # area-only: once per service, at its nearest location
                        d = math.inf if d is None else d
                        if sid not in area_only or d < area_only[sid][0]:
                            area_only[sid] = (d, name, _id)
                    continue
            out.append((d if d is not None else 0.0, name, _id))
        near = {r[2] for r in out}
        near_services = self.near_services(near)  # once: per area service it was quadratic
        services_near = {sid for sid in area_only if sid in near_services}
        out.sort()
        rest = sorted(v for k, v in area_only.items() if k not in services_near)
        return len(out) + len(rest), (out + rest)[:20]

    def near_services(self, ids):
        if not hasattr(self, "_service_of"):
            self._service_of = {r[0]: r[12] for r in self.rows}
        return {self._service_of[i] for i in ids}


def seed_and_index():
    from lantern.directory.indexing import rebuild_index

    started = time.perf_counter()
    counts = seed_directory(
        max(1, args.services // 2), random_seed=args.seed, progress=lambda s: None, reindex=False
    )
    seeded = time.perf_counter() - started
    t0 = time.perf_counter()
    entries = rebuild_index()
    indexed = time.perf_counter() - t0
    with connection.cursor() as cur:
        # Statistics for the search table only: with full ANALYZE statistics SQLite's planner
        # scans phones/languages/schedules instead of using their mostly-NULL owner indexes
        # (seen at 100k services: +100 ms a page). See the report on issue 3.
        cur.execute("ANALYZE directory_searchentry")
    print(
        f"\n== seeded {counts['organizations']:,} organizations, {counts['services']:,} services, "
        f"{counts['locations']:,} locations in {seeded:.1f}s; "
        f"indexed {entries:,} entries in {indexed:.1f}s ({counts['services'] / indexed:,.0f} "
        "services/s)"
    )


def main():
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(args.seed)
    if SearchEntry.objects.exists():
        user = User.objects.get(username="bench_advocate")
        print(f"\n== reusing {Service.objects.count():,} services in {args.data_dir}")
    else:
        user = do_create_user("bench_advocate", "advocate", "x", validate=False)
        seed_and_index()
    zips = list(SearchEntry.objects.exclude(postal_code="").values_list("postal_code", flat=True)
                .distinct()[:5000])  # fmt: skip
    sets = query_sets(rng, zips, args.queries)
    parsed = {k: [parse_query(p) for p in v] for k, v in sets.items()}
    for queries in parsed.values():
        for q in queries[:3]:
            search(user, q)  # warm-up: caches, the ZIP tables, the page cache
    t0 = time.perf_counter()
    brute = BruteForce()
    print(f"   brute force: loaded {len(brute.rows):,} entries in {time.perf_counter() - t0:.1f}s")

    print(f"\n== search(), {args.queries} queries per kind, ms")
    print(f"   {'kind':<10} {'p50':>7} {'p95':>7} {'max':>7} {'hits':>7}   "
          f"{'brute p50':>9} {'p95':>7}")  # fmt: skip
    all_times, all_brute = [], []
    for kind, queries in parsed.items():
        times, brute_times, totals = [], [], []
        for q in queries:
            t = time.perf_counter()
            page = search(user, q)
            times.append(time.perf_counter() - t)
            totals.append(page.total)
        for q in queries[: max(5, len(queries) // 10)]:  # the baseline is slow: a sample
            t = time.perf_counter()
            brute.run(q)
            brute_times.append(time.perf_counter() - t)
        all_times += times
        all_brute += brute_times
        print(
            f"   {kind:<10} {pct(times, 50):7.1f} {pct(times, 95):7.1f} {max(times) * 1000:7.1f} "
            f"{sum(totals) / len(totals):7.0f}   {pct(brute_times, 50):9.1f} "
            f"{pct(brute_times, 95):7.1f}"
        )
    print(
        f"   {'overall':<10} {pct(all_times, 50):7.1f} {pct(all_times, 95):7.1f} "
        f"{max(all_times) * 1000:7.1f} {'':7}   {pct(all_brute, 50):9.1f} {pct(all_brute, 95):7.1f}"
    )
    print("   (hits: mean total per query; brute: every entry in Python, sampled queries)")
    # agreement on queries without text (the baseline has no stemming)
    mismatches = 0
    for q in parsed["zip"][:20]:
        if search(user, q).total != brute.run(q)[0]:
            mismatches += 1
    print(f"   zip-only totals that differ from the brute force: {mismatches} of 20")


if __name__ == "__main__":
    main()
