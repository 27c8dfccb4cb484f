"""Routing's configuration in the administration screens (admins only). Each model's ``clean``
refuses what cannot work, so a bad calendar or workflow is shown as a form error, not saved;
every save and deletion is audited, bulk deletions ("Delete selected") and inline rows (a
calendar's closures) included."""

from django.contrib import admin
from django.db import transaction

from lantern.accounts.choices import UserRoleChoices
from lantern.audit import actions as audit
from lantern.audit.choices import AuditEventActionChoices as Audit
from lantern.routing.models import (
    AdvocateStatus,
    BusinessCalendar,
    CalendarClosure,
    Queue,
    RoutingWorkflow,
)


class AdminsOnly:
    """Admins may see, add, change and delete; nobody else sees the screen."""

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
        return self._is_admin(request)


class AdminsEdit(AdminsOnly):
    """Every save and deletion audited, in the change's transaction."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(
            request.user,
            Audit.UPDATE if change else Audit.CREATE,
            obj,
            changes={name: str(form.cleaned_data.get(name)) for name in form.changed_data},
        )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.record(request.user, Audit.DELETE, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        """ "Delete selected": one audit row per object, in the deletion's transaction."""
        with transaction.atomic():
            audit.record_many(request.user, Audit.DELETE, list(queryset))
            super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        """Inline rows (a calendar's closures) added, changed or deleted: each audited."""
        with transaction.atomic():
            formset.save(commit=False)
            for obj in formset.deleted_objects:
                audit.record(request.user, Audit.DELETE, obj)
                obj.delete()
            for obj in formset.new_objects:
                obj.save()
                audit.record(request.user, Audit.CREATE, obj, changes=_values(obj))
            for obj, fields in formset.changed_objects:
                obj.save()
                audit.record(
                    request.user, Audit.UPDATE, obj,
                    changes={name: str(getattr(obj, name, "")) for name in fields},
                )  # fmt: skip
            formset.save_m2m()


def _values(obj) -> dict:
    return {
        f.name: str(getattr(obj, f.name))
        for f in obj._meta.concrete_fields
        if not f.primary_key and not f.is_relation
    }


class ClosureInline(AdminsOnly, admin.TabularInline):
    model = CalendarClosure
    extra = 1


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(AdminsEdit, admin.ModelAdmin):
    list_display = ("label", "name", "time_zone", "holidays", "updated_at")
    inlines = [ClosureInline]


@admin.register(Queue)
class QueueAdmin(AdminsEdit, admin.ModelAdmin):
    list_display = (
        "label", "name", "priority", "calendar", "review_calendar", "answer_within_seconds",
        "service_level_percent", "diverted_to", "active",
    )  # fmt: skip

    def has_delete_permission(self, request, obj=None):
        return False  # contacts point at their queue: make it inactive instead


@admin.register(RoutingWorkflow)
class RoutingWorkflowAdmin(AdminsEdit, admin.ModelAdmin):
    """Save a new workflow to change routing (the newest active one is used); the old ones stay
    as the record of what was in force when."""

    list_display = ("__str__", "note", "active", "created_at")
    fields = ("definition", "note", "active")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AdvocateStatus)
class AdvocateStatusAdmin(AdminsEdit, admin.ModelAdmin):
    list_display = ("user", "presence", "skills", "capacity")
    fields = ("user", "skills", "capacity", "presence")
    readonly_fields = ("presence",)
