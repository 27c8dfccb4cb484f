from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ContactsConfig(AppConfig):
    name = "lantern.contacts"
    label = "contacts"
    verbose_name = "Contacts"

    def ready(self):
        from lantern.contacts.definitions import sync_after_migrate

        post_migrate.connect(sync_after_migrate, sender=self)
