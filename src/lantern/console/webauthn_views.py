"""Security keys and passkeys (django-otp-webauthn's JSON endpoints) for Lantern's sign-in.

The library's views work on ``request.user``; Lantern signs nobody in before the second
factor, so here they work on the user whose password was just right in this browser (or on the
signed-in user adding a key from their account page).
"""

from django.http import JsonResponse
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as library

from lantern.accounts import actions
from lantern.console.account_views import complete_sign_in, pending_user


class _Unverified:
    """is_verified() for a user not signed in yet: nothing to re-verify before the first key."""

    @staticmethod
    def attach(user):
        if user is not None and not hasattr(user, "is_verified"):
            user.is_verified = lambda: False
        return user


class RegistrationMixin:
    def get_user(self):
        if self.request.user.is_authenticated:
            return self.request.user
        return _Unverified.attach(pending_user(self.request, "enrol"))

    def user_is_mfa_enrolled(self, user):
        # A user enrolling at sign-in has no factor yet (else they would have been asked for it);
        # a signed-in user must have passed theirs (the library checks is_verified()).
        return self.request.user.is_authenticated and super().user_is_mfa_enrolled(user)


class BeginRegistration(RegistrationMixin, library.BeginCredentialRegistrationView):
    pass


class CompleteRegistration(RegistrationMixin, library.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        user = self.get_user()
        state = self.get_state()
        helper = self.get_helper()
        with library.rewrite_exceptions(logger=library._get_pywebauthn_logger()):
            device = helper.register_complete(user=user, state=state, data=self.request.data)
        actions.do_record_security_key_added(device, actor=user)
        if not self.request.user.is_authenticated:
            complete_sign_in(self.request, user, device)
        return JsonResponse({"id": device.pk})


class AuthenticationMixin:
    def get_user(self):
        return pending_user(self.request, "verify")

    def check_can_authenticate(self):
        if self.get_user() is None:
            raise exceptions.PasswordlessLoginDisabled()


class BeginAuthentication(AuthenticationMixin, library.BeginCredentialAuthenticationView):
    pass


class CompleteAuthentication(AuthenticationMixin, library.CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        user = self.get_user()
        if device.user_id != user.pk:
            raise exceptions.CredentialNotFound()
        self.next_url = complete_sign_in(self.request, user, device)

    def get_success_url(self):
        return self.next_url
