from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Intake and assessment"

    def ready(self) -> None:
        from clinic.roles import ensure_roles

        # The roles hold intake permissions too (questionnaire links), which exist only
        # once intake's own post_migrate has created them: give them out again then.
        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="intake_roles")
