"""``lantern scrub_eval [PATH ...]``: the scrubber's recall per kind of value on a labelled set."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lantern.privacy.scrubbing import evaluation


class Command(BaseCommand):
    requires_system_checks = []
    help = (
        "Recall of the scrubber (scrubbed exports of conversations) per kind of value, and its "
        "precision, on a labelled set of transcripts (JSON lines; default: the set shipped with "
        "Lantern). Issue 22's targets: 0.95 for phone numbers, emails and ID numbers, 0.85 for "
        "names."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", metavar="PATH", type=Path)
        parser.add_argument(
            "--misses",
            type=int,
            default=10,
            metavar="N",
            help="list up to N missed values (default 10; 0: none)",
        )
        parser.add_argument(
            "--check", action="store_true", help="exit with status 1 when a target is not met"
        )

    def handle(self, *args, paths, misses, check, **options):
        unmet = []
        for path in paths or evaluation.SHIPPED_SETS:
            try:
                items = evaluation.load(path)
            except evaluation.LabelledSetError as exc:
                raise CommandError(str(exc)) from None
            if not items:
                raise CommandError(f"{path}: no labelled transcripts")
            score = evaluation.score(items)
            self.report(path, score, misses)
            unmet += [f"{kind} ({path.name})" for kind in score.unmet()]
        if check and unmet:
            raise CommandError(f"targets not met: {', '.join(unmet)}")

    def report(self, path, score, misses):
        out = self.stdout.write
        out(f"{path.name}: {score.transcripts} transcripts, "
            f"{sum(score.labelled.values())} labelled values")  # fmt: skip
        out(f"{'kind':<15}{'values':>8}{'found':>8}{'recall':>9}  target")
        for kind in sorted(score.labelled):
            target = evaluation.TARGETS.get(kind)
            mark = (
                ""
                if target is None
                else f"{target:.2f} " + ("met" if score.recall(kind) >= target else "NOT MET")
            )
            out(f"{kind:<15}{score.labelled[kind]:>8}{score.found[kind]:>8}"
                f"{score.recall(kind):>9.3f}  {mark}")  # fmt: skip
        out(f"precision: {score.precision:.3f} of {score.replaced} values replaced overlap a "
            f"labelled one")  # fmt: skip
        for item_id, kind, text, message in score.misses[:misses]:
            out(f"  missed {kind} {text!r} in {item_id}: {message}")
        out("")
