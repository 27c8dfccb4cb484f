from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "lantern.intake"
    label = "intake"
    verbose_name = "Intake (channels)"

    def ready(self):
        from lantern.contacts import outbound
        from lantern.intake import chat, mail, sms

        outbound.register("sms", sms.send_queued)
        outbound.register("email", mail.send_queued)
        outbound.register("chat", chat.deliver)
