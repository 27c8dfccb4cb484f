"""Run a WSGI application (Django's handler) on a pool of threads under an ASGI server.

One hop per request: the event loop reads the whole body, a thread runs the application and
builds the whole answer, and the loop sends it. a2wsgi, used before, went back to the loop for
each part of a request and an answer (the body, the status line, each chunk): those round trips
were about 40% of the server's CPU under a burst of webhooks (decision 0006). A streaming
answer (a file, an export) still goes out chunk by chunk, each read on a thread.

**Django's handler only.** This is not a general WSGI server: the application must call
``start_response`` before it returns (Django's ``WSGIHandler`` does); one that calls it lazily, on
the first iteration of its answer, is not supported. See docs/development/django-upgrades.md.

What never enters Lantern: the client's address and port. The WSGI environ has no REMOTE_ADDR,
and the headers in which proxies pass a client's address on are dropped, so no code, log line
or error report can record it (issue 4: no IP address stored or logged).
"""

from __future__ import annotations

import asyncio
import io
import sys
from concurrent.futures import ThreadPoolExecutor

# headers that carry a client's address (proxies, CDNs): never passed to the application
ADDRESS_HEADERS = frozenset(
    {b"x-forwarded-for", b"x-real-ip", b"forwarded", b"true-client-ip", b"cf-connecting-ip"}
)
_DONE = object()
_GONE = object()


class WSGIInThreads:
    """An ASGI application serving HTTP with ``app``, ``threads`` requests at a time.

    A body longer than ``max_body`` bytes is refused with 413 before it reaches the application.
    """

    def __init__(self, app, *, threads: int, max_body: int):
        self.app, self.max_body = app, max_body
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix="http")

    async def __call__(self, scope, receive, send):
        body = await self._read_body(scope, receive)
        if body is _GONE:
            return  # the client left before it finished sending
        if body is None:
            await _plain(send, 413, b"request body too large")
            return
        loop = asyncio.get_running_loop()
        status, headers, chunks, stream = await loop.run_in_executor(
            self.executor, self._run, _environ(scope, body)
        )
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if stream is None:
            await send({"type": "http.response.body", "body": b"".join(chunks)})
            return
        result, rest = stream
        try:
            for chunk in chunks:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            while (chunk := await loop.run_in_executor(self.executor, _next, rest)) is not _DONE:
                if chunk:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            await loop.run_in_executor(self.executor, _close, result)

    async def _read_body(self, scope, receive) -> bytes | None:
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_body:
                return None
        parts, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return _GONE
            part = message.get("body", b"")
            size += len(part)
            if size > self.max_body:
                return None
            parts.append(part)
            if not message.get("more_body", False):
                break
        return b"".join(parts)

    def _run(self, environ):
        """On a thread: the application's answer, whole unless it streams."""
        started = []
        written = []

        def start_response(status, headers, exc_info=None):
            if exc_info is not None and started:
                raise exc_info[1].with_traceback(exc_info[2])
            started[:] = [status, headers]
            return written.append  # PEP 3333's write(), for old-style applications

        result = self.app(environ, start_response)
        streams = not isinstance(result, (list, tuple)) and getattr(result, "streaming", True)
        if not streams:
            try:
                written.extend(result)
            finally:
                _close(result)
        status, headers = started
        code = int(status.split(" ", 1)[0])
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        return code, raw, written, ((result, iter(result)) if streams else None)


def _next(stream):
    return next(stream, _DONE)


def _close(result):
    close = getattr(result, "close", None)
    if close is not None:
        close()


async def _plain(send, status: int, text: bytes):
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text})


def _environ(scope, body: bytes) -> dict:
    """PEP 3333's environ for an ASGI HTTP scope (without the client's address, see above)."""
    root = scope.get("root_path", "")
    path = scope["path"]
    if root and path.startswith(root):
        path = path[len(root) :]
    server = scope.get("server") or ("localhost", 80)
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root.encode("utf-8").decode("latin-1"),
        "PATH_INFO": path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1] or 80),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in scope.get("headers", ()):
        if name in ADDRESS_HEADERS:
            continue
        if b"_" in name:
            # X_Forwarded_Proto would pass for X-Forwarded-Proto once both are HTTP_X_...:
            # dropped, as nginx and gunicorn do
            continue
        key = name.decode("latin-1").upper().replace("-", "_")
        if key not in ("CONTENT_LENGTH", "CONTENT_TYPE"):
            key = "HTTP_" + key
        text = value.decode("latin-1")
        environ[key] = f"{environ[key]},{text}" if key in environ else text
    environ.setdefault("CONTENT_LENGTH", str(len(body)))
    environ["lantern.loopback"] = _direct_from_loopback(scope)
    return environ


LOOPBACK = frozenset({"127.0.0.1", "::1"})
# a request a proxy forwarded carries one of these: it came from the proxy, not from this machine
PROXY_HEADERS = ADDRESS_HEADERS | {b"x-forwarded-proto", b"x-forwarded-host", b"via"}


def _direct_from_loopback(scope) -> bool:
    """True for a request made on this machine straight to the server (a monitoring agent),
    not through a proxy: a yes or no, never the address (/metrics, /readyz's details)."""
    client = scope.get("client")
    if not client or client[0] not in LOOPBACK:
        return False
    return not any(name in PROXY_HEADERS for name, _ in scope.get("headers", ()))
