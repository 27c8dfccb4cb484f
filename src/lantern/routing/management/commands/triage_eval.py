"""``lantern triage_eval PATH``: score triage on a labelled JSON lines file or directory."""

import json
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from lantern.routing import classifier, triage, triage_eval


class Command(BaseCommand):
    requires_system_checks = []
    help = (
        "Recall and precision per urgency, the confusion matrix, minors and the misses of triage "
        "on a labelled set (JSON lines with 'label' and optional 'minor'; a directory: its "
        "*.jsonl). Test a rules file with --rules before pointing LANTERN_TRIAGE_RULES at it."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", type=Path)
        parser.add_argument("--rules", help="a rules file to score instead of the configured one")
        parser.add_argument(
            "--classifier", choices=["configured", "off"], default="configured",
            help="with the configured classifier (LANTERN_TRIAGE_CLASSIFIER), or the rules alone",
        )  # fmt: skip
        parser.add_argument("--no-misses", action="store_true", help="leave out the misses")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")
        parser.add_argument(
            "--check", action="store_true", help="exit with status 1 when a target is not met"
        )

    def handle(self, *args, **o):
        try:
            rule_set = triage.load_rules(o["rules"]) if o["rules"] else triage.configured()
            model = classifier.configured() if o["classifier"] == "configured" else None
            items, errors = triage_eval.load_labelled(o["paths"])
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        if not items:
            raise CommandError("no labelled message could be read: " + "; ".join(errors[:5]))
        scores = triage_eval.evaluate(items, rule_set, model)
        if o["json"]:
            figures = scores.figures()
            figures["unreadable_lines"] = errors
            figures["targets_failing"] = scores.failing()
            self.stdout.write(json.dumps(figures, indent=2))
        else:
            self.stdout.write(triage_eval.report(scores, misses=not o["no_misses"]))
            for error in errors:
                self.stderr.write(f"skipped {error}")
        if o["check"] and scores.failing():
            raise CommandError("targets not met: " + "; ".join(scores.failing()))
