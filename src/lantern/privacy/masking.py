"""Masking of personal fields for people the rules do not allow to see them."""

from __future__ import annotations

import phonenumbers

HIDDEN = "[hidden]"


def mask_phone(e164: str | None) -> str | None:
    """``+12025550143`` -> ``+1 ***-***-0143``; only the country code and last four digits stay."""
    if not e164:
        return None
    try:
        number = phonenumbers.parse(e164, None)
        country = f"+{number.country_code}"
        national = str(number.national_number)
    except phonenumbers.NumberParseException:
        return HIDDEN
    if number.country_code == 1 and len(national) == 10:
        return f"{country} ***-***-{national[-4:]}"
    return f"{country} {'*' * max(len(national) - 4, 0)}{national[-4:]}"


def mask_email(email: str | None) -> str | None:
    """``ana.lopez@example.org`` -> ``a***@***.org``."""
    if not email:
        return None
    local, _, domain = email.partition("@")
    tld = domain.rsplit(".", 1)[-1] if "." in domain else ""
    return f"{local[:1]}***@***.{tld}" if tld else f"{local[:1]}***@***"


def mask_name(name: str | None) -> str | None:
    """``Ana Lopez`` -> ``A*** L***``."""
    if not name:
        return None
    return " ".join(f"{part[:1]}***" for part in name.split())


def mask_text(text: str | None) -> str | None:
    return HIDDEN if text else None
