"""``lantern triage``: JSON lines in, one triage decision a line out (``routing.triage_eval``)."""

import json
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from lantern.routing import classifier, triage, triage_eval


class Command(BaseCommand):
    requires_system_checks = []  # rules only: works before the database exists
    help = (
        'Triage JSON lines from standard input ({"text": ..., "channel": "sms", "language": "es"}) '
        "with the configured rules, one JSON line out per line in, in order; a line that cannot "
        'be read gives {"error": ..., "line": N} and the batch carries on.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--rules", help="a rules file to use instead of the configured one")

    def handle(self, *args, **options):
        try:
            path = options["rules"]
            rule_set = triage.load_rules(path) if path else triage.configured()
            model = classifier.configured()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        out = sys.stdout
        for row in triage_eval.triage_lines(sys.stdin.buffer, rule_set, model):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        out.flush()
