from django.apps import AppConfig


class CoreConfig(AppConfig):
    """No models: an app for its locale/ and its management commands."""

    name = "lantern.core"
    label = "lantern_core"
    verbose_name = "Core"
