from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from lantern.api.hsds import hsds_api
from lantern.api.urls import api
from lantern.health import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="console:home", permanent=False)),
    path("console/", include("lantern.console.urls")),
    path("api/v1/", api.urls),
    path("hsds/", hsds_api.urls),
    path("intake/", include("lantern.intake.urls")),
    path("", include("lantern.public.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
