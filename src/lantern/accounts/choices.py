from django.db import models
from django.utils.translation import gettext_lazy as _


class UserRoleChoices(models.TextChoices):
    ADVOCATE = "advocate", _("Advocate")
    CASE_ANALYST = "case_analyst", _("Case analyst")
    SUPERVISOR = "supervisor", _("Supervisor")
    DIRECTORY_MANAGER = "directory_manager", _("Directory manager")
    ADMIN = "admin", _("Administrator")
