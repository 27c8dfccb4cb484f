"""Signals other parts of Lantern connect to.

``sessions_ended(sender, user, session_keys)``: sent after commit when a user's sessions were
ended other than by signing out (sign out everywhere, password change, second-factor reset).
Whatever keeps live connections for the user (the console's WebSockets) closes them on it, as it
does on ``user_logged_out``.
"""

from django.dispatch import Signal

sessions_ended = Signal()
