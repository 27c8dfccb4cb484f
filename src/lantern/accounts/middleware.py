from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from lantern.accounts import sessions


class SessionPolicyMiddleware:
    """Signs a staff member out after the idle timeout or the absolute session lifetime."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = sessions.ended(request)
            if reason:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after a while without activity.")
                    if reason == "idle"
                    else _("Your session reached its time limit; please sign in again."),
                )
                login = reverse("console:login")
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = login
                    return response
                if request.path.startswith(("/api/", "/hsds/")):
                    return HttpResponse(status=401)
                return redirect_to_login(request.path)
        return self.get_response(request)
