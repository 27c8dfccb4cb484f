"""The JSON API, ``/api/v1/``. OpenAPI at ``/api/v1/openapi.json``, docs at ``/api/v1/docs``.

This module only builds the API and mounts one router per resource. A new resource goes in its
own ``api/<resource>.py`` with a ``router = Router()``, mounted below; shared helpers (auth,
errors, ``require``, ``paginate``) are in ``api/common.py``.
"""

from __future__ import annotations

from ninja import NinjaAPI

from lantern.api import assistance, audit, contacts, routing, training
from lantern.api.common import BearerToken, TextParser, install_error_handlers


class LanternAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Operation ids predate the split into one module per resource; they stay
        # ``lantern_api_urls_<handler>`` so clients generated from the schema keep their names.
        return "lantern_api_urls_" + operation.view_func.__name__


api = LanternAPI(
    title="Lantern API",
    version="1",
    description="Lantern's JSON API. Authenticate with `Authorization: Bearer <token>` "
    "(`lantern token USERNAME` prints one).",
    auth=BearerToken(),
    parser=TextParser(),
    urls_namespace="api",
)
install_error_handlers(api)

api.add_router("", contacts.router)
api.add_router("", audit.router)
api.add_router("", routing.router)
api.add_router("", training.router)
api.add_router("", assistance.router)
