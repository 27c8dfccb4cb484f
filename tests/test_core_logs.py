"""lantern.core.logs: records reach standard error and the log file from a background thread."""

from __future__ import annotations

import logging

from lantern.core import logs


def test_records_and_tracebacks_reach_the_file_once_the_queue_is_written(tmp_path, capsys):
    path = tmp_path / "lantern.log"
    handler = logs.background(str(path))
    logger = logging.getLogger("lantern.test-background")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.info("POST %s %s", "/intake/twilio/sms", 200)
        try:
            raise ValueError("synthetic failure")
        except ValueError:
            logger.exception("webhook failed")
    finally:
        handler.listener.stop()
        logger.removeHandler(handler)
    text = path.read_text()
    assert "INFO lantern.test-background POST /intake/twilio/sms 200" in text
    assert "ERROR lantern.test-background webhook failed" in text
    assert "ValueError: synthetic failure" in text
    assert "POST /intake/twilio/sms 200" in capsys.readouterr().err


def test_uvicorn_websocket_lines_lose_the_client_address_and_query_string():
    record = logging.LogRecord(
        "uvicorn.error", logging.INFO, __file__, 1, '%s - "WebSocket %s" [accepted]',
        ("203.0.113.5:50123", "/ws/console/routing/?board=1"), None,
    )  # fmt: skip
    assert logs.NoClientAddress().filter(record)
    assert record.getMessage() == '"WebSocket /ws/console/routing/" [accepted]'
