import os
import shutil

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from lantern.privacy.keys import KeysUnavailable, prepare


class Command(BaseCommand):
    help = "Migrate, collect static files, then serve Lantern with uvicorn (HOST/PORT to override)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("LANTERN_WORKERS", "1"))
        )
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args, host, port, workers, no_migrate, **options):
        import uvicorn

        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        try:
            prepare()  # refuse to serve a database whose keys are missing or wrong
        except KeysUnavailable as exc:
            raise CommandError(f"cannot start: {exc}") from None
        call_command("collectstatic", interactive=False, verbosity=0)
        if workers > 1 and _chat_in_memory():
            # a visitor and an advocate on different processes would not see each other's
            # messages live (they are stored, and show on reload)
            self.stderr.write(
                f"Warning: live chat needs LANTERN_REDIS_URL (and the channels-redis package) "
                f"to work across {workers} worker processes; without it, run one worker."
            )
        # Each server process runs routing's dispatcher (lantern.asgi); LANTERN_DISPATCHER=0
        # leaves it to a separate `lantern dispatch`.
        os.environ.setdefault("LANTERN_DISPATCHER", "1")
        # and the outbound queue's worker (LANTERN_OUTBOX_WORKER=0: a separate `lantern outbox`)
        os.environ.setdefault("LANTERN_OUTBOX_WORKER", "1")
        if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            # /metrics sums the request figures of every worker process from files here
            metrics_dir = settings.DATA_DIR / "metrics"
            shutil.rmtree(metrics_dir, ignore_errors=True)
            metrics_dir.mkdir(mode=0o700)
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
        self.stdout.write(f"Lantern is serving on http://{host}:{port}/ (Ctrl+C to stop)")
        self.stdout.flush()
        uvicorn.run(
            "lantern.asgi:application",
            host=host,
            port=port,
            workers=workers,
            # No access log: uvicorn's would record client IP addresses. Lantern's own request
            # log (lantern.console.middleware) records method, path, status and time only.
            access_log=False,
            log_config=None,
            # Django reads X-Forwarded-Proto itself (SECURE_PROXY_SSL_HEADER), and the client's
            # address never reaches Lantern (lantern.core.wsgi_threads): nothing to rewrite.
            proxy_headers=False,
            server_header=False,
            lifespan="on",  # lantern.asgi checks the keys at start-up
        )


def _chat_in_memory() -> bool:
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    return backend == "channels.layers.InMemoryChannelLayer"
