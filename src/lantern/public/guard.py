"""What every public form that files something goes through (the tip form, the chat's pre-chat
form, the T&TA request form): a proof of work that grows under a flood, a cap on how many one
browser session may send (``LANTERN_SESSION_INTAKE_LIMIT``), and, for forms that carry a
once-only token (``once``), one filing however many times the same form is sent.
docs/intake.md, "Floods"."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lantern.core import pow
from lantern.public import once

OPENED = "lantern_opened"  # how many tips, chats and requests this browser session opened


def retry_message() -> str:
    return _("Please try again: the page needs a moment to check your browser.")


def over_limit(request) -> bool:
    return request.session.get(OPENED, 0) >= settings.LANTERN_SESSION_INTAKE_LIMIT


def opened(request) -> None:
    """Count one filing against the browser session's cap and the site's flood gauge."""
    request.session[OPENED] = request.session.get(OPENED, 0) + 1
    pow.count(pow.INTAKE)


def limit_page(request):
    return render(request, "public/limit.html", status=429)


def work_done(request) -> bool:
    return pow.verify(request.POST.get("challenge", ""), request.POST.get("work", ""), pow.INTAKE)


def form_context(*, with_once: bool = True) -> dict:
    """A fresh challenge (and once-only token) for the form's page."""
    challenge = pow.new_challenge(pow.INTAKE)
    context = {"challenge": challenge, "bits": pow.bits_of(challenge)}
    if with_once:
        context["once"] = once.new()
    return context


def gate(request, received: Callable[[str], bool], sent: str):
    """Before a posted form with a once-only token files anything: ``(key, response, error)``.
    ``response`` is what to answer at once (the form was sent already: to the ``sent`` page;
    over the session's cap: 429), else ``error`` says the work or the token is missing or
    wrong, else the form may file under ``key``."""
    key = once.key(request.POST.get("once", ""))
    if key and received(key):
        return key, redirect(sent), ""
    if over_limit(request):
        return key, limit_page(request), ""
    if not key or not work_done(request):
        return key, None, retry_message()
    return key, None, ""
