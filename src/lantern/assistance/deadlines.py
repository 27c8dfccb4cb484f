"""When a T&TA request is due: the NHTH promises an answer within 1-3 business days.

Urgent requests are due the next business day, others 3 business days after they arrive.
Weekends and U.S. federal holidays (observed days, from the ``holidays`` package) are not
business days. The count starts from the hotline's local date the request arrived on.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, timedelta

import holidays

URGENT_DAYS = 1
NORMAL_DAYS = 3


@functools.cache
def _federal(year: int):
    return holidays.country_holidays("US", years=year)


def closed(day: date) -> bool:
    """A day the hotline's T&TA team does not work: a weekend or a federal holiday."""
    return day.weekday() >= 5 or day in _federal(day.year)


def due_on(received: date, urgent: bool, *, is_closed: Callable[[date], bool] = closed) -> date:
    """The business day a request received on ``received`` is due."""
    remaining = URGENT_DAYS if urgent else NORMAL_DAYS
    day = received
    while remaining:
        day += timedelta(days=1)
        if not is_closed(day):
            remaining -= 1
    return day
