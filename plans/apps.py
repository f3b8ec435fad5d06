from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Treatment plans"

    def ready(self) -> None:
        from clinic.roles import FRONT_DESK, PRACTITIONER, ensure_roles, grant

        # A referral letter is printed and posted in the room or at the front desk.
        grant(PRACTITIONER, "plans.send_referral")
        grant(FRONT_DESK, "plans.send_referral")
        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="plans_roles")
