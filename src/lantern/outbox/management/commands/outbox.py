"""``lantern outbox``: the outbound queue's worker in the foreground (a process of its own,
besides or instead of the worker thread in each server process)."""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from lantern.outbox import actions
from lantern.outbox.worker import Worker


class Command(BaseCommand):
    help = "Send queued replies and notifications, with retries, until stopped (--once: one pass)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between passes")
        parser.add_argument("--once", action="store_true", help="send what is due, then exit")

    def handle(self, *args, interval, once, **options):
        if interval <= 0:
            raise CommandError("--interval must be above 0")
        if once:
            handled = 0
            while n := actions.run_once():
                handled += n
            self.stdout.write(f"{handled} handled")
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        worker = Worker(interval)
        worker.start()
        self.stdout.write(f"Sending every {interval:g} s (Ctrl+C to stop)")
        self.stdout.flush()
        stop.wait()
        worker.stop()
