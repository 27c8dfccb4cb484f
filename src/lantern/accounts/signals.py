"""Sign-in events from Django's auth into the audit log, the throttle and the session list."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from lantern.accounts import actions, sessions


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    actions.do_record_login(user)
    if request is not None and hasattr(request, "session"):
        sessions.start(request, user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        actions.do_record_logout(user)
    if request is not None and hasattr(request, "session"):
        sessions.forget(request)
