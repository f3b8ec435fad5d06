from django.http import HttpRequest

from clinic.roles import ADMINISTRATOR, FRONT_DESK, PRACTITIONER


def clinic(request: HttpRequest) -> dict:
    """The signed-in user's roles, for navigation by role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": set()}
    roles = {group.name for group in user.groups.all()}
    if user.is_superuser:
        roles |= {ADMINISTRATOR}
    return {
        "roles": roles,
        "is_practitioner": PRACTITIONER in roles,
        "is_front_desk": FRONT_DESK in roles,
        "is_administrator": ADMINISTRATOR in roles,
    }
