"""``lantern doctor``: /readyz's checks on the command line, with their reasons."""

from django.core.management.base import BaseCommand, CommandError

from lantern.operations import health


class Command(BaseCommand):
    help = (
        "Check that this deployment can take contacts: database reachable and writable, "
        "migrations applied, keys open their canaries, disk space, routing's dispatcher, Redis, "
        "replies waiting to be sent. Exits 1 when a check fails."
    )

    def handle(self, *args, **options):
        results = health.run()
        width = max(len(r.name) for r in results)
        for r in results:
            mark = self.style.SUCCESS("ok  ") if r.ok else self.style.ERROR("FAIL")
            self.stdout.write(f"{mark} {r.name:<{width}}  {r.detail}")
        failing = [r.name for r in results if not r.ok]
        if failing:
            raise CommandError(f"not ready: {', '.join(failing)}")
        self.stdout.write(self.style.SUCCESS("ready"))
