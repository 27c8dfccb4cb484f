"""Database sessions whose cookie always ends when the browser closes.

Staff sessions set an expiry on the server (idle timeout, absolute lifetime: see
``accounts.sessions``); Django would then give the cookie the same lifetime and keep it across a
browser restart. Here the server-side expiry still applies, the cookie never outlives the browser.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def get_expire_at_browser_close(self):
        return True
