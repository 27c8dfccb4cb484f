"""Proof of work in front of what anyone on the internet can repeat at will: checking a receipt
code, sending a tip, opening a chat. The browser must find a number that gives the challenge's
SHA-256 a number of leading zero bits (a second or so on a cheap phone at the base cost), which
makes guessing codes or flooding the hotline expensive without identifying anyone.

The cost follows the pressure (issue 16): each purpose counts its recent events (wrong receipt
codes; tips sent and chats opened) over the last minute. Up to the normal rate a challenge costs
the base bits; each doubling above it adds one bit (twice the work), up to
``LANTERN_POW_MAX_EXTRA_BITS``. Nothing is ever refused for load: a right receipt code with its
work done always opens the report, and a real tip always goes in, only more slowly under attack.
The console's board says when the cost is raised (``pressure``).

A challenge is signed (Django's signing, so the server keeps no state), names its purpose and
cost, expires after ``MAX_AGE`` seconds, and is accepted once (the cache remembers the used
ones). The counts live in the cache: per process by default, shared with ``LANTERN_REDIS_URL``.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

SALT = "lantern.public.pow"
MAX_AGE = 600
WINDOW = 60  # seconds over which the pressure is measured

RECEIPT = "receipt"  # a receipt code checked (counted: the wrong ones)
INTAKE = "intake"  # a tip sent or a chat opened (counted: every one)
PURPOSES = (RECEIPT, INTAKE)


def _base(purpose: str) -> int:
    return settings.LANTERN_POW_BITS if purpose == RECEIPT else settings.LANTERN_INTAKE_POW_BITS


def _normal(purpose: str) -> int:
    if purpose == RECEIPT:
        return max(1, settings.LANTERN_RECEIPT_FAILURES_PER_MINUTE)
    return max(1, settings.LANTERN_INTAKE_PER_MINUTE)


def _bucket(purpose: str, index: int) -> str:
    return f"pow-rate:{purpose}:{index}"


def count(purpose: str) -> None:
    """One more event of ``purpose`` (a wrong code, a tip, a chat): the cost may go up."""
    key = _bucket(purpose, int(time.time() // WINDOW))
    if not cache.add(key, 1, timeout=WINDOW * 2):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=WINDOW * 2)


def rate(purpose: str) -> float:
    """Events of ``purpose`` in about the last minute (this minute's, plus the part of the
    previous minute's that still falls in the window)."""
    now = time.time()
    index = int(now // WINDOW)
    current = cache.get(_bucket(purpose, index), 0)
    previous = cache.get(_bucket(purpose, index - 1), 0)
    return current + previous * (1 - (now % WINDOW) / WINDOW)


def extra_bits(purpose: str) -> int:
    """Bits added to the base cost: 0 at or under the normal rate, one per doubling above."""
    ratio = rate(purpose) / _normal(purpose)
    if ratio < 1:
        return 0
    return min(settings.LANTERN_POW_MAX_EXTRA_BITS, 1 + int(math.log2(ratio)))


def difficulty(purpose: str = RECEIPT) -> int:
    return _base(purpose) + extra_bits(purpose)


def pressure() -> dict[str, int]:
    """The purposes whose cost is raised now, with the bits added (empty when all is calm)."""
    return {p: bits for p in PURPOSES if (bits := extra_bits(p))}


def new_challenge(purpose: str = RECEIPT) -> str:
    return signing.dumps(
        {"n": secrets.token_hex(16), "d": difficulty(purpose), "p": purpose}, salt=SALT
    )


def bits_of(challenge: str) -> int:
    """The cost a challenge asks for (what the page tells the browser)."""
    return signing.loads(challenge, salt=SALT)["d"]


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
    bits = bits_of(challenge)
    counter = 0
    while leading_zero_bits(hashlib.sha256(f"{challenge}:{counter}".encode()).digest()) < bits:
        counter += 1
    return str(counter)


def verify(challenge: str, counter: str, purpose: str = RECEIPT) -> bool:
    """The work is done for a live challenge of this purpose, used for the first time. The cost
    is the one the challenge was issued with: a visitor whose page was loaded before the cost
    went up is not sent back."""
    try:
        data = signing.loads(challenge or "", salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    if not isinstance(data, dict) or data.get("p", RECEIPT) != purpose:
        return False
    if not counter or not counter.isdigit() or len(counter) > 12:
        return False
    digest = hashlib.sha256(f"{challenge}:{counter}".encode()).digest()
    if leading_zero_bits(digest) < data["d"]:
        return False
    # once only
    return cache.add(f"pow:{data['n']}", 1, timeout=MAX_AGE)
