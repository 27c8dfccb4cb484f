from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "lantern.intake"
    label = "intake"
    verbose_name = "Intake (channels)"

    def ready(self):
        from lantern.contacts import outbound
        from lantern.contacts.actions import message_not_sent
        from lantern.intake import chat, conference, mail, notices, sms
        from lantern.routing import notices as routing_notices
        from lantern.routing import telephony

        outbound.register("sms", sms.send_queued, on_dead=message_not_sent)
        outbound.register("email", mail.send_queued, on_dead=message_not_sent)
        outbound.register("chat", chat.deliver, on_dead=message_not_sent)
        routing_notices.register("after_hours", notices.after_hours)
        telephony.register(conference.TwilioCalls())
