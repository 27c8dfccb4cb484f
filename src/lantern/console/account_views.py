"""Signing in (password, then a second factor), enrolling one, and one's own account:
second factors, password, sessions. Plus a supervisor's reset of a colleague's lost factor."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from lantern.accounts import actions, queries, rules, signin, twofactor
from lantern.accounts.exceptions import AccountError
from lantern.accounts.models import RecoveryCodeDevice, User
from lantern.console.account_forms import (
    CodeForm,
    FactorResetForm,
    PasswordChangeForm,
    SignInForm,
)

BACKEND = "lantern.accounts.backends.ThrottledModelBackend"
PENDING = "lantern_pending_signin"  # a password was right; the second factor is still due
PENDING_FOR = 10 * 60  # seconds


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("console:home")


def pending_user(request, step: str) -> User | None:
    """The user whose password was right in this browser a moment ago, for ``step``."""
    pending = request.session.get(PENDING)
    if not pending or pending.get("step") != step or time.time() - pending["at"] > PENDING_FOR:
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


def webauthn_config(request) -> dict:
    """What the library's scripts read from the page (``otp_webauthn_config``)."""
    from django.middleware import csrf
    from django.urls import reverse

    return {
        "autocompleteLoginFieldSelector": None,
        "nextFieldSelector": "input[name='next']",
        "csrfToken": csrf.get_token(request),
        "beginAuthenticationUrl": reverse("console:webauthn_auth_begin"),
        "completeAuthenticationUrl": reverse("console:webauthn_auth_complete"),
        "beginRegistrationUrl": reverse("console:webauthn_register_begin"),
        "completeRegistrationUrl": reverse("console:webauthn_register_complete"),
    }


def _set_pending(request, user, step: str, next_url: str) -> None:
    request.session[PENDING] = {"user": user.pk, "step": step, "at": time.time(), "next": next_url}


def complete_sign_in(request, user, device=None) -> str:
    """Sign in for real (a new session key), remember the second factor; where to go next."""
    next_url = (request.session.get(PENDING) or {}).get("next") or reverse("console:home")
    auth_login(request, user, backend=BACKEND)
    if device is not None:
        otp_login(request, device)
    request.session.pop(PENDING, None)
    return next_url


@sensitive_post_parameters("password", "code")
@never_cache
def sign_in(request):
    if request.user.is_authenticated:
        return redirect(_next(request))
    form = SignInForm(request.POST or None)
    wait = 0
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        attempt = signin.check_password(data["username"], data["password"], code=data["code"])
        user = attempt.user
        if attempt.wait_seconds:
            wait = attempt.wait_seconds
        elif not attempt.ok:
            form.add_error(None, _("That username and password do not match."))
        elif attempt.device is not None:
            _set_pending(request, user, "done", _next(request))
            return redirect(complete_sign_in(request, user, attempt.device))
        elif twofactor.has_second_factor(user):
            _set_pending(request, user, "verify", _next(request))
            return redirect("console:sign_in_verify")
        elif settings.LANTERN_REQUIRE_2FA:
            _set_pending(request, user, "enrol", _next(request))
            return redirect("console:sign_in_enrol")
        else:
            _set_pending(request, user, "done", _next(request))
            return redirect(complete_sign_in(request, user))
    return render(
        request,
        "console/login.html",
        {
            "form": form,
            "wait": wait,
            "ask_code": bool(wait or form["code"].value()),
            "next": _next(request),
        },
    )


@sensitive_post_parameters("code")
@never_cache
def sign_in_verify(request):
    user = pending_user(request, "verify")
    if user is None:
        return redirect("console:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify_code(user, form.cleaned_data["code"])
        if device is not None:
            return redirect(complete_sign_in(request, user, device))
        actions.do_record_second_factor_failure(user)
        form.add_error("code", _("That code did not work. Codes change every 30 seconds."))
    has_key = WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    return render(
        request,
        "console/sign_in_verify.html",
        {"form": form, "has_key": has_key, "webauthn": webauthn_config(request)},
    )


@sensitive_post_parameters("code")
@never_cache
def sign_in_enrol(request):
    """First sign-in where a second factor is required: set up an authenticator app or a key."""
    user = pending_user(request, "enrol")
    if user is None:
        return redirect("console:login")
    return _enrol(request, user, signing_in=True)


@sensitive_post_parameters("code")
@never_cache
def factor_add(request):
    return _enrol(request, request.user, signing_in=False)


def _enrol(request, user, *, signing_in: bool):
    device = twofactor.pending_totp_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actor = user if signing_in else request.user
        if actions.do_confirm_totp_device(device, form.cleaned_data["code"], actor=actor):
            if signing_in:
                complete_sign_in(request, user, device)
            codes = actions.do_make_recovery_codes(user, actor=actor)
            return render(request, "console/recovery_codes.html", {"codes": codes})
        form.add_error("code", _("That code did not work. Check the time on your phone."))
    return render(
        request,
        "console/factor_enrol.html",
        {
            "form": form,
            "signing_in": signing_in,
            "qr": twofactor.qr_svg(device.config_url),
            "secret": twofactor.totp_secret_text(device),
            "webauthn": webauthn_config(request),
        },
    )


@require_POST
def recovery_codes_new(request):
    codes = actions.do_make_recovery_codes(request.user, actor=request.user)
    return render(request, "console/recovery_codes.html", {"codes": codes})


@never_cache
def account(request):
    user = request.user
    totp = TOTPDevice.objects.filter(user=user, confirmed=True)
    keys = WebAuthnCredential.objects.filter(user=user, confirmed=True)
    recovery = RecoveryCodeDevice.objects.filter(user=user).first()
    return render(
        request,
        "console/account.html",
        {
            "totp": totp,
            "keys": keys,
            "recovery_left": recovery.codes.count() if recovery else 0,
            "sessions": queries.sessions_for(user),
            "current_session": request.session.session_key,
            "require_2fa": settings.LANTERN_REQUIRE_2FA,
        },
    )


@require_POST
def factor_remove(request, kind: str, device_id: int):
    model = {"totp": TOTPDevice, "key": WebAuthnCredential}.get(kind)
    if model is None:
        raise Http404
    device = get_object_or_404(model, pk=device_id, user=request.user)
    others = [d for d in twofactor.factors(request.user) if d != device]
    if settings.LANTERN_REQUIRE_2FA and not any(
        not isinstance(d, RecoveryCodeDevice) for d in others
    ):
        messages.error(request, _("Add another authenticator app or key before removing this one."))
    else:
        actions.do_remove_second_factor(device, actor=request.user)
        messages.success(request, _("Removed."))
    return redirect("console:account")


@sensitive_post_parameters("old_password", "new_password", "new_password_again")
@never_cache
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_change_password(
                request.user,
                data["old_password"],
                data["new_password"],
                actor=request.user,
                keep_session_key=request.session.session_key,
            )
        except AccountError as exc:
            form.add_error(None, str(exc))
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, request.user)
            messages.success(request, _("Password changed. Your other sessions were signed out."))
            return redirect("console:account")
    return render(request, "console/password_change.html", {"form": form})


@require_POST
def sign_out_everywhere(request):
    actions.do_end_sessions(request.user, actor=request.user)
    # this browser's session was among them
    request.session.flush()
    messages.success(request, _("You were signed out everywhere."))
    return redirect("console:login")


@never_cache
def staff_factors(request):
    if not rules.allows(request.user, "reset_second_factor"):
        raise Http404
    users = queries.staff_for_factor_reset(request.user)
    return render(request, "console/staff_factors.html", {"users": users})


@require_POST
def staff_factor_reset(request, user_id: int):
    if not rules.allows(request.user, "reset_second_factor"):
        raise Http404
    user = get_object_or_404(queries.staff_for_factor_reset(request.user), pk=user_id)
    form = FactorResetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why, for the audit log."))
        return redirect("console:staff_factors")
    try:
        actions.do_reset_second_factors(
            user, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "%(name)s's second factors were removed; they set up a new one at their next "
                "sign-in."
            )
            % {"name": user.username},
        )
    return redirect("console:staff_factors")
