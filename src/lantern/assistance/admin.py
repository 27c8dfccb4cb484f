"""The T&TA topics in the administration screens (admins only): add, rename, translate, reorder
and retire them. A topic requests use cannot be deleted (make it inactive instead); every save
is audited."""

from django.contrib import admin

from lantern.accounts.admin import AdminRoleOnly
from lantern.assistance.models import AssistanceTopic
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit


@admin.register(AssistanceTopic)
class AssistanceTopicAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ("name", "key", "position", "active")
    list_editable = ("position", "active")
    ordering = ("position", "name")

    # admins add and change topics; nobody deletes one (requests point at their topic: retire
    # it with "active" instead)
    def has_add_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(
            request.user,
            Audit.UPDATE if change else Audit.CREATE,
            obj,
            changes={name: str(form.cleaned_data.get(name)) for name in form.changed_data},
        )
