"""Courses, the queues that require them, and the quality rubric, in the administration screens
(administrators only; every save and deletion audited, as routing's configuration)."""

from django.contrib import admin

from lantern.routing.admin import AdminsEdit, AdminsOnly
from lantern.training.models import Course, CourseRequirement, Criterion, Rubric


class RequirementInline(AdminsOnly, admin.TabularInline):
    model = CourseRequirement
    extra = 1
    verbose_name = "queue that requires this course"
    verbose_name_plural = "queues that require this course"


@admin.register(Course)
class CourseAdmin(AdminsEdit, admin.ModelAdmin):
    list_display = ("name", "validity_months", "active")
    inlines = [RequirementInline]

    def has_delete_permission(self, request, obj=None):
        return False  # records point at their course: make it inactive instead


class CriterionInline(AdminsOnly, admin.TabularInline):
    model = Criterion
    extra = 1
    fields = ("position", "name", "description", "scale", "weight")


@admin.register(Rubric)
class RubricAdmin(AdminsEdit, admin.ModelAdmin):
    """One rubric is active. A review keeps the rubric it was scored on: to change the criteria
    of a rubric already used, make a new one and activate it."""

    list_display = ("name", "active", "created_at")
    fields = ("name", "active")
    inlines = [CriterionInline]

    def has_delete_permission(self, request, obj=None):
        return False
