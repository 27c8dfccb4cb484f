from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lantern.cases"
    label = "cases"
    verbose_name = "Cases and referrals"

    def ready(self):
        from lantern.cases.reports import config, link_email
        from lantern.outbox import actions as outbox

        outbox.register(config.LINK_EMAIL_KIND, link_email.send, on_dead=link_email.dead)
