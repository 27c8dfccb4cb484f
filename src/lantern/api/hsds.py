"""The read-only HSDS 3.0 API at ``/hsds/`` (Open Referral ``schema/openapi.json``).

Handlers are thin: ``directory.hsds_queries`` does the reading. OpenAPI at
``/hsds/openapi.json``, docs at ``/hsds/docs``.

Access: a signed-in staff session or ``Authorization: Bearer <token>``, and the rules must allow
``view_directory``. With ``LANTERN_HSDS_PUBLIC`` on, anonymous requests are allowed too.
Confidential locations never appear in any answer, whoever asks.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from lantern.accounts import rules
from lantern.accounts.queries import user_for_token
from lantern.core.errors import InvalidInput
from lantern.directory import hsds_queries as q


class HsdsAccess(HttpBearer):
    """A bearer token, else the session's user, else (when public) an anonymous visitor."""

    def __call__(self, request):
        if request.headers.get("Authorization"):
            return super().__call__(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        if settings.LANTERN_HSDS_PUBLIC:
            return AnonymousUser()
        return None

    def authenticate(self, request, token):
        return user_for_token(token)


hsds_api = NinjaAPI(
    title="Lantern HSDS API",
    version="3.0",
    description=(
        "Open Referral HSDS 3.0, read-only. Lantern extensions on /services and "
        "/service_at_locations: `lat`, `lon` (decimal degrees, together), `radius_km` "
        "(0 < r <= 500, default 40), `language` (BCP 47 code), `open_now` (true/false), "
        "`24_7` (true/false), `population` (comma-separated codes, every one served: "
        "adults, minors, women, men, lgbtq, foreign_nationals, us_citizens, "
        "sex_trafficking_survivors, labor_trafficking_survivors), `age` (0-120: the service's "
        "age limits admit it). `proximity` is in meters, as the spec says. Confidential "
        "locations are never returned."
    ),
    auth=HsdsAccess(),
    urls_namespace="hsds",
)


def _viewer(request):
    user = request.auth
    if user.is_authenticated and not rules.allows(user, "view_directory"):
        raise PermissionDenied("the permission rules do not allow view_directory")
    return user


@hsds_api.exception_handler(InvalidInput)
def _invalid(request, exc):
    return hsds_api.create_response(
        request, {"detail": "invalid parameters: " + str(exc), "errors": exc.errors}, status=422
    )


@hsds_api.exception_handler(q.NotFound)
def _missing(request, exc):
    return hsds_api.create_response(request, {"detail": "not found"}, status=404)


@hsds_api.exception_handler(Http404)
def _missing_route(request, exc):
    return hsds_api.create_response(request, {"detail": "not found"}, status=404)


@hsds_api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return hsds_api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


@hsds_api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return hsds_api.create_response(
        request, {"detail": "sign in or send Authorization: Bearer <token>"}, status=401
    )


@hsds_api.get("/", auth=None, summary="API meta information")
def meta(request):
    return q.root(request.build_absolute_uri(reverse("hsds:openapi-json")))


@hsds_api.get("/services", summary="Paginated list of services")
def services(request):
    return q.list_services(_viewer(request), request.GET)


@hsds_api.get("/services/{id}", summary="A fully nested service")
def service(request, id: str):
    _viewer(request)
    return q.get_service(id)


@hsds_api.get("/service_at_locations", summary="Paginated list of services at locations")
def service_at_locations(request):
    return q.list_service_at_locations(_viewer(request), request.GET)


@hsds_api.get("/service_at_locations/{id}", summary="A fully nested service at a location")
def service_at_location(request, id: str):
    _viewer(request)
    return q.get_service_at_location(id)


@hsds_api.get("/organizations", summary="Paginated list of organizations")
def organizations(request):
    _viewer(request)
    return q.list_organizations(request.GET)


@hsds_api.get("/organizations/{id}", summary="A fully nested organization")
def organization(request, id: str):
    _viewer(request)
    return q.get_organization(id, request.GET)


@hsds_api.get("/taxonomies", summary="Paginated list of taxonomies")
def taxonomies(request):
    _viewer(request)
    return q.list_taxonomies(request.GET)


@hsds_api.get("/taxonomies/{id}", summary="A taxonomy")
def taxonomy(request, id: str):
    _viewer(request)
    return q.get_taxonomy(id)


@hsds_api.get("/taxonomy_terms", summary="Paginated list of taxonomy terms")
def taxonomy_terms(request):
    _viewer(request)
    return q.list_taxonomy_terms(request.GET)


@hsds_api.get("/taxonomy_terms/{id}", summary="A taxonomy term")
def taxonomy_term(request, id: str):
    _viewer(request)
    return q.get_taxonomy_term(id)
