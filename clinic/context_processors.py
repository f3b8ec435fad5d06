from django.http import HttpRequest

from clinic.auth import roles_of
from clinic.middleware import idle_seconds_left


def clinic(request: HttpRequest) -> dict:
    """The signed-in user's roles, shown beside their name in the navigation, and the idle
    time after which their session ends (the page warns before)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": set()}
    return {"roles": roles_of(user), "idle_seconds": idle_seconds_left(request.session)}
