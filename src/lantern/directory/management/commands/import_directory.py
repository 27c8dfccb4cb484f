"""``lantern import_directory PATH [--dry-run]``: HSDS 3.0 JSON or an HSDS CSV datapackage."""

from django.core.management.base import BaseCommand, CommandError

from lantern.directory.importing import ImportFailed, import_directory


class Command(BaseCommand):
    help = (
        "Import HSDS 3.0 JSON (a service or organization object, a list, an API page, or a "
        "folder of them) or an HSDS CSV datapackage (3.0 or 2.0 layout). All or nothing: a "
        "failed import changes nothing. Re-importing updates records by id."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a JSON file, a CSV datapackage folder, or a folder")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument(
            "--no-progress", action="store_true", help="no progress bar on the terminal"
        )

    def handle(self, *args, path, dry_run=False, no_progress=False, **options):
        try:
            result = import_directory(
                path, dry_run=dry_run, progress=False if no_progress else None
            )
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        self.stdout.write(self.style.SUCCESS(result.summary()))
        if result.warnings:
            self.stdout.write(f"{len(result.warnings)} warning(s), see above")
