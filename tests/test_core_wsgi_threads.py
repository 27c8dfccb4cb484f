"""lantern.core.wsgi_threads: the ASGI -> WSGI bridge lantern serve runs HTTP through."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from lantern.core.wsgi_threads import WSGIInThreads


def _scope(method="POST", path="/intake/twilio/sms", headers=(), query=b""):
    return {
        "type": "http", "method": method, "path": path, "root_path": "", "query_string": query,
        "http_version": "1.1", "scheme": "https", "server": ("127.0.0.1", 8000),
        "client": ("203.0.113.7", 50123), "headers": list(headers),
    }  # fmt: skip


def _call(app, scope, bodies=(b"",), disconnect=False):
    messages = [
        {"type": "http.request", "body": b, "more_body": i < len(bodies) - 1}
        for i, b in enumerate(bodies)
    ]
    if disconnect:
        messages = messages[:-1] + [{"type": "http.disconnect"}]
    sent = []

    async def receive():
        return messages.pop(0)

    async def send(message):
        sent.append(message)

    # a thread of its own: a browser test may have left an event loop on this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    return sent


class Echo:
    """A WSGI application that answers what it was given."""

    def __init__(self):
        self.environs = []

    def __call__(self, environ, start_response):
        self.environs.append(environ)
        body = environ["wsgi.input"].read()
        start_response("201 Created", [("Content-Type", "text/plain"), ("X-Seen", "yes")])
        return [b"got:", body]


def test_a_request_reaches_the_application_whole_and_its_answer_comes_back():
    echo = Echo()
    app = WSGIInThreads(echo, threads=2, max_body=1000)
    headers = [(b"content-type", b"application/x-www-form-urlencoded"), (b"accept", b"a"),
               (b"accept", b"b"), (b"x-twilio-signature", b"abc=")]  # fmt: skip
    sent = _call(app, _scope(headers=headers, query=b"x=%C3%A9"), bodies=(b"Body=he", b"llo"))
    assert sent[0] == {
        "type": "http.response.start",
        "status": 201,
        "headers": [(b"content-type", b"text/plain"), (b"x-seen", b"yes")],
    }
    assert sent[1]["body"] == b"got:Body=hello" and not sent[1].get("more_body")
    environ = echo.environs[0]
    assert environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] == "/intake/twilio/sms"
    assert environ["QUERY_STRING"] == "x=%C3%A9" and environ["wsgi.url_scheme"] == "https"
    assert environ["CONTENT_TYPE"] == "application/x-www-form-urlencoded"
    assert environ["CONTENT_LENGTH"] == "10"
    assert environ["HTTP_ACCEPT"] == "a,b" and environ["HTTP_X_TWILIO_SIGNATURE"] == "abc="


def test_the_client_address_never_reaches_the_application():
    echo = Echo()
    headers = [
        (b"x-forwarded-for", b"203.0.113.7"),
        (b"x-real-ip", b"203.0.113.7"),
        (b"forwarded", b"for=203.0.113.7;proto=https"),
        (b"x-forwarded-proto", b"https"),
    ]
    _call(WSGIInThreads(echo, threads=1, max_body=100), _scope(method="GET", headers=headers))
    environ = echo.environs[0]
    assert "REMOTE_ADDR" not in environ and "REMOTE_PORT" not in environ
    assert "203.0.113.7" not in repr(environ)
    assert environ["HTTP_X_FORWARDED_PROTO"] == "https"  # the scheme still passes


def test_a_header_spelled_with_underscores_cannot_pass_for_a_proxy_header():
    echo = Echo()
    headers = [(b"x_forwarded_proto", b"https"), (b"x-forwarded-host", b"hotline.example.org")]
    _call(WSGIInThreads(echo, threads=1, max_body=100), _scope(headers=headers))
    environ = echo.environs[0]
    assert "HTTP_X_FORWARDED_PROTO" not in environ
    assert environ["HTTP_X_FORWARDED_HOST"] == "hotline.example.org"


def test_an_oversized_body_is_refused_before_the_application_sees_it():
    echo = Echo()
    app = WSGIInThreads(echo, threads=1, max_body=10)
    declared = _call(app, _scope(headers=[(b"content-length", b"11")]), bodies=(b"x" * 11,))
    streamed = _call(app, _scope(), bodies=(b"x" * 6, b"x" * 6))
    for sent in (declared, streamed):
        assert sent[0]["status"] == 413 and b"too large" in sent[1]["body"]
    assert echo.environs == []


def test_a_client_that_leaves_mid_body_gets_nothing_and_runs_nothing():
    echo = Echo()
    sent = _call(WSGIInThreads(echo, threads=1, max_body=100), _scope(),
                 bodies=(b"Body=", b"rest"), disconnect=True)  # fmt: skip
    assert sent == [] and echo.environs == []


def test_a_streaming_answer_goes_out_chunk_by_chunk_and_is_closed():
    closed = []

    class Stream:
        streaming = True

        def __iter__(self):
            yield b"one,"
            yield b""
            yield b"two"

        def close(self):
            closed.append(True)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/csv")])
        return Stream()

    sent = _call(WSGIInThreads(app, threads=1, max_body=100), _scope(method="GET"))
    bodies = [m for m in sent if m["type"] == "http.response.body"]
    assert [m["body"] for m in bodies] == [b"one,", b"two", b""]
    assert [m.get("more_body", False) for m in bodies] == [True, True, False]
    assert closed == [True]
