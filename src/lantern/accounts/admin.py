"""Administration screens for the admin role.

Read-mostly on purpose: every change goes through an audited action (admin actions below), never
through a model form that would bypass the audit log. Users are created with `lantern createuser`.
"""

from django.contrib import admin, messages

from lantern.accounts import actions
from lantern.accounts.choices import UserRoleChoices
from lantern.accounts.models import ApiToken, User


class AdminRoleOnly:
    """Visible to signed-in users with the admin role; no add/change/delete forms."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.role == UserRoleChoices.ADMIN

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ("username", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username",)
    fields = ("username", "role", "email", "is_active", "last_login", "date_joined")
    actions = ["end_sessions", "deactivate", "reactivate"]

    @admin.action(description="Sign selected accounts out everywhere")
    def end_sessions(self, request, queryset):
        for user in queryset:
            actions.do_end_sessions(user, actor=request.user)
        messages.success(request, "Signed out everywhere.")

    @admin.action(description="Deactivate selected accounts (sign-in and API tokens stop working)")
    def deactivate(self, request, queryset):
        for user in queryset.exclude(pk=request.user.pk):
            actions.do_set_user_active(user, False, actor=request.user)
        messages.success(request, "Deactivated (your own account is never deactivated here).")

    @admin.action(description="Reactivate selected accounts")
    def reactivate(self, request, queryset):
        for user in queryset:
            actions.do_set_user_active(user, True, actor=request.user)
        messages.success(request, "Reactivated.")


@admin.register(ApiToken)
class ApiTokenAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ("prefix", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    fields = ("prefix", "user", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            actions.do_revoke_token(token, actor=request.user)
        messages.success(request, "Revoked.")
