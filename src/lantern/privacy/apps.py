from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "lantern.privacy"
    label = "privacy"
    verbose_name = "Privacy"
