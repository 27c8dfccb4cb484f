"""Staff sessions: listed per user, ended after idle time and after an absolute lifetime.

The session's own expiry on the server is kept at "last activity + idle timeout" (never past
the absolute end), so anything that loads the session later (a WebSocket re-checking it, another
server) finds it gone once it has timed out. Requests the console makes by itself (the routing
bar's and the board's refreshes, marked ``X-Lantern-Background``) are not activity.
"""

from __future__ import annotations

import re
import time

from django.conf import settings
from django.utils import timezone

from lantern.accounts.models import StaffSession

STARTED = "lantern_started"
SEEN = "lantern_seen"
# activity is written to the session at most this often (seconds)
TOUCH_EVERY = 60


def start(request, user) -> None:
    now = time.time()
    request.session[STARTED] = now
    request.session[SEEN] = now
    request.session.set_expiry(_expiry(now, now))
    if not request.session.session_key:
        request.session.save()
    StaffSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "browser": describe_browser(request.headers.get("User-Agent", "")),
            "last_seen_at": timezone.now(),
        },
    )


def forget(request) -> None:
    if request.session.session_key:
        StaffSession.objects.filter(session_key=request.session.session_key).delete()


def ended(request) -> str:
    """ "idle" or "expired" when this signed-in session has run out, else ""; records activity."""
    session = request.session
    now = time.time()
    started = session.get(STARTED)
    seen = session.get(SEEN)
    if started is None or seen is None:  # signed in before these rules: start counting now
        started = seen = session[STARTED] = session[SEEN] = now
    if now - started > settings.LANTERN_SESSION_MAX_HOURS * 3600:
        return "expired"
    if now - seen > settings.LANTERN_SESSION_IDLE_MINUTES * 60:
        return "idle"
    background = request.headers.get("X-Lantern-Background") == "1"
    if not background and now - seen >= TOUCH_EVERY:
        session[SEEN] = now
        session.set_expiry(_expiry(now, started))
        StaffSession.objects.filter(session_key=session.session_key).update(
            last_seen_at=timezone.now()
        )
    return ""


def _expiry(now: float, started: float) -> int:
    idle = settings.LANTERN_SESSION_IDLE_MINUTES * 60
    left = started + settings.LANTERN_SESSION_MAX_HOURS * 3600 - now
    return max(1, int(min(idle, left)))


_BROWSERS = [
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]


def describe_browser(user_agent: str) -> str:
    """ "Firefox on Windows": enough to recognise one's own devices, nothing more."""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), "")
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), "")
    if not browser and not system:
        return re.sub(r"[^\w .-]", "", user_agent)[:30]
    return " on ".join(p for p in (browser, system) if p)
