from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "lantern.operations"
    label = "operations"
    verbose_name = "Operations"
