"""``lantern apply_retention [--dry-run]``: shred or delete what the retention schedule says is
past its period (run it nightly). See docs/privacy.md, "Retention"."""

from django.core.management.base import BaseCommand

from lantern.cases import retention


class Command(BaseCommand):
    help = (
        "Apply the retention schedule (LANTERN_RETENTION_FILE): shred or delete what is past its "
        "period, except what a legal hold keeps, in batches; audited as counts. --dry-run says "
        "what it would do and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, dry_run, **options):
        if dry_run:
            for kind, n in retention.plan().items():
                self.stdout.write(f"{kind}: {n} due")
        else:
            retention.run(say=self.stdout.write)
