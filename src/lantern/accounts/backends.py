from django.contrib.auth.backends import ModelBackend

from lantern.accounts.queries import is_locked_out


class LockoutModelBackend(ModelBackend):
    """Django's password check, refused while the account is locked after repeated failures."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not is_locked_out(user)
