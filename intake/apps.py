from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Intake and assessment"

    def ready(self) -> None:
        from clinic.roles import ADMINISTRATOR, FRONT_DESK, PRACTITIONER, ensure_roles, grant

        # Questionnaire links are made at the front desk and in the treatment room; the
        # administrator chooses the questionnaires.
        grant(PRACTITIONER, "intake.add_invitation")
        grant(FRONT_DESK, "intake.add_invitation")
        grant(ADMINISTRATOR, "intake.view_intakesettings", "intake.change_intakesettings")
        # These permissions exist only once intake's own post_migrate has created them:
        # give the roles out again then.
        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="intake_roles")
