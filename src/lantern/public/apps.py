from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "lantern.public"
    label = "public"
    verbose_name = "Public site"

    def ready(self):
        from lantern.contacts import outbound
        from lantern.contacts.actions import message_not_sent
        from lantern.public import followup

        # the hotline's answers to a web tip wait for the tipster's next visit
        outbound.register("webform", followup.make_available, on_dead=message_not_sent)
