import logging
import time

logger = logging.getLogger("lantern.request")


class RequestLogMiddleware:
    """One line per request: method, path without query string, status, milliseconds.

    Never the query string (it may hold a phone number), the body, or the client's IP address.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = (time.perf_counter() - started) * 1000
        if not request.path.startswith("/static/"):
            logger.info(
                "%s %s %s %.1fms", request.method, request.path, response.status_code, elapsed
            )
        return response
