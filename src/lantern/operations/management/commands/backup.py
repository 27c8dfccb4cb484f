"""``lantern backup OUTDIR``: a consistent online copy of the database and, in a separate file,
its keys (sealed with a passphrase when one is given)."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lantern.operations.backup import KEYS_PLAIN, BackupError, backup


def read_passphrase(path: str | None) -> str:
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise CommandError(f"cannot read the passphrase file: {exc.strerror}") from None
    return os.environ.get("LANTERN_BACKUP_PASSPHRASE", "")


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite's backup API, or pg_dump) and its keys into OUTDIR (new "
        "or empty). With a passphrase (--passphrase-file or LANTERN_BACKUP_PASSPHRASE) the keys "
        "are sealed with it, so the two can be stored apart."
    )

    def add_arguments(self, parser):
        parser.add_argument("outdir")
        parser.add_argument("--passphrase-file", help="seal the keys with the passphrase in it")

    def handle(self, *args, outdir, passphrase_file, **options):
        try:
            manifest = backup(Path(outdir), passphrase=read_passphrase(passphrase_file))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"backed up the {manifest['database']} database ({manifest['audit_entries']} audit "
            f"entries) and keys {', '.join(manifest['key_ids'])} into {outdir}"
        )
        if not manifest["keys_sealed"]:
            self.stdout.write(
                self.style.WARNING(
                    f"{KEYS_PLAIN} holds the keys in clear: store it apart from the database, "
                    "or back up with a passphrase"
                )
            )
