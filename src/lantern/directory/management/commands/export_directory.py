"""``lantern export_directory OUTDIR --format json|csv``: the directory as HSDS 3.0."""

from django.core.management.base import BaseCommand

from lantern.directory.exporting import export_directory


class Command(BaseCommand):
    help = (
        "Write the directory as HSDS 3.0: JSON (services.json, organizations.json, "
        "taxonomies.json, taxonomy_terms.json) or the CSV tabular datapackage. Confidential "
        "locations are left out."
    )

    def add_arguments(self, parser):
        parser.add_argument("outdir")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument(
            "--no-progress", action="store_true", help="no progress bar on the terminal"
        )

    def handle(self, *args, outdir, format="json", no_progress=False, **options):
        counts = export_directory(outdir, format, progress=False if no_progress else None)
        for name, n in counts.items():
            self.stdout.write(f"{name}: {n}")
        self.stdout.write(self.style.SUCCESS(f"exported to {outdir}"))
