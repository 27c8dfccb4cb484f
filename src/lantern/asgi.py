"""The ASGI application ``lantern serve`` runs.

HTTP requests run through Django's WSGI handler in a pool of threads
(``lantern.core.wsgi_threads``): the whole request, middleware included, stays on one thread,
with one hop from the event loop and one back. Django's own ASGI handler hops for every
synchronous middleware, which cost ~3 ms a request (bench/intake.py, decisions 0004 and 0006).

WebSockets (live chat) go to Django Channels: the visitor's socket at ``/ws/chat/`` and an
advocate's at ``/ws/console/chat/<contact id>/``, with the session (and the signed-in user)
from the same cookies as the pages, and the Origin checked against ALLOWED_HOSTS.
"""

import asyncio
import gc
import os
import sys

from lantern.datadir import private_umask

private_umask()  # everything under LANTERN_DATA_DIR is for this user only
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

django_wsgi = get_wsgi_application()  # sets Django up before the consumers are imported

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from lantern.console.live import RoutingConsumer  # noqa: E402
from lantern.core import language  # noqa: E402
from lantern.core.wsgi_threads import WSGIInThreads  # noqa: E402
from lantern.intake import chat  # noqa: E402
from lantern.outbox.worker import worker as outbox_worker  # noqa: E402
from lantern.privacy.keys import KeysUnavailable, prepare  # noqa: E402
from lantern.routing.dispatcher import dispatcher  # noqa: E402

# Threads per worker process. SQLite serialises writes anyway; the threads let reads and the
# Python work of one request overlap another's wait for the write lock.
THREADS = int(os.environ.get("LANTERN_THREADS", "8"))
# Larger request bodies are refused (413) before Django sees them. Nothing Lantern takes over HTTP
# comes near it: forms and webhooks are kilobytes, Django refuses form data over 2.5 MB, and a
# library document is at most 9 MB (library.choices.MAX_FILE_BYTES).
MAX_BODY = 10 * 1024 * 1024

# The language guess's model takes about a second of CPU to load: once here, not by the first
# texts after a start, which would each load it on their own thread.
language.warm()
# Everything loaded so far lives as long as the process: the garbage collector stops scanning it
# (fewer, shorter pauses under load).
gc.freeze()
# The thread in a write transaction gives up the GIL at each SQLite call and must win it back
# from the threads busy with other requests; at Python's default 5 ms switch interval, a 1 ms
# transaction held SQLite's write lock for tens of milliseconds under load (decision 0005).
sys.setswitchinterval(0.0005)

# Routing's heartbeat: triage and offers for what arrives, timeouts and service levels. `lantern
# serve` turns it on; another ASGI server needs LANTERN_DISPATCHER=1 (or a `lantern dispatch`).
if os.environ.get("LANTERN_DISPATCHER") == "1":
    dispatcher.start()
# The outbound queue's worker (replies, notifications): `lantern serve` turns it on; elsewhere
# LANTERN_OUTBOX_WORKER=1, or a separate `lantern outbox`.
if os.environ.get("LANTERN_OUTBOX_WORKER") == "1":
    outbox_worker.start()


async def lifespan(scope, receive, send):
    """ASGI start-up: no serving a database whose keys are missing or wrong (privacy.keys); the
    server stops with the key's id. `lantern serve` has checked already; this covers other ASGI
    servers."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                await asyncio.to_thread(prepare)
            except KeysUnavailable as exc:
                await send({"type": "lifespan.startup.failed", "message": f"cannot start: {exc}"})
                return
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


application = ProtocolTypeRouter(
    {
        "lifespan": lifespan,
        "http": WSGIInThreads(django_wsgi, threads=THREADS, max_body=MAX_BODY),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(
                URLRouter(
                    [
                        path("ws/chat/", chat.VisitorConsumer.as_asgi()),
                        path(
                            "ws/console/chat/<uuid:contact_id>/",
                            chat.AdvocateConsumer.as_asgi(),
                        ),
                        path("ws/console/routing/", RoutingConsumer.as_asgi()),
                    ]
                )
            )
        ),
    }
)
