from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lantern.stats import actions, publishing
from lantern.stats.choices import ReleaseModeChoices
from lantern.stats.tables import TABLES


class Command(BaseCommand):
    help = (
        "Build a year's statistics, protect them (suppression with an interval audit, or "
        "differential privacy), and write the files: one CSV per table, release.json, "
        "report.html and report.pdf. The release waits for a supervisor's approval in the "
        "console (Statistics) before the public site shows it. Refused, with the reasons and "
        "a non-zero exit, when the audit fails or the privacy budget would be overspent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True, help="Directory for the files")
        parser.add_argument(
            "--mode", choices=ReleaseModeChoices.values, default=ReleaseModeChoices.SUPPRESSION
        )
        parser.add_argument(
            "--threshold",
            type=int,
            default=None,
            help="Suppress counts under this (default: the stats file's)",
        )
        parser.add_argument(
            "--table",
            action="append",
            dest="tables",
            default=None,
            help=f"Only these tables (repeat); any of: {', '.join(TABLES)}",
        )

    def handle(self, *args, year, out, mode, threshold, tables, **options):
        if threshold is not None and not 2 <= threshold <= 100:
            raise CommandError("--threshold is a whole number from 2 to 100")
        try:
            release = actions.do_prepare_release(
                year, actor="publish_stats", mode=mode, keys=tables, threshold=threshold
            )
        except actions.StatsError as exc:
            raise CommandError("Not published: " + "; ".join(exc.problems)) from None
        files = publishing.write(release, Path(out))
        self.stdout.write(
            f"Release {release.pk} for {year} prepared ({release.get_mode_display()}"
            f"), {len(release.tables)} tables, SHA-256 {release.digest}."
        )
        self.stdout.write(f"Wrote {len(files)} files to {out}.")
        self.stdout.write(
            "A supervisor approves it under Statistics in the console; the public "
            "site shows it from then on."
        )
