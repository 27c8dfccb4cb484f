from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "lantern.library"
    label = "library"
    verbose_name = "Resource library"
