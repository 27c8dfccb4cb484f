"""The ASGI application ``lantern serve`` runs.

HTTP requests run through Django's WSGI handler in a pool of threads (a2wsgi): the whole
request, middleware included, stays on one thread. Django's own ASGI handler hops between the
event loop and a thread for every synchronous middleware, which cost ~3 ms a request and made
webhooks queue behind each other (bench/intake.py, decision 0004).

WebSockets (live chat) go to Django Channels: the visitor's socket at ``/ws/chat/`` and an
advocate's at ``/ws/console/chat/<contact id>/``, with the session (and the signed-in user)
from the same cookies as the pages, and the Origin checked against ALLOWED_HOSTS.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")

from a2wsgi import WSGIMiddleware  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

django_wsgi = get_wsgi_application()  # sets Django up before the consumers are imported

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from lantern.intake import chat  # noqa: E402

# Threads per worker process. SQLite serialises writes anyway; the threads let reads and the
# Python work of one request overlap another's wait for the write lock.
THREADS = int(os.environ.get("LANTERN_THREADS", "8"))

application = ProtocolTypeRouter(
    {
        "http": WSGIMiddleware(django_wsgi, workers=THREADS),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(
                URLRouter(
                    [
                        path("ws/chat/", chat.VisitorConsumer.as_asgi()),
                        path(
                            "ws/console/chat/<uuid:contact_id>/",
                            chat.AdvocateConsumer.as_asgi(),
                        ),
                    ]
                )
            )
        ),
    }
)
