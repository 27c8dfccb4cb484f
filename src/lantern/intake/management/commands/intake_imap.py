import imaplib
import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from lantern.intake import imap


class Command(BaseCommand):
    help = "Poll the hotline's hosted mailbox (LANTERN_IMAP_URL) and store new email."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="poll once, then exit")

    def handle(self, *args, once, **options):
        try:
            box, address = imap.configured()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"polling {box.host}/{box.folder} for {address} "
                          f"every {settings.LANTERN_IMAP_INTERVAL} s")  # fmt: skip
        while True:
            try:
                counts = imap.poll_once(box, address)
                self.stdout.write(
                    f"{counts['stored']} stored, {counts['duplicates']} already stored, "
                    f"{counts['rejected']} refused"
                )
            except (OSError, imaplib.IMAP4.error) as exc:
                # no credentials or message text in the log; the next poll tries again
                self.stderr.write(f"mailbox not reachable ({type(exc).__name__}); trying again")
                if once:
                    raise CommandError("the mailbox could not be read") from exc
            finally:
                close_old_connections()
            if once:
                return
            time.sleep(settings.LANTERN_IMAP_INTERVAL)
