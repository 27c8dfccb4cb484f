"""Who may read the operational endpoints' details (/metrics, /readyz's reasons): a request made
on this machine straight to the server (not through the proxy), or one that carries
``Authorization: Bearer $LANTERN_METRICS_TOKEN``."""

from __future__ import annotations

import hmac
import os


def metrics_token() -> str:
    return os.environ.get("LANTERN_METRICS_TOKEN", "")


def may_read(request) -> bool:
    if request.META.get("lantern.loopback"):
        return True
    token = metrics_token()
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
