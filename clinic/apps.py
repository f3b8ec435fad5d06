from typing import Any

from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


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
        connect_role_changes()


def connect_role_changes() -> None:
    """A change to who holds which role, or to what a role may do, is seen from the next
    request: the roles that sessions keep are forgotten (clinic.auth)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from clinic.auth import forget_kept_roles

    user_model = get_user_model()
    for through in (user_model.groups.through, user_model.user_permissions.through,
                    Group.permissions.through):  # fmt: skip
        m2m_changed.connect(forget_kept_roles, sender=through, dispatch_uid=f"roles-{through}")
    for model in (Group, Permission):
        for signal in (post_save, post_delete):
            signal.connect(forget_kept_roles, sender=model, dispatch_uid=f"roles-{model}")


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
