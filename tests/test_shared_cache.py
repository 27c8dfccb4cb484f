"""The proof of work's counters and once-only challenges live in the database cache, shared by
every server process (issue 16 items 4 and 5 hold under `lantern serve --workers N`)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from lantern.core import pow


def _rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM lantern_cache")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_solved_challenge_is_spent_in_the_shared_table():
    assert settings.CACHES["default"]["BACKEND"].endswith("db.DatabaseCache")
    before = _rows()
    challenge = pow.new_challenge(pow.RECEIPT)
    work = pow.solve(challenge)
    assert pow.verify(challenge, work, pow.RECEIPT)
    assert _rows() == before + 1  # spent where another process would see it
    assert not pow.verify(challenge, work, pow.RECEIPT)  # and only once


@pytest.mark.django_db
def test_failure_counts_are_in_the_shared_table():
    before = _rows()
    for _ in range(3):
        pow.count(pow.INTAKE)
    assert _rows() >= before + 1
    assert pow.rate(pow.INTAKE) > 0
