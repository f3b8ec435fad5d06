from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from clinic.models import AuditEvent, ClinicSettings

# Patients and episodes are managed in the app, where every view is audited.


class SingletonAdmin(admin.ModelAdmin):
    """Settings with one row (a model with `load()`): the list opens that row for editing."""

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        row = self.model.load()
        return redirect(f"admin:{row._meta.app_label}_{row._meta.model_name}_change", row.pk)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ClinicSettings)
class ClinicSettingsAdmin(SingletonAdmin):
    pass


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: nobody edits or deletes the audit trail."""

    list_display = ["at", "username", "action", "patient", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "username"]
    search_fields = ["patient__search_name", "username", "path"]
    raw_id_fields = ["patient", "user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.unregister(User)


@admin.register(User)
class StaffAdmin(UserAdmin):
    """Staff accounts. Only a superuser grants superuser status or single permissions, or
    edits a superuser: the clinic administrator manages roles through the groups."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return readonly
        return (*readonly, "is_superuser", "user_permissions", "last_login", "date_joined")

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        users = super().get_queryset(request)
        return users if request.user.is_superuser else users.filter(is_superuser=False)
