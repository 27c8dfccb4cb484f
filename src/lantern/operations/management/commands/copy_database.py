"""``lantern copy_database --to postgresql://…``: move a hotline (SQLite, typically) to an empty
PostgreSQL database; then switch ``DATABASE_URL``. See docs/operations.md."""

from django.core.management.base import BaseCommand, CommandError

from lantern.operations.copying import CopyError, copy_database


class Command(BaseCommand):
    help = (
        "Copy every table of this hotline's database into an existing, empty PostgreSQL database "
        "(migrated first), the audit chain verified there. Stop the server first; afterwards set "
        "DATABASE_URL to the new database and start it again. The keys stay where they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, help="postgresql://user:password@host/name")

    def handle(self, *args, to, **options):
        verbose = options.get("verbosity", 1) > 1
        try:
            counts = copy_database(to, say=self.stdout.write if verbose else lambda line: None)
        except CopyError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"copied {sum(counts.values())} rows of {len(counts)} tables; the audit chain "
            "verifies on the target. Now set DATABASE_URL to the new database and start Lantern."
        )
