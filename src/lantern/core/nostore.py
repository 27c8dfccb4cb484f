"""No page is kept by the browser or by anything between it and Lantern (issue 16).

A hotline page in a browser's cache, or restored by Back, can tell whoever picks the device up
next that someone reached out: every response except static files (served before this
middleware, by WhiteNoise) says ``Cache-Control: no-store``. The staff console gains the same:
a shared computer keeps no copy of a contact.
"""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response
