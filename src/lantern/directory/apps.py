from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DirectoryConfig(AppConfig):
    name = "lantern.directory"
    label = "directory"
    verbose_name = "Referral directory"

    def ready(self):
        from lantern.directory.taxonomy import sync_after_migrate

        post_migrate.connect(sync_after_migrate, sender=self)
