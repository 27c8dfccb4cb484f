"""Who may take a queue's contacts, beyond skills: the one check offers and takes share.

The engine offers a waiting contact only to an advocate this allows, and an advocate taking a
contact from the inbox is refused with the reason. Other apps add conditions: ``training``
(which sits above routing, since its courses name routing's queues) registers the courses a
queue requires when Django starts (``TrainingConfig.ready``), as ``intake`` registers its senders
with ``contacts.outbound``. With nothing registered, everyone with the skills may.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime

from django.utils import timezone

# check(advocate ids, queue ids, now) -> {(advocate id, queue id): reason}, the pairs refused
Check = Callable[[Collection[int], Collection[int], datetime], dict[tuple[int, int], str]]
_checks: list[Check] = []


def register(check: Check) -> None:
    if check not in _checks:
        _checks.append(check)


def barred(
    advocate_ids: Collection[int], queue_ids: Collection[int], now: datetime | None = None
) -> dict[tuple[int, int], str]:
    """The (advocate, queue) pairs among these where the advocate may not take the queue's
    contacts, each with the reason (in the active language)."""
    if not advocate_ids or not queue_ids:
        return {}
    now = now or timezone.now()
    refused: dict[tuple[int, int], str] = {}
    for check in _checks:
        for pair, reason in check(advocate_ids, queue_ids, now).items():
            refused.setdefault(pair, reason)
    return refused


def reason_barred(advocate_id: int, queue_id: int, now: datetime | None = None) -> str | None:
    """Why this advocate may not take this queue's contacts, or None when they may."""
    return barred([advocate_id], [queue_id], now).get((advocate_id, queue_id))
