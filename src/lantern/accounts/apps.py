from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lantern.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Fail at start-up, with the file and the reason, if the permission rules are invalid.
        from lantern.accounts import rules, signals  # noqa: F401 (connects receivers)

        rules.load()
