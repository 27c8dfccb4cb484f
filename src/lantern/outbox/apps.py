from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "lantern.outbox"
    label = "outbox"
    verbose_name = "Outbound queue"
