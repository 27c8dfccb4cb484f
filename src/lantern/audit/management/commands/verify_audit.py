from django.core.management.base import BaseCommand, CommandError

from lantern.audit.queries import verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exits non-zero at the first tampered entry."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"audit log TAMPERED: entry {report.first_bad_id} {report.problem} "
                f"({report.checked} entries before it are intact)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"audit log intact: {report.checked} entries verified in "
                f"{len(report.heads)} chain(s); anchor {report.anchor}"
            )
        )
