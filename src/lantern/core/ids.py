"""Time-ordered UUIDs (RFC 9562 version 7) for primary keys.

Random version-4 keys scatter inserts over the whole primary-key index; version 7 keys start
with a millisecond timestamp, so new rows land at the end of the index like an auto-increment,
while ids stay unguessable (74 random bits) and safe to create on any server.
"""

import os
import re
import time
import uuid


def uuid7() -> uuid.UUID:
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")  # 80 bits; 74 are used
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # variant
    value |= rand & ((1 << 62) - 1)  # rand_b, 62 bits
    return uuid.UUID(int=value)


def short_id(value: uuid.UUID) -> str:
    """The 8 characters the console shows for a record ("Case 1A2B3C4D"): the id's last 8 hex
    digits, which are random. The first 8 are the time, shared by records made within the same
    minute."""
    return value.hex[-8:].upper()


_UUID_IN_TEXT = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
                           r"[0-9a-fA-F]{12}")  # fmt: skip
_SHORT = re.compile(r"^[0-9a-fA-F]{8}$")


def reference_filter(text: str, *, short: bool = True):
    """What staff type to name a record, as a filter on its primary key: a whole id (or a
    console address containing one), or, with ``short``, the 8-character ``short_id`` the console
    shows; None if it is neither. A short id names one record among millions only most of the
    time: callers take the match only when it is the only one."""
    from django.db.models import Q

    text = (text or "").strip()
    if match := _UUID_IN_TEXT.search(text):
        return Q(pk=uuid.UUID(match.group(0)))
    last = text.split()[-1] if text else ""
    if short and _SHORT.match(last):
        return Q(id__endswith=last.lower())
    return None
