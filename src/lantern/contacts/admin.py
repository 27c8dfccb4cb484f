from django.contrib import admin

from lantern.accounts.admin import AdminRoleOnly
from lantern.contacts.models import ContactFormVersion


@admin.register(ContactFormVersion)
class ContactFormVersionAdmin(AdminRoleOnly, admin.ModelAdmin):
    """Released form versions, read-only: new versions ship as contacts/forms/contact-vN.yaml."""

    list_display = ("version", "loaded_at")
    fields = ("version", "definition", "loaded_at")
