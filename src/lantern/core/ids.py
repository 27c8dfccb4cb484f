"""Time-ordered UUIDs (RFC 9562 version 7) for primary keys.

Random version-4 keys scatter inserts over the whole primary-key index; version 7 keys start
with a millisecond timestamp, so new rows land at the end of the index like an auto-increment,
while ids stay unguessable (74 random bits) and safe to create on any server.
"""

import os
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
