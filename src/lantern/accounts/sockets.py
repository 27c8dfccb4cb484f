"""Staff WebSockets end with the session that opened them (issue 16).

Every staff socket (the console's chat and routing sockets) joins two channel-layer groups: one
for its user and one for its session. ``close_user_sockets`` closes all of a user's sockets,
``close_session_sockets`` those of one session; both act when the transaction commits. They are
called on sign-out (that session), deactivation, password change and role change (every session
of the user), and are what "sign out everywhere" and the idle timeout call.

Closing is the fast path; the consumers also ask ``session_user`` on every event they receive
or send, so a socket whose session ended, whose user was deactivated or whose password changed
stops at its next event even if a close was missed (another server, a restart).
"""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib import auth
from django.db import transaction

from lantern.core import sessions

# the close code a console page sees: it goes to the sign-in page instead of reconnecting
SESSION_ENDED = 4401
EVENT = {"type": "session.ended"}


def user_group(user_id) -> str:
    return f"staff-user-{user_id}"


def session_group(session_key: str) -> str:
    # the key itself opens the session: only a digest of it goes to the channel layer
    return "staff-session-" + hashlib.sha256((session_key or "").encode()).hexdigest()[:40]


def _send_on_commit(group: str) -> None:
    def send():
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, EVENT)

    transaction.on_commit(send)


def close_user_sockets(user) -> None:
    """Close every live socket of ``user`` (a user or its id), on every device."""
    _send_on_commit(user_group(getattr(user, "pk", user)))


def close_session_sockets(session_key: str) -> None:
    """Close the live sockets opened with one session (signing out of one browser)."""
    if session_key:
        _send_on_commit(session_group(session_key))


def groups_for(scope) -> list[str]:
    """The groups a staff socket joins when it opens."""
    user = scope.get("user")
    session = scope.get("session")
    groups = [user_group(user.pk)]
    if session is not None and session.session_key:
        groups.append(session_group(session.session_key))
    return groups


def session_user(scope):
    """The active user the socket's session still signs in, read afresh, or None: signed out,
    expired, deactivated, password changed (Django's session hash) all give None."""
    store = sessions.reread(scope)
    if store is None:
        return None
    user = auth.get_user(SimpleNamespace(session=store))
    if not user.is_authenticated or not user.is_active:
        return None
    opened_by = scope.get("user")
    if opened_by is None or opened_by.pk != user.pk:
        return None
    return user
