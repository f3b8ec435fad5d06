from django.contrib import admin
from django.http import HttpRequest

from intake.models import IntakeSettings

# Questionnaires, links and files are handled in the app, where every view is audited.


@admin.register(IntakeSettings)
class IntakeSettingsAdmin(admin.ModelAdmin):
    """Which validated questionnaires patients are asked. There is one row."""

    list_display = ["__str__", "ask_odi", "ask_start_back", "ask_sbi"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not IntakeSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
