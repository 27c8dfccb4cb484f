"""``lantern import_directory PATH [--strict] [--dry-run] [--report FILE]``: HSDS 3.0 JSON or an
HSDS CSV datapackage (3.0 or 2.0 layout)."""

import json
from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lantern.directory.importing import ImportFailed, import_directory
from lantern.directory.importing import report as import_report


class Command(BaseCommand):
    # Django's system checks import every URL module first (about a second); migrate and the
    # server run them, an import has no use for them
    requires_system_checks = []
    help = (
        "Import HSDS 3.0 JSON (a service or organization object, a list, an API page, or a "
        "folder of them) or an HSDS CSV datapackage (3.0 or 2.0 layout). Imports what it can and "
        "reports every problem with its file, row and what was done; --strict refuses the whole "
        "import on any such problem instead. Re-importing updates records by id."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a JSON file, a CSV datapackage folder, or a folder")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="all or nothing: refuse the import on any problem a lenient run would fix or skip",
        )
        parser.add_argument(
            "--report",
            metavar="FILE",
            help="where to write the JSON report (default: import-report-<time>.json here)",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="no progress bar on the terminal"
        )

    def handle(self, *args, path, dry_run=False, strict=False, report=None, no_progress=False,
               **options):  # fmt: skip
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        report_path = Path(report or f"import-report-{stamp}.json")
        source = Path(path).name
        try:
            result = import_directory(
                path, dry_run=dry_run, strict=strict, progress=False if no_progress else None
            )
        except ImportFailed as exc:
            self._write_report(report_path, import_report(source, failed=exc, strict=strict,
                                                    dry_run=dry_run))  # fmt: skip
            raise CommandError(f"{exc}\nreport: {report_path}") from exc
        for warning in result.problems:
            self.stdout.write(self.style.WARNING(f"warning: {warning} ({warning.action})"))
        self.stdout.write(self.style.SUCCESS(result.summary()))
        if result.problems:
            self.stdout.write(f"{len(result.problems)} warning(s), see above")
        self._write_report(report_path, import_report(source, result=result, strict=strict,
                                                dry_run=dry_run))  # fmt: skip
        self.stdout.write(f"report: {report_path}")

    def _write_report(self, path: Path, content: dict):
        try:
            path.write_text(json.dumps(content, indent=2, ensure_ascii=False, default=str))
        except OSError as exc:
            raise CommandError(f"cannot write the report to {path}: {exc.strerror}") from exc
