"""Sign-in events from Django's auth into the audit log, the throttle and the session list,
and the end of a session's live sockets (``accounts.sockets``)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import pre_save
from django.dispatch import receiver

from lantern.accounts import actions, hooks, sessions, sockets
from lantern.accounts.models import User

# a change to any of these ends every live socket of the user, on every device
SOCKET_FIELDS = ("password", "role", "is_active")


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    actions.do_record_login(user)
    if request is not None and hasattr(request, "session"):
        sessions.start(request, user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        actions.do_record_logout(user)
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        sockets.close_session_sockets(session.session_key)
    if request is not None and hasattr(request, "session"):
        sessions.forget(request)


@receiver(pre_save, sender=User)
def _password_role_or_active_changed(sender, instance, update_fields=None, raw=False, **kwargs):
    """Whatever saves a user (the admin, a password change, a script): a new password, role or
    deactivation closes their sockets; the next event would refuse them anyway."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(SOCKET_FIELDS):
        return
    before = User.objects.filter(pk=instance.pk).values(*SOCKET_FIELDS).first()
    if before and any(before[f] != getattr(instance, f) for f in SOCKET_FIELDS):
        sockets.close_user_sockets(instance.pk)


@receiver(hooks.sessions_ended)
def _sessions_ended(sender, user, session_keys=(), **kwargs):
    """Sign out everywhere, a password change, a second-factor reset: the sockets of every
    session that ended close now, not at their next event."""
    for key in session_keys:
        sockets.close_session_sockets(key)
