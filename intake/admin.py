from django.contrib import admin

from clinic.admin import SingletonAdmin
from intake.models import IntakeSettings

# Questionnaires, links and files are handled in the app, where every view is audited.


@admin.register(IntakeSettings)
class IntakeSettingsAdmin(SingletonAdmin):
    """Which validated questionnaires patients are asked."""
