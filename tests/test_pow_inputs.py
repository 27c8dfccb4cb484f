"""What a browser sends with a proof of work or a once-only token is the outsider's to choose:
any text gets a plain no, never an exception (issue 16, items 4, 5, 9)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.core import pow
from lantern.public import once

# spent challenges and counters live in the database cache, shared by every server process
pytestmark = pytest.mark.django_db


@settings(max_examples=200)
@given(challenge=st.text(), counter=st.text(), purpose=st.sampled_from(pow.PURPOSES))
def test_any_challenge_and_counter_is_refused_without_an_error(challenge, counter, purpose):
    assert pow.verify(challenge, counter, purpose) is False


@settings(max_examples=200)
@given(st.text())
def test_any_once_token_but_a_signed_one_stands_for_nothing(token):
    assert once.key(token) == ""


def test_a_challenge_works_once_and_for_its_own_purpose_only(settings):
    settings.LANTERN_POW_BITS = settings.LANTERN_INTAKE_POW_BITS = 4
    intake = pow.new_challenge(pow.INTAKE)
    work = pow.solve(intake)
    assert not pow.verify(intake, work, pow.RECEIPT)  # a cheap intake challenge opens no code
    assert pow.verify(intake, work, pow.INTAKE)
    assert not pow.verify(intake, work, pow.INTAKE)  # once
    token = once.new()
    assert once.key(token).startswith("webtip:") and once.key(token) == once.key(token)
