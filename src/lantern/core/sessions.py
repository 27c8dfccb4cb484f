"""Keys of the public site's session (the visitor's chat), shared by the page (``public``) and
the WebSocket (``intake``), which may not import each other; and a socket's session read
afresh."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings

CHAT = "lantern_chat"


def reread(scope):
    """The session a WebSocket opened with, as the session store holds it now: a session that
    was flushed (signed out, Quick exit, ended) or expired since reads back empty; None when the
    socket had none."""
    session = scope.get("session")
    if session is None or not session.session_key:
        return None
    return import_module(settings.SESSION_ENGINE).SessionStore(session.session_key)
