"""Log records are written by one background thread, so no request waits on a log file.

With the console and the file handler on every request thread, the threads queued on the
handlers' locks: the request log alone cost ~0.6 ms of CPU per request on the 2-core sandbox
(bench/intake.py). Here a request thread only puts the record, formatted, on a queue; a
``QueueListener`` thread writes it to the real handlers, and writes what is left when the process
exits.
"""

from __future__ import annotations

import atexit
import json
import logging
import logging.handlers
import os
import queue
from datetime import UTC, datetime

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per line (``LANTERN_LOG_FORMAT=json``): time (UTC, ISO 8601), level,
    logger, message, and the exception's type and traceback when there is one. The message is
    the same text the plain format writes: nothing more is logged."""

    def format(self, record: logging.LogRecord) -> str:
        doc = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            doc["exception"] = record.exc_info[0].__name__
            doc["traceback"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False)


def formatter() -> logging.Formatter:
    if os.environ.get("LANTERN_LOG_FORMAT", "text").lower() == "json":
        return JsonFormatter()
    return logging.Formatter(FORMAT)


class NoClientAddress(logging.Filter):
    """uvicorn's error logger opens every WebSocket line with the client's address and port
    (``203.0.113.5:50123 - "WebSocket /ws/chat/" [accepted]``) and gives the path with its query
    string. The record keeps the event, without the address or the query string: no log line may
    hold a client address (docs/privacy.md)."""

    PREFIX = "%s - "

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(record.msg, str) and record.msg.startswith(self.PREFIX) and args:
            args = tuple(args[1:])
            if args and isinstance(args[0], str):
                args = (args[0].split("?", 1)[0], *args[1:])
            record.msg, record.args = record.msg[len(self.PREFIX) :], args
        return True


class _Listener(logging.handlers.QueueListener):
    def stop(self):  # once: at exit, or earlier in a test
        if self._thread is not None:
            super().stop()


def background(filename: str) -> logging.Handler:
    """The handler ``settings.LOGGING`` gives the root logger: standard error and ``filename``
    (reopened when logrotate moves it), written from a thread of their own."""
    chosen = formatter()
    targets = [logging.StreamHandler(), logging.handlers.WatchedFileHandler(filename)]
    for handler in targets:
        handler.setFormatter(chosen)
    records: queue.SimpleQueue = queue.SimpleQueue()
    listener = _Listener(records, *targets, respect_handler_level=True)
    listener.start()
    atexit.register(listener.stop)
    handler = logging.handlers.QueueHandler(records)
    handler.listener = listener  # stop() writes out what is queued (tests, exit)
    return handler
