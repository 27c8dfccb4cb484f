from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventActionChoices(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    READ_PII = "read_pii", _("Viewed personal data")
    LOOKUP = "lookup", _("Looked up a caller's earlier contacts")
    VERIFY = "verify", _("Verified")
    RETIRE = "retire", _("Retired")
    REACTIVATE = "reactivate", _("Reactivated")
    EXPORT = "export", _("Exported")
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOCKED_OUT = "locked_out", _("Locked out")
    LOGIN_THROTTLED = "login_throttled", _("Sign-ins slowed after repeated failures")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    FACTOR_ADDED = "factor_added", _("Second factor added")
    FACTOR_REMOVED = "factor_removed", _("Second factor removed")
    FACTOR_RESET = "factor_reset", _("Second factors reset")
    SESSIONS_ENDED = "sessions_ended", _("Signed out everywhere")
    LOGOUT = "logout", _("Signed out")
    TOKEN_ISSUED = "token_issued", _("API token issued")
    KEYS_ROTATED = "keys_rotated", _("Encryption keys rotated")
    REFUSED = "refused", _("Refused (nothing changed)")
