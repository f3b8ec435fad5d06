from django.contrib import admin
from django.http import HttpRequest

from clinic.models import AuditEvent, ClinicSettings

# Patients and episodes are managed in the app, where every view is audited.


@admin.register(ClinicSettings)
class ClinicSettingsAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "email"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ClinicSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: nobody edits or deletes the audit trail."""

    list_display = ["at", "username", "action", "patient", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "username"]
    search_fields = ["patient__search_name", "username", "path"]
    raw_id_fields = ["patient", "user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
