from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "lantern.routing"
    label = "routing"
    verbose_name = "Triage and routing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from lantern.routing import models, queries

        for model in (
            models.BusinessCalendar,
            models.CalendarClosure,
            models.Queue,
            models.RoutingWorkflow,
        ):
            post_save.connect(queries.forget_config, sender=model, dispatch_uid=f"cfg-{model}")
            post_delete.connect(queries.forget_config, sender=model, dispatch_uid=f"del-{model}")
