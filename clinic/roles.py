"""Staff roles as Django groups, with the permissions each role holds.

- Practitioner: everything clinical (episodes, findings, plans) and patients.
- Front desk: patients, opening episodes, questionnaire invitations and printing;
  nothing clinical.
- Administrator: reads the audit trail and manages the clinic in Django admin.

This module lists the clinic's own (and Django's auth) permissions. Every other app
adds its own with `grant()` from its `AppConfig.ready()`, so clinic names no other app.
"""

from typing import Any

from django.contrib.auth.models import Group, Permission

PRACTITIONER = "Practitioner"
FRONT_DESK = "Front desk"
ADMINISTRATOR = "Administrator"

# Each role's permissions as "app_label.codename".
ROLE_PERMISSIONS: dict[str, list[str]] = {
    PRACTITIONER: [
        "clinic.view_patient",
        "clinic.add_patient",
        "clinic.change_patient",
        "clinic.view_episode",
        "clinic.add_episode",
        "clinic.change_episode",
        "clinic.record_clinical",
    ],
    FRONT_DESK: [
        "clinic.view_patient",
        "clinic.add_patient",
        "clinic.change_patient",
        "clinic.view_episode",
        # Opening an episode (complaint, practitioner, first visit) starts a new patient's
        # care, so that a questionnaire link can go out; changing it stays clinical.
        "clinic.add_episode",
    ],
    ADMINISTRATOR: [
        "clinic.view_auditevent",
        "clinic.view_clinicsettings",
        "clinic.change_clinicsettings",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
    ],
}


def grant(role: str, *permissions: str) -> None:
    """Give a role more permissions ("app_label.codename"); granting twice is harmless."""
    held = ROLE_PERMISSIONS[role]
    held.extend(name for name in permissions if name not in held)


def ensure_roles(**kwargs: Any) -> None:
    """Create the role groups and give each exactly its permissions (post_migrate)."""
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                permissions.append(permission)
        group.permissions.set(permissions)
