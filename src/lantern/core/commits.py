"""Group commit: small write transactions from concurrent threads share one commit.

SQLite has one writer at a time. When every webhook runs its own transaction, the thread that
holds the write lock competes for the GIL with all the threads still parsing requests, and each
of its statements waits to get it back: under load a 1 ms transaction held the lock for 4-5 ms,
and that, not the work, capped intake near 200 webhooks/s (bench/intake.py, decision 0005).

A function opts in with ``@grouped`` (calling it then goes through ``run``), which also lists it
in ``GROUPED``: tests/test_core_rows_commits.py runs every listed function twice, the first
run undone, and fails for a grouped function that has no such test.

``run(fn, ...)`` queues ``fn``; the first waiting thread becomes the leader, runs every queued
function in one transaction, commits once, and wakes the others with their results. Nothing is
answered before the commit that stores it, as before. If one function fails, the batch is
undone and each function runs again alone, so only the failing one fails (a savepoint per
function would cost two statements each, and the writer waits for the GIL after every
statement). ``transaction.on_commit`` callbacks run after the commit, on the leader's thread.

On PostgreSQL, which has concurrent writers, and inside a transaction already open (tests),
``run`` is simply ``fn`` in a transaction of its own.
"""

from __future__ import annotations

import functools
import threading
from collections import deque

from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

BATCH = 64  # functions per shared transaction
GROUPED: list = []  # every @grouped function (the "runs twice" test covers each)
_queue: deque[_Job] = deque()
_leader = threading.Lock()


class _Job:
    __slots__ = ("fn", "args", "kwargs", "done", "result", "error")

    def __init__(self, fn, args, kwargs):
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.done = threading.Event()
        self.result = self.error = None


def run(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` in a committed transaction; returns its result or raises its
    exception. ``fn`` must not depend on its thread (it may run on another), and may run twice
    (again after its first run was undone with its batch): it acts on the database only, and
    leaves anything else to ``transaction.on_commit``."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            result = fn(*args, **kwargs)
            _refuse_doomed()
            return result
    job = _Job(fn, args, kwargs)
    _queue.append(job)
    _lead_while_queued()
    job.done.wait()
    if job.error is not None:
        raise job.error
    return job.result


def grouped(fn):
    """Opt ``fn`` in to group commit: calling it runs ``run(fn, ...)``. Only for a function that
    may run twice (see ``run``); ``.undecorated`` is ``fn`` itself, for tests."""

    @functools.wraps(fn)
    def in_a_shared_commit(*args, **kwargs):
        return run(fn, *args, **kwargs)

    in_a_shared_commit.undecorated = fn
    GROUPED.append(in_a_shared_commit)
    return in_a_shared_commit


def _lead_while_queued() -> None:
    """Run queued functions unless another thread is leading. A leader looks at the queue again
    after it lets go, so a function queued while it was finishing is never left waiting."""
    while _queue and _leader.acquire(blocking=False):
        try:
            while _queue:
                _lead()
        finally:
            _leader.release()


def _lead() -> None:
    batch = []
    while _queue and len(batch) < BATCH:
        batch.append(_queue.popleft())
    try:
        try:
            _together(batch)
        except _OneFailed:
            # undo the batch and run each alone, so only the failing one fails
            for job in batch:
                _alone(job)
    except BaseException as exc:  # a commit itself failed: what it held is not stored
        for job in batch:
            if not job.done.is_set():
                job.result, job.error = None, exc
        if not isinstance(exc, Exception):
            raise
    finally:
        for job in batch:
            job.done.set()


class _OneFailed(Exception):
    pass


def _together(batch) -> None:
    """Every function of the batch in one transaction, without a savepoint each (each costs two
    statements, and the writer waits for the GIL after every statement)."""
    with transaction.atomic():
        for job in batch:
            try:
                job.result = job.fn(*job.args, **job.kwargs)
                _refuse_doomed()
            except Exception as exc:
                raise _OneFailed from exc


def _alone(job) -> None:
    try:
        with transaction.atomic():
            job.result = job.fn(*job.args, **job.kwargs)
            _refuse_doomed()
    except Exception as exc:  # its own failure: its caller gets it
        job.result, job.error = None, exc
    job.done.set()


def _refuse_doomed() -> None:
    """A function that caught a database error inside ``atomic(savepoint=False)`` leaves the
    transaction marked for rollback, and Django then rolls it back *silently* at the end of the
    block: its caller would be told "stored" for what was not. Raise instead."""
    if connection.needs_rollback:
        raise TransactionManagementError("the transaction was marked for rollback; nothing stored")
