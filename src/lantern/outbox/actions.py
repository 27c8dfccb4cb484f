"""The outbound queue (decision 0010): enqueue in the caller's transaction, claim, send, settle.

A change that must reach the outside (an SMS, email or chat reply, an emailed agency link; later
call-control commands and webhooks) calls ``enqueue(kind, ref)`` inside its transaction: the row
commits with the change or not at all. A worker (``outbox.worker``: a thread in each server
process, or ``lantern outbox``) claims due rows for a lease, calls the sender registered for the
kind, and settles each row:

* the sender returns: sent;
* it raises ``Retry``: tried again after a backoff (10 s, 20 s, 40 s … at most 15 min), and
  after ``LANTERN_OUTBOX_MAX_ATTEMPTS`` (8, about 40 minutes in all) given up;
* it raises ``GiveUp`` (the provider refused for good): given up at once.

A row given up on is *dead*: its kind's ``on_dead`` hook records why (a reply shows "failed" and
the reason on its conversation) and the board counts it. A worker killed mid-send leaves its row
leased; once the lease runs out another claims it and the sender runs again with
``attempt > 1``, when it asks the provider whether the first attempt went out before sending
(see ``intake.sms``). The row carries no personal data: a kind and an id.
"""

from __future__ import annotations

import logging
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from lantern.outbox.choices import OutboxItemStateChoices as State
from lantern.outbox.models import OutboxItem

log = logging.getLogger("lantern.outbox")
MAX_ATTEMPTS = int(os.environ.get("LANTERN_OUTBOX_MAX_ATTEMPTS", "8"))
# longer than any sender's connection time limit (Twilio 10 s, SMTP 10 s)
LEASE = timedelta(seconds=float(os.environ.get("LANTERN_OUTBOX_LEASE", "60")))
FIRST_BACKOFF, MAX_BACKOFF = 10.0, 900.0


class Retry(Exception):
    """Not sent this time (provider unreachable, busy, timed out): try again later. The text
    says why, without personal data."""


class GiveUp(Exception):
    """The provider refused for good (an invalid number, an address that does not exist)."""


@dataclass(frozen=True)
class Sender:
    send: Callable  # send(ref, *, attempt) -> None, or raises Retry / GiveUp
    on_dead: Callable | None = None  # on_dead(ref, reason)


_senders: dict[str, Sender] = {}
# the worker thread of this process (outbox.worker), woken after a commit that enqueued
_kick: Callable[[], None] | None = None
# without a worker in this process (a command, a test), send right after the commit, in the
# committing thread; LANTERN_OUTBOX_INLINE=0 leaves everything to a worker elsewhere
INLINE = os.environ.get("LANTERN_OUTBOX_INLINE", "1") != "0"


def register(kind: str, send: Callable, *, on_dead: Callable | None = None) -> None:
    _senders[kind] = Sender(send, on_dead)


def can_send(kind: str) -> bool:
    return kind in _senders


def set_worker(kick: Callable[[], None] | None) -> None:
    global _kick
    _kick = kick


def enqueue(kind: str, ref) -> OutboxItem:
    """Queue ``ref`` for the ``kind``'s sender, in the caller's transaction."""
    if kind not in _senders:
        raise LookupError(f"no sender for {kind}")
    item = OutboxItem.objects.create(kind=kind, ref=str(ref))
    transaction.on_commit(lambda: _after_commit(kind, ref))
    return item


def _after_commit(kind: str, ref) -> None:
    if _kick is not None:
        _kick()
    elif INLINE:
        send_now(kind, ref)


def backoff(attempts: int) -> timedelta:
    seconds = min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** max(0, attempts - 1))
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


def claim(*, limit: int = 20, now: datetime | None = None) -> list[OutboxItem]:
    """Lease up to ``limit`` due rows (waiting, or leased by a worker that did not finish)."""
    now = now or timezone.now()
    due = Q(state=State.PENDING, next_attempt_at__lte=now) | Q(
        state=State.SENDING, leased_until__lt=now
    )
    with transaction.atomic():
        qs = OutboxItem.objects.filter(due).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        items = list(qs[:limit])
        if items:
            OutboxItem.objects.filter(pk__in=[i.pk for i in items]).update(
                state=State.SENDING, leased_until=now + LEASE, attempts=F("attempts") + 1
            )
    for item in items:
        item.attempts += 1
    return items


def _settle(item: OutboxItem, **changes) -> bool:
    """Settle a row this worker still holds (a row whose lease ran out and another worker took
    is left to that worker)."""
    return bool(
        OutboxItem.objects.filter(pk=item.pk, state=State.SENDING, attempts=item.attempts).update(
            leased_until=None, **changes
        )
    )


def send(item: OutboxItem) -> str:
    """Run the sender for one claimed row and settle it; returns the row's new state."""
    sender = _senders.get(item.kind)
    now = timezone.now
    try:
        if sender is None:
            raise Retry(f"no sender for {item.kind} in this process")
        sender.send(item.ref, attempt=item.attempts)
    except GiveUp as exc:
        return _dead(item, sender, str(exc)[:200])
    except Exception as exc:  # noqa: BLE001 - a sender's fault must not lose the row
        reason = (
            str(exc)[:200] if isinstance(exc, Retry) else f"sender failed ({type(exc).__name__})"
        )
        if not isinstance(exc, Retry):
            log.exception("outbox: %s %s failed", item.kind, item.pk)
        if item.attempts >= MAX_ATTEMPTS:
            return _dead(item, sender, f"{reason} (after {item.attempts} attempts)")
        _settle(
            item,
            state=State.PENDING,
            last_error=reason,
            next_attempt_at=now() + backoff(item.attempts),
        )
        log.warning("outbox: %s %s attempt %d: %s", item.kind, item.pk, item.attempts, reason)
        return State.PENDING
    _settle(item, state=State.SENT, sent_at=now(), last_error="")
    return State.SENT


def _dead(item: OutboxItem, sender: Sender | None, reason: str) -> str:
    with transaction.atomic():
        if _settle(item, state=State.DEAD, last_error=reason) and sender and sender.on_dead:
            sender.on_dead(item.ref, reason)
    log.warning("outbox: %s %s given up: %s", item.kind, item.pk, reason)
    return State.DEAD


def run_once(*, limit: int = 20, now: datetime | None = None) -> int:
    """Claim and send what is due; returns how many rows were handled."""
    items = claim(limit=limit, now=now)
    for item in items:
        send(item)
    return len(items)


def send_now(kind: str, ref) -> None:
    """Send the waiting rows for ``ref`` at once, in this thread (no worker in this process:
    a command, a test). A failure leaves the row to a worker's retries."""
    due = OutboxItem.objects.filter(kind=kind, ref=str(ref), state=State.PENDING)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            taken = OutboxItem.objects.filter(pk=pk, state=State.PENDING).update(
                state=State.SENDING,
                leased_until=timezone.now() + LEASE,
                attempts=F("attempts") + 1,
            )
        if taken:
            send(OutboxItem.objects.get(pk=pk))
