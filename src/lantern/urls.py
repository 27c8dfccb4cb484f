"""The site's URL map.

Every view needs a signed-in user (``LoginRequiredMiddleware``) unless it is marked
``login_not_required``. Whole areas with their own access checks are marked here, once, by
``anyone()``: the public site (tip form, chat, follow-up, statistics, agency links), the Twilio
webhooks (signed requests), the JSON API (bearer tokens, 401 otherwise), the HSDS API (tokens,
sessions or public), the admin (its own sign-in) and the health check. A staff page never goes
in one of those areas; a public page elsewhere takes ``@login_not_required`` itself.
"""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import URLResolver, include, path
from django.views.generic import RedirectView

from lantern.api.hsds import hsds_api
from lantern.api.urls import api
from lantern.operations.views import healthz, metrics, readyz


def _mark(patterns) -> None:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _mark(pattern.url_patterns)
        elif getattr(pattern.callback, "login_required", True):
            login_not_required(getattr(pattern.callback, "__func__", pattern.callback))


def anyone(urlconf):
    """``include()`` whose views need no session: they check access themselves."""
    patterns, app_name, namespace = urlconf if isinstance(urlconf, tuple) else include(urlconf)
    urls = patterns if isinstance(patterns, list) else patterns.urlpatterns
    _mark(urls)
    return patterns, app_name, namespace


urlpatterns = [
    path(
        "",
        login_not_required(RedirectView.as_view(pattern_name="console:home", permanent=False)),
    ),
    path("console/", include("lantern.console.urls")),
    path("api/v1/", anyone(api.urls)),
    path("hsds/", anyone(hsds_api.urls)),
    path("intake/", anyone("lantern.intake.urls")),
    path("", anyone("lantern.public.urls")),
    # the admin site signs in through the console, with the second factor
    path(
        "admin/login/",
        login_not_required(
            RedirectView.as_view(pattern_name="console:login", query_string=True, permanent=False)
        ),
    ),
    path("admin/", anyone(admin.site.urls)),
    path("healthz", login_not_required(healthz), name="healthz"),
    path("readyz", login_not_required(readyz), name="readyz"),
    path("metrics", login_not_required(metrics), name="metrics"),
]

# JSON for the API, 503 with Retry-After when the database is busy (lantern.operations.errors)
handler400 = "lantern.operations.errors.bad_request"
handler403 = "lantern.operations.errors.permission_denied"
handler404 = "lantern.operations.errors.page_not_found"
handler500 = "lantern.operations.errors.server_error"
