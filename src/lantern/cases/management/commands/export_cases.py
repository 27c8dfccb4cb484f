"""``lantern export_cases --format ctdc [--out PATH]``: cases in CTDC's layout, nothing personal."""

import sys

from django.core.management.base import BaseCommand, CommandError

from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.cases import ctdc
from lantern.cases.models import Case


class Command(BaseCommand):
    help = "Write the cases' potential victims as CSV in the CTDC global dataset's columns."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, help="ctdc")
        parser.add_argument("--out", default="-", help="a file (default: standard output)")

    def handle(self, *args, format, out, **options):
        if format != "ctdc":
            raise CommandError(f"unknown format {format!r}: the only one is ctdc")
        cases = Case.objects.filter(merged_into__isnull=True).prefetch_related("parties")
        try:
            stream = sys.stdout if out == "-" else open(out, "w", newline="", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror}") from None
        try:
            written = ctdc.write(cases.iterator(chunk_size=2000), stream)
        finally:
            if stream is not sys.stdout:
                stream.close()
        audit.record(
            "export_cases", Audit.EXPORT, object_type="cases.case",
            changes={"format": "ctdc", "rows": written, "out": out},
        )  # fmt: skip
        if out != "-":
            self.stderr.write(f"{written} rows written to {out}")
