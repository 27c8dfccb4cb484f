from django.apps import AppConfig


class ProtocolsConfig(AppConfig):
    name = "lantern.protocols"
    label = "protocols"
    verbose_name = "Response protocols"
    default_auto_field = "django.db.models.BigAutoField"
