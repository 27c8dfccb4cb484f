"""The agency's side of a tip report: the secure, expiring, single-recipient link.

An agency has no account. The link's token opens one approved report; the first browser that
opens it claims it (a cookie holding a secret only that browser has) and any other browser is
refused, so a forwarded link shows nothing. Opening takes a button press (a POST) because mail
scanners follow links in email with GET: they would otherwise claim the link before the
recipient did.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lantern.cases.reports import actions, pdf, queries
from lantern.cases.reports.actions import AgencyLinkRefused

COOKIE = "lantern_agency_claim"


def _private(response):
    # same-origin (the site's default) rather than no-referrer: with no-referrer Chromium posts
    # forms with "Origin: null" and CSRF protection refuses them. The page links nowhere else,
    # so the token in its address never reaches another site.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refused(request, exc: AgencyLinkRefused):
    return _private(
        render(request, "public/agency_refused.html", {"reason": exc.reason}, status=exc.status)
    )


@never_cache
@require_http_methods(["GET", "POST"])
def agency_report(request, token):
    claim = request.COOKIES.get(COOKIE)
    try:
        if request.method == "GET" and not claim:
            link = actions.find_link(token)
            if not link.claim_hash:
                return _private(render(request, "public/agency_open.html", {"link": link}))
        link, new_claim = actions.open_agency_link(token, claim)
    except AgencyLinkRefused as exc:
        return _refused(request, exc)
    if new_claim:
        response = redirect("public:agency_report", token=token)
        response.set_cookie(
            COOKIE, new_claim, max_age=int((link.expires_at - link.claimed_at).total_seconds()),
            path=request.path, secure=request.is_secure(), httponly=True, samesite="Lax",
        )  # fmt: skip
        return _private(response)
    return _private(
        render(
            request, "public/agency_report.html",
            {"link": link, "c": queries.agency_content(link), "token": token,
             "digest": link.report.approved_digest,
             "acknowledged": link.report.status in ("acknowledged", "closed")},
        )
    )  # fmt: skip


@never_cache
@require_http_methods(["GET"])
def agency_pdf(request, token):
    try:
        link, document = actions.agency_pdf(token, request.COOKIES.get(COOKIE))
    except AgencyLinkRefused as exc:
        return _refused(request, exc)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = pdf.content_disposition(link.report)
    return _private(response)


@never_cache
@require_POST
def agency_acknowledge(request, token):
    try:
        actions.acknowledge_via_link(
            token, request.COOKIES.get(COOKIE), name=request.POST.get("name", ""),
            note=request.POST.get("note", ""),
        )  # fmt: skip
    except AgencyLinkRefused as exc:
        return _refused(request, exc)
    return redirect("public:agency_report", token=token)
