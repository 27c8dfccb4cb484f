"""``GET /healthz``: the process answers. Load balancers and ``bench/intake.py`` (its ceiling)."""

from django.http import HttpResponse


def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain")
