from django.contrib.auth.backends import ModelBackend

from lantern.accounts import signin
from lantern.accounts.models import User


class ThrottledModelBackend(ModelBackend):
    """Django's password check through ``accounts.signin``: slowed after repeated failures for a
    user name, never locked. The console's sign-in asks for the second factor after it."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        username = username or kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        attempt = signin.check_password(username, password)
        if attempt.ok and self.user_can_authenticate(attempt.user):
            return attempt.user
        return None
