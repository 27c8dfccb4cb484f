"""Once-only submission of the tip form (issue 16): the form carries a signed random token,
and the tip is filed under a key derived from it (the contact's ``provider_id``, unique), so
sending the same form twice (a double click, Back and send again, a reloaded POST) files one
tip. The server keeps no list of issued tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.core import signing

SALT = "lantern.public.once"
MAX_AGE = 24 * 60 * 60  # a form left open for a day is sent again from a fresh page
PREFIX = "webtip:"


def new() -> str:
    return signing.dumps(secrets.token_hex(16), salt=SALT)


def key(token: str) -> str:
    """The submission key a token stands for, or ``""`` if it is forged or too old."""
    try:
        value = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return ""
    if not isinstance(value, str):
        return ""
    return PREFIX + hashlib.sha256(value.encode()).hexdigest()[:56]
