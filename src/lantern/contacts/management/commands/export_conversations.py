"""``lantern export_conversations --scrub [--since D] [--until D] [--channel C] [--out PATH]``."""

import sys

from django.core.management.base import BaseCommand, CommandError

from lantern.contacts import transcripts
from lantern.core.errors import InvalidInput


class Command(BaseCommand):
    help = (
        "Write closed conversations as JSON lines with names, phone numbers, emails, addresses, "
        "ages, dates, ID numbers and places replaced by typed placeholders ([PERSON_1]), the "
        "same within a conversation. Only scrubbed transcripts are exported: --scrub is required."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scrub", action="store_true", help="required: scrub the text")
        parser.add_argument("--since", help="conversations opened on or after YYYY-MM-DD")
        parser.add_argument("--until", help="conversations opened on or before YYYY-MM-DD")
        parser.add_argument("--channel", default="", help="sms, chat, email, web_tip...")
        parser.add_argument("--out", default="-", help="a file (default: standard output)")

    def handle(self, *args, scrub, since, until, channel, out, **options):
        if not scrub:
            raise CommandError("Lantern exports conversations only scrubbed: add --scrub")
        try:
            chosen = transcripts.filters(since=since, until=until, channel=channel)
        except InvalidInput as exc:
            raise CommandError("; ".join(f"--{k}: {v}" for k, v in exc.errors.items())) from None
        try:
            stream = sys.stdout if out == "-" else open(out, "w", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror}") from None
        try:
            for line in transcripts.export_lines("export_conversations", chosen):
                stream.write(line)
        finally:
            if stream is not sys.stdout:
                stream.close()
        counts = chosen.counts
        self.stderr.write(
            f"{counts['conversations']} conversations, {counts['messages']} "
            f"messages, scrubbed" + (f", written to {out}" if out != "-" else "")
        )
