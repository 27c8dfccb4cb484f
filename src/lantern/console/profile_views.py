"""The signed-in user's own profile: the language the console speaks to them."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lantern.accounts import actions
from lantern.console.forms import ProfileForm
from lantern.console.middleware import console_language


def profile(request):
    form = ProfileForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        actions.do_set_user_language(
            request.user, form.cleaned_data["language"], actor=request.user
        )
        with translation.override(console_language(request)):  # say it in the new language
            messages.success(request, _("Your profile is saved."))
        return redirect("console:profile")
    ctx = {"form": form, "time_zone": timezone.get_current_timezone_name()}
    return render(request, "console/profile.html", ctx)
