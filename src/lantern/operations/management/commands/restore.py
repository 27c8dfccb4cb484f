"""``lantern restore INDIR``: a backup into an empty data directory (or the empty database
DATABASE_URL names), then the key and audit checks."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lantern.audit.queries import verify_chain
from lantern.operations.backup import BackupError, restore
from lantern.operations.management.commands.backup import read_passphrase
from lantern.privacy import keys


class Command(BaseCommand):
    help = (
        "Restore a backup made by lantern backup into an empty LANTERN_DATA_DIR (or an empty "
        "PostgreSQL database), then check that the keys open the data and the audit chain holds."
    )

    def add_arguments(self, parser):
        parser.add_argument("indir")
        parser.add_argument("--passphrase-file", help="the passphrase the keys were sealed with")

    def handle(self, *args, indir, passphrase_file, **options):
        try:
            manifest = restore(Path(indir), passphrase=read_passphrase(passphrase_file))
            checked = keys.check()
        except (BackupError, keys.KeysUnavailable) as exc:
            raise CommandError(str(exc)) from None
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"restored, but the audit log is TAMPERED at entry {report.first_bad_id}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"restored the backup of {manifest['created_at']}: keys {', '.join(checked)} open "
                f"the data, {report.checked} audit entries verified. Run lantern migrate if this "
                "version of Lantern is newer than the backup."
            )
        )
