from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lantern.stats import actions


class Command(BaseCommand):
    help = (
        "Count every pre-defined table for each month, quarter and the whole of a year (this "
        "year by default) and store them as dated snapshots, which staff read under "
        "Statistics -> Tables by period. Run it nightly from cron or a systemd timer; earlier "
        "snapshots are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args, year, **options):
        year = year or timezone.localdate().year
        try:
            made = actions.do_build_snapshots(year, actor="snapshot_stats")
        except actions.StatsError as exc:
            raise CommandError("Not stored: " + "; ".join(exc.problems)) from None
        self.stdout.write(f"Stored {made} snapshots of {year}.")
