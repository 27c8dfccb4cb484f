"""Proof of work before a receipt code is checked: the browser must find a number that gives
the challenge's SHA-256 ``DIFFICULTY`` leading zero bits (a second or so on a cheap phone),
which makes guessing codes by the million expensive without identifying anyone.

A challenge is signed (Django's signing, so the server keeps no state), expires after
``MAX_AGE`` seconds, and is accepted once (the cache remembers the used ones).
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache

SALT = "lantern.public.pow"
MAX_AGE = 600


def difficulty() -> int:
    return settings.LANTERN_POW_BITS


def new_challenge() -> str:
    return signing.dumps({"n": secrets.token_hex(16), "d": difficulty()}, salt=SALT)


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def solve(challenge: str) -> str:
    """What the browser does (for tests and scripts): the first counter that works."""
    bits = signing.loads(challenge, salt=SALT)["d"]
    counter = 0
    while leading_zero_bits(hashlib.sha256(f"{challenge}:{counter}".encode()).digest()) < bits:
        counter += 1
    return str(counter)


def verify(challenge: str, counter: str) -> bool:
    try:
        data = signing.loads(challenge, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    if not counter or not counter.isdigit() or len(counter) > 12:
        return False
    digest = hashlib.sha256(f"{challenge}:{counter}".encode()).digest()
    if leading_zero_bits(digest) < data["d"]:
        return False
    # once only
    return cache.add(f"pow:{data['n']}", 1, timeout=MAX_AGE)
