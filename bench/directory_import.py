"""Benchmark: importing and exporting the referral directory at national scale (issue 21 part 2).

    python bench/directory_import.py [--services 100000] [--database-url URL] [--feed DIR]

Seeds a synthetic directory of about ``--services`` services in one data directory, exports it
(``lantern export_directory OUT --format json``, timed), then imports that HSDS JSON into a
fresh, empty directory (``lantern import_directory OUT``, timed), and imports it a second time
(nothing changes: the re-import path). Each command runs as its own process, as an
administrator would run it; its wall time and peak memory (maximum resident set size) are
printed. With ``--database-url`` (an empty PostgreSQL database, which is emptied between
steps by dropping and re-creating its schema) the same on PostgreSQL.

``--feed DIR`` imports a feed exported by an earlier run (its ``export`` folder) instead of
seeding and exporting again, which takes longer than the import at 100k services and more.

Targets (issue 21): 100k services imported in <= 60 s, 1M in <= 10 min, memory <= 500 MB at
1M. Timings depend on the machine and on whatever else runs: compare figures from one run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

parser = argparse.ArgumentParser(
    description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
)
parser.add_argument("--services", type=int, default=100_000)
parser.add_argument("--database-url", default="")
parser.add_argument("--seed", type=int, default=7)
parser.add_argument("--feed", default="", help="an earlier run's export folder: import only")
args = parser.parse_args()

LANTERN = str(Path(sys.executable).with_name("lantern"))


def lantern(env: dict, *command: str) -> tuple[float, float]:
    """Run ``lantern COMMAND``; returns (seconds, peak MB). Exits if the command fails."""
    started = time.perf_counter()
    proc = subprocess.Popen([LANTERN, *command], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)  # fmt: skip
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"lantern {' '.join(command)} failed:\n{proc.stderr.read().decode()}")
    global LAST_CPU
    LAST_CPU = usage.ru_utime + usage.ru_stime
    return seconds, usage.ru_maxrss / 1024


# the last command's own CPU seconds: less disturbed than wall time by other work on the machine
# (a PostgreSQL server's share is not in it)
LAST_CPU = 0.0


def environment(data_dir: str) -> dict:
    env = {**os.environ, "LANTERN_DATA_DIR": data_dir}
    env.pop("DATABASE_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    return env


def empty_postgresql():
    import psycopg

    with psycopg.connect(args.database_url, autocommit=True) as db:
        db.execute("DROP SCHEMA public CASCADE")
        db.execute("CREATE SCHEMA public")


SEED = """
from lantern.demo.directory_seeding import seed_directory
seed_directory({size}, random_seed={seed}, progress=lambda _m: None)
from lantern.directory.models import Service
print(Service.objects.count())
"""


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="lantern-bench-import-"))
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"\ndirectory import and export, {database}, about {args.services:,} services, "
          f"{os.cpu_count()} CPUs, in {work}")  # fmt: skip
    source, target = environment(str(work / "source")), environment(str(work / "target"))
    for env in (source, target):
        Path(env["LANTERN_DATA_DIR"]).mkdir()
    if args.feed:
        print(f"   the feed in {args.feed}")
        return import_twice(target, Path(args.feed), 0, work)
    if args.database_url:
        empty_postgresql()
    lantern(source, "migrate", "-v0")
    started = time.perf_counter()
    seeded = subprocess.run(
        [LANTERN, "shell", "-c", SEED.format(size=args.services // 2, seed=args.seed)],
        env=source, capture_output=True, text=True, check=True,
    ).stdout.split()[-1]  # fmt: skip
    print(f"   seeded {int(seeded):,} services in {time.perf_counter() - started:.0f} s")
    out = work / "export"
    seconds, peak = lantern(source, "export_directory", str(out), "--format", "json",
                            "--no-progress")  # fmt: skip
    size = sum(f.stat().st_size for f in out.iterdir()) / 1e6
    print(f"   export (HSDS JSON, {size:,.0f} MB)   {seconds:7.1f} s   peak {peak:6.0f} MB")
    return import_twice(target, out, int(seeded), work)


def import_twice(target: dict, out: Path, seeded: int, work: Path) -> int:
    if args.database_url:
        empty_postgresql()
    lantern(target, "migrate", "-v0")
    report = work / "report.json"
    seconds, peak = lantern(target, "import_directory", str(out), "--no-progress",
                            "--report", str(report))  # fmt: skip
    seeded = seeded or json.loads(report.read_text())["created"].get("service", 0)
    print(f"   import into an empty directory  {seconds:7.1f} s   peak {peak:6.0f} MB"
          f"   ({seconds / max(1, seeded) * 1e6:.0f} us per service,"
          f" CPU {LAST_CPU:.1f} s)")  # fmt: skip
    seconds, peak = lantern(target, "import_directory", str(out), "--no-progress",
                            "--report", str(report))  # fmt: skip
    print(f"   the same feed again (no change) {seconds:7.1f} s   peak {peak:6.0f} MB"
          f"   (CPU {LAST_CPU:.1f} s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
