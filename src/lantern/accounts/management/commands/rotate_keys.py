from django.core.management.base import BaseCommand, CommandError

from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.privacy import crypto, keys
from lantern.privacy.rotation import reencrypt_all


class Command(BaseCommand):
    help = (
        "Make a new data-encryption key active and re-encrypt every personal field with it. "
        "Old keys stay in the keyring so backups remain readable."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reencrypt-only",
            action="store_true",
            help="Do not create a key; re-encrypt values still under an older key (resume a run, "
            "or after changing LANTERN_DATA_KEYS).",
        )

    def handle(self, *args, reencrypt_only, **options):
        if not reencrypt_only:
            try:
                key_id = keys.add_data_key()
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"new active key: {key_id}")
        crypto.reset_cache()
        counts = reencrypt_all()
        active = crypto.load_keyring().active_id
        audit.record(
            "cli", Audit.KEYS_ROTATED, object_type="privacy.key", object_id=active, changes=counts
        )
        for label, n in counts.items():
            self.stdout.write(f"{label}: {n} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"all personal fields are now under key {active}"))
