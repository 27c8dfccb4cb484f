from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "lantern.console"
    label = "console"
    verbose_name = "Staff console"
