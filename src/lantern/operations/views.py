"""``/healthz`` (the process answers) and ``/readyz`` (this server can take contacts now)."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.cache import never_cache

from lantern.operations import access, health


def healthz(request):
    """Liveness: cheap, touches nothing (load balancers, bench/intake.py's ceiling)."""
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
def readyz(request):
    """200 when every check passes, else 503 with the failing checks. The reasons (key ids, free
    space, counts; never personal data) only for the machine itself or the metrics token; others
    see which checks fail."""
    results = health.cached()
    ready = all(r.ok for r in results)
    detailed = access.may_read(request)
    checks = {r.name: {"ok": r.ok, **({"detail": r.detail} if detailed else {})} for r in results}
    return JsonResponse({"ready": ready, "checks": checks}, status=200 if ready else 503)


@never_cache
def metrics(request):
    """Prometheus' text format, for this machine or the metrics token only."""
    if not access.may_read(request):
        return HttpResponseForbidden(
            "metrics: from this machine, or with Authorization: Bearer $LANTERN_METRICS_TOKEN\n",
            content_type="text/plain",
        )
    from prometheus_client import CONTENT_TYPE_LATEST

    from lantern.operations.metrics import exposition

    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
