"""The ASGI application ``lantern serve`` runs.

HTTP requests run through Django's WSGI handler in a pool of threads (a2wsgi): the whole
request, middleware included, stays on one thread. Django's own ASGI handler hops between the
event loop and a thread for every synchronous middleware, which cost ~3 ms a request and made
webhooks queue behind each other (bench/intake.py, decision 0004).
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")

from a2wsgi import WSGIMiddleware  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

# Threads per worker process. SQLite serialises writes anyway; the threads let reads and the
# Python work of one request overlap another's wait for the write lock.
THREADS = int(os.environ.get("LANTERN_THREADS", "8"))

application = WSGIMiddleware(get_wsgi_application(), workers=THREADS)
