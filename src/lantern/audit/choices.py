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
    LOGOUT = "logout", _("Signed out")
    TOKEN_ISSUED = "token_issued", _("API token issued")
    KEYS_ROTATED = "keys_rotated", _("Encryption keys rotated")
    REFUSED = "refused", _("Refused (nothing changed)")
