"""/metrics: Prometheus' format, readable from this machine or with the token, with no personal
data in any label or value; and JSON log lines."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from lantern.core.logs import JsonFormatter
from lantern.core.wsgi_threads import _environ

TOKEN = "synthetic-metrics-token"


@pytest.fixture(autouse=True)
def _token(monkeypatch):
    monkeypatch.setenv("LANTERN_METRICS_TOKEN", TOKEN)


def scrape(token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().get("/metrics", headers=headers)


def test_metrics_need_the_token_or_this_machine(db):
    assert scrape(token=None).status_code == 403
    assert scrape(token="wrong").status_code == 403
    response = scrape()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")


def test_metrics_count_requests_contacts_queues_and_the_outbox(make_contact):
    make_contact(
        channel="sms", caller={"name": "Synthetic Metrics Person", "phone": "+1 202 555 0177"}
    )
    Client().get("/healthz")
    text = scrape().content.decode()
    assert 'lantern_http_requests_total{method="GET",route="healthz",status="200"}' in text
    assert 'lantern_http_request_duration_seconds_bucket{le="0.005",route="healthz"}' in text
    assert 'lantern_contacts_received_total{channel="sms"} 1.0' in text
    for name in (
        "lantern_queue_waiting", "lantern_offers_pending", "lantern_dispatch_lag_seconds",
        "lantern_outbox_oldest_wait_seconds", "lantern_audit_events_total",
    ):  # fmt: skip
        assert f"# TYPE {name} " in text, name
    for secret in ("Synthetic", "Metrics Person", "2025550177", "555 0177", "example.org"):
        assert secret not in text


def test_loopback_is_a_flag_for_direct_local_requests_only():
    scope = {"type": "http", "method": "GET", "path": "/metrics", "headers": []}
    assert _environ({**scope, "client": ("127.0.0.1", 50000)}, b"")["lantern.loopback"] is True
    assert _environ({**scope, "client": ("203.0.113.5", 50000)}, b"")["lantern.loopback"] is False
    proxied = {
        **scope,
        "client": ("127.0.0.1", 50000),
        "headers": [(b"x-forwarded-proto", b"https")],
    }
    environ = _environ(proxied, b"")
    assert environ["lantern.loopback"] is False
    assert "127.0.0.1" not in json.dumps({k: str(v) for k, v in environ.items()})


def test_json_log_lines():
    try:
        raise ValueError("synthetic")
    except ValueError:
        record = logging.LogRecord(
            "lantern.request", logging.ERROR, __file__, 1, "GET %s %s", ("/healthz", 500),
            exc_info=__import__("sys").exc_info(),
        )  # fmt: skip
    line = JsonFormatter().format(record)
    assert "\n" not in line
    doc = json.loads(line)
    assert doc["level"] == "ERROR" and doc["logger"] == "lantern.request"
    assert doc["message"] == "GET /healthz 500" and doc["exception"] == "ValueError"
    assert doc["time"].endswith("+00:00")
