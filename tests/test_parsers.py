"""Property tests for the input parsers and the contact validator."""

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.contacts.definitions import active_form
from lantern.contacts.exceptions import ContactValidationError
from lantern.contacts.validation import clean_contact
from lantern.core.geo import USStateChoices, normalize_state, normalize_zip
from lantern.core.language import normalize_language
from lantern.core.phone import normalize_phone
from lantern.privacy import masking


@given(st.text(max_size=60))
def test_phone_parser_returns_e164_or_raises_valueerror(text):
    try:
        e164 = normalize_phone(text)
    except ValueError:
        return
    assert e164.startswith("+") and e164[1:].isdigit()
    assert normalize_phone(e164) == e164  # idempotent
    assert phonenumbers.is_possible_number(phonenumbers.parse(e164, None))


@given(st.integers(200, 999), st.integers(0, 99))
def test_us_numbers_in_any_common_format(area, line):
    digits = f"{area}55501{line:02d}"
    formats = [
        digits,
        f"({area}) 555-01{line:02d}",
        f"{area}.555.01{line:02d}",
        f"+1 {area} 555 01{line:02d}",
    ]
    assert {normalize_phone(f) for f in formats} == {f"+1{digits}"}


@given(st.text(max_size=12))
def test_state_parser(text):
    try:
        code = normalize_state(text)
    except ValueError:
        assert text.strip().upper() not in USStateChoices.values
        return
    assert code in USStateChoices.values


@given(st.from_regex(r"\A\d{5}(-\d{4})?\Z"))
def test_valid_zips_pass(text):
    assert normalize_zip(text) == text


@given(
    st.text(max_size=12).filter(
        lambda t: not __import__("re").fullmatch(r"\s*\d{5}(-\d{4})?\s*", t)
    )
)
def test_invalid_zips_fail(text):
    with pytest.raises(ValueError):
        normalize_zip(text)


@given(st.text(max_size=20))
def test_language_parser(text):
    try:
        tag = normalize_language(text)
    except ValueError:
        return
    assert normalize_language(tag) == tag


@pytest.mark.parametrize(
    "raw, tag", [("EN", "en"), ("es-mx", "es-MX"), ("zh_hant", "zh-Hant"), ("ase", "ase")]
)
def test_language_examples(raw, tag):
    assert normalize_language(raw) == tag


@given(st.text(max_size=30))
def test_masks_never_contain_more_than_the_last_four_digits(text):
    try:
        e164 = normalize_phone(text)
    except ValueError:
        return
    masked = masking.mask_phone(e164)
    assert sum(ch.isdigit() for ch in masked) <= 4 + 3  # country code (up to 3 digits) + last four


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
KEYS = st.sampled_from(
    [
        "channel",
        "call_types",
        "received_at",
        "ended_at",
        "language",
        "interpreter_used",
        "caller_type",
        "urgent",
        "heard_about",
        "summary",
        "location",
        "caller",
        "junk",
    ]
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(KEYS, JSONISH, max_size=10), st.booleans())
def test_validator_accepts_or_names_the_bad_fields(db, data, partial):
    """Any JSON-like input validates, or raises ContactValidationError; never anything else."""
    try:
        cleaned = clean_contact(data, active_form(), partial=partial)
    except ContactValidationError as exc:
        assert exc.errors and all(isinstance(m, str) and m for m in exc.errors.values())
        return
    if not partial:
        assert cleaned["channel"] in active_form().definition["channel"]
        assert cleaned["call_types"]


def test_uuid7_is_valid_and_time_ordered():
    import time
    import uuid

    from lantern.core.ids import uuid7

    ids = []
    for _ in range(5):
        ids.append(uuid7())
        time.sleep(0.002)
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in ids)
    assert ids == sorted(ids)
    assert len({uuid7() for _ in range(1000)}) == 1000
