import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lantern.intake.smtp import controller


class Command(BaseCommand):
    help = "Receive the hotline's email over SMTP (for LANTERN_EMAIL_ADDRESSES)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)

    def handle(self, *args, host, port, **options):
        if not settings.LANTERN_EMAIL_ADDRESSES:
            raise CommandError("set LANTERN_EMAIL_ADDRESSES (the hotline's addresses) first")
        server = controller(host, port)
        server.start()
        self.stdout.write(f"receiving email for {', '.join(settings.LANTERN_EMAIL_ADDRESSES)} "
                          f"on {host}:{port} (Ctrl+C to stop)")  # fmt: skip
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
