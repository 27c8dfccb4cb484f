"""Phone numbers, normalised to E.164 with Google's libphonenumber rules."""

import phonenumbers


def normalize_phone(value: str, default_region: str = "US") -> str:
    """``(202) 555-0143`` -> ``+12025550143``; raises ValueError for numbers that cannot exist."""
    if not isinstance(value, str):
        raise ValueError("must be text")
    text = (value or "").strip()
    if not text or len(text) > 40:
        raise ValueError("not a phone number")
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(
            f"not a phone number ({exc.args[0] if exc.args else 'unparseable'})"
        ) from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError("not a possible phone number (wrong number of digits)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """``+12025550143`` -> ``+1 202-555-0143`` for display."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
