"""The T&TA topics in the administration screens (admins only): add, rename, translate, reorder
and retire them. A topic requests use cannot be deleted (make it inactive instead); every save
is audited."""

from django.contrib import admin

from lantern.accounts.choices import UserRoleChoices
from lantern.assistance.models import AssistanceTopic
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit


@admin.register(AssistanceTopic)
class AssistanceTopicAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "position", "active")
    list_editable = ("position", "active")
    ordering = ("position", "name")

    def _is_admin(self, request) -> bool:
        return request.user.is_active and request.user.role == UserRoleChoices.ADMIN

    def has_module_permission(self, request):
        return self._is_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_add_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_change_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False  # requests point at their topic: retire it (inactive) instead

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(
            request.user,
            Audit.UPDATE if change else Audit.CREATE,
            obj,
            changes={name: str(form.cleaned_data.get(name)) for name in form.changed_data},
        )
