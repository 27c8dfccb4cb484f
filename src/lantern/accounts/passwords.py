"""Password rules beyond Django's own: estimated strength, the hotline's name, no repeats."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from zxcvbn import zxcvbn

_LEET = str.maketrans(
    {"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_NOT_NAMES = {"www", "com", "org", "net", "gov", "example", "localhost", "http", "https"}


def hotline_words() -> list[str]:
    """The hotline's name and its public host's labels, as a guesser would try them."""
    words = re.findall(r"[a-z0-9]+", settings.LANTERN_HOTLINE_NAME.lower())
    host = urlsplit(settings.PUBLIC_URL).hostname or ""
    words += [label for label in host.lower().split(".") if not label.isdigit()]
    return sorted({w for w in words if len(w) >= 4 and w not in _NOT_NAMES})


class StrengthValidator:
    """zxcvbn's estimate of how many guesses the password takes, with the user's own names and
    the hotline's as known words: keyboard walks, dictionary words with digits, dates, repeats
    and l33t spellings all score low."""

    def validate(self, password, user=None):
        known = hotline_words()
        if user is not None:
            known += [v for v in (user.username, user.first_name, user.last_name, user.email) if v]
        result = zxcvbn(password[:200], user_inputs=known)
        if result["score"] < settings.LANTERN_PASSWORD_MIN_SCORE:
            hint = result["feedback"].get("warning") or ""
            raise ValidationError(
                _("This password would be guessed too easily. %(hint)s") % {"hint": hint},
                code="password_too_guessable",
            )

    def get_help_text(self):
        return _(
            "Use several unrelated words or a password manager; keyboard patterns, names and "
            "dates are guessed first."
        )


class HotlineNameValidator:
    def validate(self, password, user=None):
        plain = password.lower().translate(_LEET)
        if any(word in plain for word in hotline_words()):
            raise ValidationError(
                _("The password may not contain the hotline's name."), code="password_hotline_name"
            )

    def get_help_text(self):
        return _("It may not contain the hotline's name.")


class HistoryValidator:
    """Refuses the user's current password and the ``LANTERN_PASSWORD_HISTORY`` before it."""

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        from lantern.accounts.models import User

        current = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
        earlier = [current, *user.password_history.values_list("password", flat=True)[: _keep()]]
        if any(encoded and check_password(password, encoded) for encoded in earlier):
            raise ValidationError(
                _("You used this password before; choose a new one."), code="password_reused"
            )

    def password_changed(self, password, user=None):
        # Django calls this after the user is saved with the new password: keep its hash.
        if user is None or user.pk is None:
            return
        from lantern.accounts.models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        stale = user.password_history.values_list("pk", flat=True)[_keep() :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return _("It may not be one of your last passwords.")


def _keep() -> int:
    return max(settings.LANTERN_PASSWORD_HISTORY, 1)
