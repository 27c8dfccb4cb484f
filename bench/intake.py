"""Benchmark and durability check: signed Twilio SMS webhooks against ``lantern serve``.

    python bench/intake.py [--messages 2000] [--concurrency 32] [--workers 2] [--kill]
    python bench/intake.py --postgresql postgresql://postgres@127.0.0.1:5432/postgres --servers 2

Starts ``lantern serve`` (SQLite in a temporary data directory, as ``make run`` would) and
sends ``--messages`` signed incoming-SMS webhooks, ``--concurrency`` at a time, each from one of
200 synthetic senders, exactly as Twilio posts them.

With ``--postgresql`` (a server's maintenance database, as ``.ci/run`` starts it) the servers
share a new, empty PostgreSQL database instead (created, migrated, and dropped afterwards), and
``--servers N`` starts N ``lantern serve`` processes on different ports as if on N machines,
each running the dispatcher (one leads) and sharing the same keys; the senders' connections are
spread over them, as a load balancer would.

* Throughput (default): half the webhooks as fast as the server answers them (its capacity:
  requests/s, and latencies that are mostly queueing behind the other senders), the other half
  at a fixed ``--rate`` (default 300/s, open loop: latency counts from when each was due), then
  ``GET /healthz`` on the same server as the ceiling. Target (issue 4): >= 300 webhooks/s with
  p99 <= 100 ms on 2 cores, zero errors.
* ``--kill``: SIGKILLs the server half-way through, checks that every webhook it had answered
  200 is in the database, restarts it, replays every webhook that got no answer (as Twilio
  retries) plus a sample of answered ones, and checks that every MessageSid is stored exactly
  once. Exits non-zero if any contact was lost or doubled.

Timings depend on the machine and on whatever else runs: compare figures from one run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

ACCOUNT = "AC" + "5" * 32
TOKEN = "synthetic-bench-auth-token"
HOTLINE = "+15555550100"
LANTERN = str(Path(sys.executable).with_name("lantern"))
TWILIO = None  # the fake Twilio, once main() started it

parser = argparse.ArgumentParser(
    description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
)
parser.add_argument("--messages", type=int, default=2000)
parser.add_argument("--concurrency", type=int, default=32)
parser.add_argument("--workers", type=int, default=1, help="server processes (as lantern serve)")
parser.add_argument("--kill", action="store_true", help="SIGKILL half-way, restart, replay")
parser.add_argument(
    "--postgresql", metavar="URL", default="",
    help="a PostgreSQL server (its maintenance database); the bench makes its own database there",
)  # fmt: skip
parser.add_argument("--servers", type=int, default=1, help="lantern serve processes (ports)")
parser.add_argument(
    "--separate-workers", action="store_true",
    help="routing's dispatcher and the outbound queue's worker in processes of their own "
    "(lantern dispatch, lantern outbox; deploy/systemd), not threads of every server",
)  # fmt: skip
parser.add_argument(
    "--rate", type=float, default=300, help="webhooks/s for the sustained run (issue 4's target)"
)
parser.add_argument(
    "--synchronous",
    choices=["FULL", "NORMAL", "both"],
    default="FULL",
    help="SQLite's synchronous setting (LANTERN_SQLITE_SYNCHRONOUS); both: FULL's cost, "
    "measured against NORMAL in the same run",
)


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def fake_twilio():
    """Twilio's REST API on loopback (the tests' fake): replies such as the after-hours notice
    go somewhere, as they would in production, instead of failing and being retried."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.fakes.twilio_api import FakeTwilio

    return FakeTwilio()


class Server:
    def __init__(self, data_dir: str, workers: int, database_url: str = ""):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir, self.workers = data_dir, workers
        self.env = {**os.environ, "LANTERN_DATA_DIR": data_dir, "LANTERN_PUBLIC_URL": self.url,
                    "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN}  # fmt: skip
        self.env.pop("DATABASE_URL", None)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        if TWILIO is not None:
            self.env["TWILIO_API_URL"] = TWILIO.url
        self.proc = None

    def start(self, migrate: bool):
        if migrate:
            subprocess.run([LANTERN, "migrate", "-v0"], env=self.env, check=True)
        self.proc = subprocess.Popen(
            [LANTERN, "serve", "--no-migrate", "--port", str(self.port), "--workers",
             str(self.workers)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=self._log(),
            start_new_session=True,  # its own process group: a kill takes the workers too
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("lantern serve did not start")

    def _log(self):
        """The server's log, kept in its data directory (``serve.log``) to look at afterwards."""
        return open(Path(self.data_dir) / "serve.log", "ab")  # noqa: SIM115 (the child owns it)

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server's processes (the workers included)."""
        pids = [self.proc.pid]
        with contextlib.suppress(OSError, ValueError):
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
            pids += [int(p) for p in children.split()]
        return sum(_cpu_of(pid) for pid in pids)

    def kill(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=20)


def _cpu_of(pid: int) -> float:
    """CPU time (user and system) a process has used so far, from /proc (0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def webhooks(n: int, url: str) -> list[tuple[str, bytes, str]]:
    """(MessageSid, form body, signature) for n synthetic texts."""
    validator = RequestValidator(TOKEN)
    out = []
    for i in range(n):
        sid = f"SMbe{i:030x}"  # "be" for bench: never one of the fake Twilio's own sids
        params = {"AccountSid": ACCOUNT, "MessageSid": sid, "SmsSid": sid, "To": HOTLINE,
                  "From": f"+1555555{i % 200:04d}", "Body": f"Synthetic benchmark text {i}",
                  "NumMedia": "0", "ApiVersion": "2010-04-01"}  # fmt: skip
        signature = validator.compute_signature(url + "/intake/twilio/sms", params)
        out.append((sid, urlencode(params).encode(), signature))
    return out


class Sender:
    """Posts webhooks over ``concurrency`` keep-alive connections from one asyncio loop.

    The requests are encoded before the clock starts and answers are read with a minimal parser,
    so the sender spends as little of the machine's two cores as it can: the server gets them.
    Each result is ``(MessageSid, HTTP status or None, seconds)``.
    """

    def __init__(self, ports, concurrency: int):
        self.ports = [ports] if isinstance(ports, int) else list(ports)
        self.concurrency = concurrency

    def _request(self, item, port: int) -> bytes:
        if item is None:
            return b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        _sid, body, signature = item
        return (
            b"POST /intake/twilio/sms HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"X-Twilio-Signature: %s\r\nContent-Length: %d\r\n\r\n%s"
            % (port, signature.encode(), len(body), body)
        )

    async def _exchange(self, conn, payload: bytes):
        reader, writer = conn
        writer.write(payload)
        status_line = await reader.readline()
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        if length:
            await reader.readexactly(length)
        return int(status_line.split()[1])

    async def _run(self, items, due=None, on_result=None):
        queue = list(enumerate(items))
        queue.reverse()
        results = [None] * len(items)
        loop = asyncio.get_running_loop()

        async def worker(port):
            conn = None
            while queue:
                i, item = queue.pop()
                sid = item[0] if item else ""
                payload = self._request(item, port)
                if due is not None:
                    await asyncio.sleep(max(0.0, due[i] - loop.time()))
                started = loop.time() if due is None else due[i]
                try:
                    if conn is None:
                        conn = await asyncio.open_connection("127.0.0.1", port)
                    status = await asyncio.wait_for(self._exchange(conn, payload), 15)
                except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
                    # refused, reset, cut off mid-answer, timed out (an OSError)
                    if conn is not None:
                        conn[1].close()
                    conn, status = None, None
                results[i] = (sid, status, loop.time() - started)
                if on_result:
                    on_result(results[i])
            if conn is not None:
                conn[1].close()

        # each connection to one server, spread evenly, as a load balancer would
        ports = [self.ports[k % len(self.ports)] for k in range(self.concurrency)]
        await asyncio.gather(*(worker(port) for port in ports))
        return results

    def run(self, items, on_result=None):
        """As fast as the server answers, ``concurrency`` at a time (closed loop)."""
        return asyncio.run(self._run(items, on_result=on_result))

    def health(self, n: int):
        return asyncio.run(self._run([None] * n))

    def paced(self, items, rate: float):
        """Send at a fixed rate (open loop), at most ``concurrency`` at a time. Latency counts
        from when each webhook was due, so a server that falls behind shows it (no coordinated
        omission). Returns the results and the seconds from the first due to the last answer."""

        async def go():
            loop = asyncio.get_running_loop()
            start = loop.time() + 0.2
            results = await self._run(items, due=[start + i / rate for i in range(len(items))])
            return results, loop.time() - start

        return asyncio.run(go())


def cpu_times() -> tuple[int, int, int]:
    """(busy, stolen, total) jiffies of the whole machine, from /proc/stat (0s elsewhere)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0, 0
    idle = fields[3] + fields[4]
    steal = fields[7] if len(fields) > 7 else 0
    return sum(fields) - idle - steal, steal, sum(fields)


def report(label, results, elapsed, server=None, before=None):
    """One line of figures. With ``before`` (``server.cpu_seconds()`` and ``cpu_times()`` at the
    start): the server's CPU time per request, which varies less with the machine's speed than
    the rates do, how busy the machine was, and how much of its time the hypervisor gave to
    others ("stolen")."""
    ok = [r for r in results if r[1] == 200]
    latencies = [r[2] for r in ok]
    machine = ""
    if before is not None:
        server_cpu, machine_before = before
        per_request = (server.cpu_seconds() - server_cpu) / max(1, len(results)) * 1000
        after = cpu_times()
        total = max(1, after[2] - machine_before[2])
        machine = (f"  server {per_request:4.2f} ms cpu/req"
                   f"  machine busy {100 * (after[0] - machine_before[0]) / total:3.0f}%"
                   f" stolen {100 * (after[1] - machine_before[1]) / total:3.0f}%")  # fmt: skip
    errors = len(results) - len(ok)
    print(f"   {label:<10} {len(results) / elapsed:8.0f}/s  p50 {pct(latencies, 50):6.1f} ms  "
          f"p99 {pct(latencies, 99):6.1f} ms  errors {errors}{machine}")  # fmt: skip


def stored_sids(data_dir: str, database_url: str = "") -> list[str]:
    sql = "SELECT provider_id FROM contacts_message WHERE direction = 'inbound'"
    if database_url:
        import psycopg

        with psycopg.connect(database_url) as db:
            return [r[0] for r in db.execute(sql).fetchall()]
    db = sqlite3.connect(Path(data_dir) / "lantern.sqlite3")
    try:
        rows = db.execute(sql).fetchall()
    finally:
        db.close()
    return [r[0] for r in rows]


class Servers:
    """``--servers`` processes on one database, as if on as many machines behind one load
    balancer: one public URL (so Twilio's signatures check on every one) and the same keys."""

    def __init__(self, data_dir: str, args, database_url: str):
        self.all = [
            Server(str(Path(data_dir) / f"server{n}"), args.workers, database_url)
            for n in range(args.servers)
        ]
        for server in self.all:
            Path(server.data_dir).mkdir(parents=True, exist_ok=True)
            server.env["LANTERN_PUBLIC_URL"] = self.url = self.all[0].url
            if args.separate_workers:
                server.env.update(LANTERN_DISPATCHER="0", LANTERN_OUTBOX_WORKER="0")
        self.ports = [server.port for server in self.all]
        self.separate = args.separate_workers
        self.workers: list[subprocess.Popen] = []

    def start(self):
        first, *others = self.all
        first.start(migrate=True)  # migrates, and makes the keys the others share
        for server in others:
            shutil.copytree(Path(first.data_dir) / "keys", Path(server.data_dir) / "keys")
            server.start(migrate=False)
        if self.separate:  # on the first machine, as deploy/systemd runs them
            self.workers = [
                subprocess.Popen([LANTERN, command], env=first.env, stdout=subprocess.DEVNULL,
                                 stderr=first._log(), start_new_session=True)
                for command in ("dispatch", "outbox")
            ]  # fmt: skip

    def cpu_seconds(self) -> float:
        return sum(server.cpu_seconds() for server in self.all) + sum(
            _cpu_of(worker.pid) for worker in self.workers
        )

    def stop(self):
        for server in self.all:
            server.stop()
        for worker in self.workers:
            worker.terminate()
            worker.wait(timeout=20)


def throughput(args, data_dir, database_url=""):
    server = Servers(data_dir, args, database_url)
    server.start()
    try:
        sender = Sender(server.ports, args.concurrency)
        items = webhooks(args.messages + 100, server.url)
        sender.run(items[:100])  # warm-up: connections, caches
        half = 100 + args.messages // 2
        started, before = time.perf_counter(), (server.cpu_seconds(), cpu_times())
        results = sender.run(items[100:half])
        report("as fast", results, time.perf_counter() - started, server, before)
        before = (server.cpu_seconds(), cpu_times())
        paced, elapsed = sender.paced(items[half:], args.rate)
        report(f"at {args.rate:g}/s", paced, elapsed, server, before)
        started, before = time.perf_counter(), (server.cpu_seconds(), cpu_times())
        health = sender.health(args.messages)
        report("healthz", health, time.perf_counter() - started, server, before)
    finally:
        server.stop()
    sids = stored_sids(server.all[0].data_dir, database_url)
    print(f"   stored {len(sids):,} messages for {args.messages + 100:,} webhooks; "
          f"duplicates: {len(sids) - len(set(sids))}; "
          f"{len(TWILIO.messages):,} replies sent through (fake) Twilio")  # fmt: skip


def kill_and_replay(args, data_dir) -> int:
    server = Server(data_dir, args.workers)
    server.start(migrate=True)
    items = webhooks(args.messages, server.url)
    sender = Sender(server.port, args.concurrency)
    acked: set[str] = set()
    killed = threading.Event()

    def on_result(result):
        if result[1] == 200:
            acked.add(result[0])
        if len(acked) >= args.messages // 2 and not killed.is_set():
            killed.set()
            server.kill()

    sender.run(items, on_result)
    stored = set(stored_sids(data_dir))
    lost = acked - stored
    print(f"   killed after {len(acked):,} answered webhooks; {len(stored):,} stored; "
          f"answered but not stored: {len(lost)}")  # fmt: skip
    server.start(migrate=False)
    try:
        unanswered = [item for item in items if item[0] not in acked]
        again = [item for item in items if item[0] in acked][:: max(1, len(acked) // 200)]
        replay = Sender(server.port, args.concurrency).run(unanswered + again)
        failed = [r for r in replay if r[1] != 200]
    finally:
        server.stop()
    sids = stored_sids(data_dir)
    doubled = len(sids) - len(set(sids))
    missing = {item[0] for item in items} - set(sids)
    print(f"   replayed {len(unanswered):,} unanswered and {len(again):,} answered webhooks: "
          f"{len(failed)} failed; now {len(sids):,} stored, {len(missing)} missing, "
          f"{doubled} stored twice")  # fmt: skip
    ok = not lost and not failed and not missing and not doubled
    print("   every answered MessageSid is stored exactly once" if ok else "   CONTACTS LOST")
    return 0 if ok else 1


def main() -> int:
    global TWILIO
    args = parser.parse_args()
    with fake_twilio() as TWILIO:
        return bench(args)


def bench(args) -> int:
    if args.postgresql:
        if args.kill:
            parser.error("--kill runs on SQLite (tests/browser/test_scale_out.py kills one of "
                         "two servers on PostgreSQL)")  # fmt: skip
        return on_postgresql(args)
    if args.servers != 1:
        parser.error("several servers share a PostgreSQL database: give --postgresql URL")
    modes = ["NORMAL", "FULL"] if args.synchronous == "both" else [args.synchronous]
    for mode in modes:
        os.environ["LANTERN_SQLITE_SYNCHRONOUS"] = mode
        if status := run(args, mode):
            return status
    return 0


def on_postgresql(args) -> int:
    """A new database on the server ``--postgresql`` names, dropped afterwards."""
    import psycopg

    name = f"lantern_bench_{os.getpid()}"
    with psycopg.connect(args.postgresql, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = args.postgresql.rsplit("/", 1)[0] + "/" + name
    data_dir = tempfile.mkdtemp(prefix="lantern-bench-intake-")
    try:
        with psycopg.connect(url) as db:
            version = db.execute("SHOW server_version").fetchone()[0].split()[0]
        print(f"\nlantern serve x {args.servers}, PostgreSQL {version}, {args.workers} worker(s) "
              f"each, {args.concurrency} concurrent senders, {os.cpu_count()} CPUs")  # fmt: skip
        print(
            f"\n== throughput: {args.messages // 2:,} signed SMS webhooks as fast as they are "
            f"answered, {args.messages - args.messages // 2:,} at {args.rate:g}/s, "
            f"then GET /healthz"
        )
        throughput(args, data_dir, url)
    finally:
        with psycopg.connect(args.postgresql, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"   server logs: {data_dir}/server*/serve.log")
    return 0


def run(args, synchronous: str) -> int:
    data_dir = tempfile.mkdtemp(prefix="lantern-bench-intake-")
    print(f"\nlantern serve, SQLite (synchronous={synchronous}) in {data_dir}, "
          f"{args.workers} worker(s), {args.concurrency} concurrent senders, "
          f"{os.cpu_count()} CPUs")  # fmt: skip
    if args.kill:
        print(f"\n== kill and replay, {args.messages:,} signed SMS webhooks")
        return kill_and_replay(args, data_dir)
    print(
        f"\n== throughput: {args.messages // 2:,} signed SMS webhooks as fast as they are "
        f"answered, {args.messages - args.messages // 2:,} at {args.rate:g}/s, then GET /healthz"
    )
    throughput(args, data_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
