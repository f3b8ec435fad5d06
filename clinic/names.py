"""How the app names staff members: plain, so templates' filters can use it without models."""


def display_name(user: object) -> str:
    """A staff member as people call them: their full name, else their username."""
    if user is None:
        return ""
    # Any user model will do (duck-typed), so the filter needs no models import.
    return user.get_full_name() or user.get_username()  # type: ignore[attr-defined]
