"""Sign-in events from Django's auth (console and admin alike) into the audit log and lockout."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from lantern.accounts import actions


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    actions.do_record_login(user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        actions.do_record_logout(user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get("username")
    if username:
        actions.do_record_failed_login(username)
