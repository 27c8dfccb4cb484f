from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "lantern.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        from django.core.exceptions import ImproperlyConfigured

        from lantern.privacy import keys, retention

        keys.register()  # what makes the first keys, for privacy.crypto
        try:  # a retention file that cannot work stops the server and every command at start
            retention.schedule()
        except retention.ScheduleError as exc:
            raise ImproperlyConfigured(str(exc)) from None
