"""Write the audit trail: one event per view, change, print or export of patient data,
per refusal, and per change to staff accounts; each sealed to the one before it."""

import hmac
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest, HttpResponse

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
    return append(
        user=user,
        username=user.get_username() if user else "",
        action=action,
        patient=patient,
        object_type=(obj._meta.model_name or "") if obj is not None else "page",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail,
        path=request.get_full_path(),
        ip_address=client_address(request),
    )


def shown(
    request: HttpRequest,
    response: HttpResponse,
    obj: models.Model | None = None,
    *,
    patient: Patient | None = None,
    detail: str = "",
) -> HttpResponse:
    """Record the view of a page once it is rendered, and hand the page on.

    On PostgreSQL the chain's lock is held from an event's insert until the request
    commits: a page that records its view before rendering holds up every other request's
    event (and so its page) while it renders; recorded last, the lock lasts an insert."""
    record(request, "view", obj, patient=patient, detail=detail)
    return response


#: The PostgreSQL advisory lock that orders the chain: one writer at a time, taken and held
#: until the request commits by `clinic_audit_chain_tip()`, which then reads the last seal.
CHAIN_LOCK = 7_201_311


@transaction.atomic(savepoint=False)
def append(**fields: Any) -> AuditEvent:
    """Add an event at the end of the chain, sealed with the seal of the one before it.

    Inside the caller's transaction: the event commits with the change it records, or
    neither does. The chain's lock is held until then, so seals follow the rows' order.
    """
    for name in ("detail", "path"):
        fields[name] = (fields.get(name) or "")[:300]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the lock, then the seal (migration 0007)
            cursor.execute("SELECT clinic_audit_chain_tip(%s)", [CHAIN_LOCK])
        else:  # SQLite: one writer at a time already (BEGIN IMMEDIATE)
            cursor.execute(LAST_SEAL)
        previous = cursor.fetchone()
    event = AuditEvent(**fields)
    event.seal = event.compute_seal((previous and previous[0]) or "")
    event.save(force_insert=True)
    return event


#: The seal of the last event: plain SQL, as every page appends an event and the ORM spends
#: more time building this statement than the database spends answering it.
_table, _pk = AuditEvent._meta.db_table, AuditEvent._meta.pk.column
LAST_SEAL = f"SELECT seal FROM {_table} ORDER BY {_pk} DESC LIMIT 1"  # noqa: S608


def broken_link(events: Any) -> AuditEvent | None:
    """The first event (in the order written) whose seal does not follow, or None."""
    previous = ""
    for event in events:
        if not hmac.compare_digest(event.seal, event.compute_seal(previous)):
            return event
        previous = event.seal
    return None
