"""Readiness: can this server take contacts right now? (``/readyz`` and ``lantern doctor``)

Each check answers ok or not with a short reason that names no person: the database reachable
and writable, migrations applied, the keys loading and opening their canaries, free disk space,
routing's dispatcher keeping up, Redis answering when configured, and replies not stuck on
their way out. ``/healthz`` stays a cheap liveness answer (the process is up).

Thresholds (README, configuration): ``LANTERN_READY_MIN_FREE_MB`` (default 1024),
``LANTERN_READY_DISPATCH_LAG`` seconds (120) and ``LANTERN_READY_OUTBOUND_AGE`` seconds (600).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from lantern.operations import sql
from lantern.outbox import queries as outbox_queries
from lantern.privacy import keys, periods
from lantern.routing import queries as routing_queries


def _env_number(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


MIN_FREE_MB = _env_number("LANTERN_READY_MIN_FREE_MB", 1024)
DISPATCH_LAG = _env_number("LANTERN_READY_DISPATCH_LAG", 120)
OUTBOUND_AGE = _env_number("LANTERN_READY_OUTBOUND_AGE", 600)


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    detail: str = ""


class Failed(Exception):
    """A check's reason (no personal data: ids, counts, seconds, file names)."""


def database() -> str:
    """Reachable, and a write goes through (rolled back): not read-only, not locked for good."""
    with connection.cursor() as cursor:
        cursor.execute(sql.REACHABLE)
    if "django_migrations" not in connection.introspection.table_names():
        return f"{connection.vendor}, empty"
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql.HARMLESS_WRITE)
                if connection.vendor == "postgresql":
                    cursor.execute(sql.POSTGRESQL_READ_ONLY)
                    if cursor.fetchone()[0] == "on":
                        raise Failed("the database is read-only")
            transaction.set_rollback(True)
    except DatabaseError as exc:
        raise Failed(f"cannot write: {type(exc).__name__}") from None
    return connection.vendor


_migrated = False


def migrations() -> str:
    global _migrated
    if _migrated:
        return "applied"
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise Failed(f"{len(plan)} migrations not applied (lantern migrate)")
    _migrated = True  # applied migrations stay applied until the code changes (a restart)
    return "applied"


def key_canaries() -> str:
    try:
        checked = keys.check()
    except keys.KeysUnavailable as exc:
        raise Failed(str(exc)) from None
    state = periods.status()
    if not state["last"]:
        months = "; no month keys (lantern period_keys --extend)"
    else:
        months = f"; month keys through {state['last']}"
        if state["left"] < periods.LOW_MONTHS:  # new values fall back to the active key
            months += f", {state['left']} left: lantern period_keys --extend"
    if not checked:
        return "no encrypted data yet" + months
    named = ", ".join(checked) if len(checked) <= 3 else f"{len(checked)} keys"
    return f"{named} open their canaries{months}"


def disk() -> str:
    free_mb = shutil.disk_usage(settings.DATA_DIR).free / 2**20
    if free_mb < MIN_FREE_MB:
        raise Failed(f"{free_mb:.0f} MB free under the data directory, below {MIN_FREE_MB:.0f} MB")
    return f"{free_mb:.0f} MB free"


def dispatcher() -> str:
    from lantern.routing.dispatcher import dispatcher as here

    if os.environ.get("LANTERN_DISPATCHER") == "1" and not here.alive():
        raise Failed("this process's dispatcher thread has stopped")
    lag = routing_queries.dispatch_lag()
    if lag > DISPATCH_LAG:
        raise Failed(f"a contact has waited {lag:.0f} s for routing: is a dispatcher running?")
    return f"routing lag {lag:.0f} s"


def redis() -> str:
    url = os.environ.get("LANTERN_REDIS_URL")
    if not url:
        return "not configured"
    import redis as redis_client

    try:
        redis_client.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
    except redis_client.RedisError as exc:
        raise Failed(f"no answer from Redis ({type(exc).__name__})") from None
    return "answers"


def outbound() -> str:
    """The outbound queue moves: nothing has waited past the threshold (no worker, or a provider
    down for that long), and this process's worker thread, if it should run one, is alive."""
    from lantern.outbox.worker import worker

    if os.environ.get("LANTERN_OUTBOX_WORKER") == "1" and not worker.alive():
        raise Failed("this process's outbound worker thread has stopped")
    waiting, oldest = outbox_queries.waiting()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0
    if age > OUTBOUND_AGE:
        raise Failed(f"{waiting} waiting to be sent, the oldest for {age:.0f} s")
    return f"{waiting} waiting, {outbox_queries.dead_count()} given up"


CHECKS: dict[str, Callable[[], str]] = {
    "database": database,
    "migrations": migrations,
    "keys": key_canaries,
    "disk": disk,
    "dispatcher": dispatcher,
    "redis": redis,
    "outbound": outbound,
}
# the checks after these need the database and its tables
NEEDS_DATABASE = ("database", "migrations")


def run() -> list[Result]:
    """Every check, in order; a check that cannot run because the database is down says so."""
    results = []
    blocked = ""
    for name, check in CHECKS.items():
        if blocked and name not in ("disk", "redis"):
            results.append(Result(name, False, f"not checked: {blocked}"))
            continue
        try:
            results.append(Result(name, True, check()))
        except Failed as exc:
            results.append(Result(name, False, str(exc)))
        except Exception as exc:  # noqa: BLE001 - a check that breaks is a failing check
            results.append(Result(name, False, f"check failed: {type(exc).__name__}"))
        if name in NEEDS_DATABASE and not results[-1].ok:
            blocked = f"{name} failing"
    return results


class Cached:
    """``run()`` at most once per ``seconds``: a load balancer polling every second does not
    turn into a database write a second from every server."""

    def __init__(self, seconds: float = 2.0):
        self.seconds = seconds
        self._lock = threading.Lock()
        self._at = -1e9
        self._results: list[Result] = []

    def __call__(self) -> list[Result]:
        with self._lock:
            if time.monotonic() - self._at > self.seconds:
                self._results = run()
                self._at = time.monotonic()
            return self._results


cached = Cached()
