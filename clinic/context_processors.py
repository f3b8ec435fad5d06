from django.conf import settings
from django.http import HttpRequest

from clinic.roles import ADMINISTRATOR


def clinic(request: HttpRequest) -> dict:
    """The signed-in user's roles, shown beside their name in the navigation, and the idle
    time after which their session ends (the page warns before)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": set()}
    roles = {group.name for group in user.groups.all()}
    if user.is_superuser:
        roles |= {ADMINISTRATOR}
    return {"roles": sorted(roles), "idle_seconds": settings.SESSION_COOKIE_AGE}
