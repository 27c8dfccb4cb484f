"""``lantern period_keys [--extend] [--months N]``: the month keys of crypto-shredding
(``privacy.periods``): how far ahead they go, and making more. See docs/privacy.md."""

from django.core.management.base import BaseCommand, CommandError

from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.privacy import keys, periods


class Command(BaseCommand):
    help = (
        "Show the month keys (crypto-shredding): how many months ahead they go and how many were "
        "destroyed. --extend makes keys up to --months months ahead (default "
        f"{periods.MONTHS_AHEAD}); copy keys/ to every server afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("--extend", action="store_true")
        parser.add_argument("--months", type=int, default=periods.MONTHS_AHEAD)

    def handle(self, *args, extend, months, **options):
        if months != periods.MONTHS_AHEAD and not extend:
            raise CommandError("--months goes with --extend")
        if not 1 <= months <= 240:
            raise CommandError("--months must be between 1 and 240")
        if extend:
            try:
                added = keys.extend_periods(months)
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
            if added:
                audit.record(
                    "cli", Audit.KEYS_ROTATED, object_type="privacy.key",
                    object_id=f"{added[0]}..{added[-1]}", changes={"months_added": len(added)},
                )  # fmt: skip
            self.stdout.write(f"month keys added: {len(added)}")
        state = periods.status()
        if not state["months"]:
            self.stdout.write(
                "no month keys: personal fields are under the active key, and retention shreds "
                "them without crypto-shredding (run lantern period_keys --extend)"
            )
        else:
            self.stdout.write(
                f"month keys through {state['last']} ({state['left']} months from this one); "
                f"{state['destroyed']} destroyed"
            )
