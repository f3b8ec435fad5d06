from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self) -> None:
        from clinic.roles import ensure_roles

        # Groups need the permissions that exist only after migrate has run.
        post_migrate.connect(ensure_roles, sender=self)
