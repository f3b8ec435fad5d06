from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self) -> None:
        from clinic.roles import ensure_roles

        # Groups need the permissions that exist only after migrate has run.
        post_migrate.connect(ensure_roles, sender=self)
        post_save.connect(record_admin_change, sender="admin.LogEntry")
        from django.contrib.auth.signals import user_logged_in

        from clinic.twofactor import note_at_sign_in

        user_logged_in.connect(note_at_sign_in)


def record_admin_change(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """Every change made in Clinic admin (staff accounts, roles, passwords, settings) is
    also in the app's audit trail, in the same transaction."""
    from clinic.audit import append

    if not created:
        return
    user = instance.user
    verb = {1: "added", 2: "changed", 3: "deleted"}.get(instance.action_flag, "changed")
    message = instance.get_change_message() or ""
    append(
        user=user,
        username=user.get_username(),
        action="staff",
        object_type=(instance.content_type.model if instance.content_type else "")[:50],
        object_id=str(instance.object_id or "")[:50],
        detail=f"admin: {verb} {instance.object_repr}. {message}".strip(),
        path="admin",
    )
