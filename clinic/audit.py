"""Write the audit trail: one event per view, change, print or export of patient data."""

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from clinic.models import AuditEvent, Patient


def client_address(request: HttpRequest) -> str | None:
    """The client's address: behind a reverse proxy, from the header the proxy sets."""
    if settings.CLIENT_IP_HEADER:
        forwarded = request.META.get(settings.CLIENT_IP_HEADER, "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR") or None


def record(
    request: HttpRequest,
    action: str,
    obj: models.Model | None = None,
    *,
    patient: Patient | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append one event for what `request.user` did to `obj` (and whose data it is)."""
    if patient is None and isinstance(obj, Patient):
        patient = obj
    if patient is None and obj is not None:
        patient = getattr(obj, "patient", None)
    user = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        user=user,
        username=user.get_username() if user else "",
        action=action,
        patient=patient,
        object_type=(obj._meta.model_name or "") if obj is not None else "page",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail[:300],
        path=request.get_full_path()[:300],
        ip_address=client_address(request),
    )
