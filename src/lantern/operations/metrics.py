"""``/metrics`` in Prometheus' text format (prometheus-client).

Two kinds of figures:

* **Per process**, counted as requests pass (``RequestMetricsMiddleware``): requests by route
  (the URL pattern's name, never the path: no ids, no query string) and status, and their
  latency. With several server processes, set ``PROMETHEUS_MULTIPROC_DIR`` (``lantern serve
  --workers N`` does) and every process's figures are summed.
* **From the database** at each scrape (``DatabaseCollector``), so every server reports the same:
  contacts received by channel, tasks waiting and the oldest wait by queue and urgency, pending
  offers, the outbound queue by kind and state, the audit chain's length, routing's lag.

No label ever holds personal data: channels, queue names, urgencies, kinds and states are
configuration or fixed choices.
"""

from __future__ import annotations

import os
import time

from django.utils import timezone
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from lantern.audit import queries as audit_queries
from lantern.contacts import queries as contact_queries
from lantern.outbox import queries as outbox_queries
from lantern.routing import queries as routing_queries

REQUESTS = Counter("lantern_http_requests", "HTTP requests answered", ["route", "method", "status"])
LATENCY = Histogram(
    "lantern_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15),
)


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or match.route or "unnamed"


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            route = route_of(request)
            REQUESTS.labels(route, request.method, str(response.status_code)).inc()
            LATENCY.labels(route).observe(time.perf_counter() - started)
        return response


class DatabaseCollector:
    """Figures read from the database at each scrape (the same from every server)."""

    def collect(self):
        now = timezone.now()
        received = CounterMetricFamily(
            "lantern_contacts_received", "Contacts received, by channel", labels=["channel"]
        )
        for channel, n in sorted(contact_queries.received_by_channel().items()):
            received.add_metric([channel], n)
        yield received
        waiting = GaugeMetricFamily(
            "lantern_queue_waiting", "Tasks waiting or offered", labels=["queue", "urgency"]
        )
        oldest = GaugeMetricFamily(
            "lantern_queue_oldest_wait_seconds",
            "How long the oldest waiting task has waited",
            labels=["queue", "urgency"],
        )
        for queue, urgency, n, first in routing_queries.waiting_by_queue():
            waiting.add_metric([queue, urgency], n)
            oldest.add_metric([queue, urgency], (now - first).total_seconds() if first else 0)
        yield waiting
        yield oldest
        yield GaugeMetricFamily(
            "lantern_offers_pending", "Offers waiting for an advocate's answer",
            value=routing_queries.pending_offers(),
        )  # fmt: skip
        yield GaugeMetricFamily(
            "lantern_dispatch_lag_seconds",
            "How long the oldest contact ready for routing has waited for it",
            value=routing_queries.dispatch_lag(now),
        )
        outbox = GaugeMetricFamily(
            "lantern_outbox_items",
            "Outbound queue rows by kind and state (dead: given up)",
            labels=["kind", "state"],
        )
        for (kind, state), n in sorted(outbox_queries.counts_by_state().items()):
            outbox.add_metric([kind, state], n)
        yield outbox
        count, first = outbox_queries.waiting()
        yield GaugeMetricFamily(
            "lantern_outbox_oldest_wait_seconds",
            "How long the oldest row not sent yet has waited",
            value=(now - first).total_seconds() if first else 0,
        )
        yield CounterMetricFamily(
            "lantern_audit_events", "Entries in the audit chain", value=audit_queries.chain_length()
        )


def exposition() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(DatabaseCollector())
    return generate_latest(registry)
