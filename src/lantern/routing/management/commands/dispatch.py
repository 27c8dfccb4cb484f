"""``lantern dispatch``: routing's dispatcher in the foreground, for deployments that serve
Lantern with another ASGI server, or keep it out of the web processes (LANTERN_DISPATCHER=0)."""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from lantern.routing.dispatcher import Dispatcher


class Command(BaseCommand):
    help = "Run routing's dispatcher (triage, offers, timeouts, service levels) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=0.5, help="seconds between ticks")

    def handle(self, *args, interval, **options):
        if interval <= 0:
            raise CommandError("--interval must be above 0")
        stop = threading.Event()
        dispatcher = Dispatcher(interval)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        dispatcher.start()
        self.stdout.write(f"Routing every {interval:g} s (Ctrl+C to stop)")
        self.stdout.flush()
        stop.wait()
        dispatcher.stop()
