from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "lantern.routing"
    label = "routing"
    verbose_name = "Triage and routing"
    default_auto_field = "django.db.models.BigAutoField"
