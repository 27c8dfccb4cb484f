from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "lantern.assistance"
    label = "assistance"
    verbose_name = _("Training and technical assistance")
    default_auto_field = "django.db.models.BigAutoField"
