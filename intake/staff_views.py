"""Staff pages for the questionnaire: links, review, uploads and the dashboard.

A link's raw token is never stored with the invitation: only its hash is. "Create" and
"send again" (POST) make the token, email it if asked, keep it in the server-side
session and redirect; the link page (GET) takes it out of the session and shows it once.
Reloading that page shows no link and makes none: it offers "Send again", which makes a
new address, as an explicit choice.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import F
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from clinic import audit
from clinic.models import Episode
from clinic.prepared import Prepared
from intake.links import email_link, keep_to_show, qr_svg, take_to_show
from intake.models import (
    Invitation,
    Questionnaire,
    Upload,
    create_invitation,
    renew_invitation,
)


def send_link(request: HttpRequest, invitation: Invitation, url: str) -> bool:
    subject, template = "Your questionnaire from {clinic}", "intake/invitation_email.txt"
    if not email_link(request, invitation, url, subject=subject, template=template):
        return False
    patient = invitation.patient
    invitation.sent_to = patient.email
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_to", "sent_at"])
    audit.record(request, "change", invitation, detail=f"link emailed to {patient.email}")
    return True


#: The session key holding a new link's raw token until the link page has shown it once.
SESSION_NEW_LINK = "intake_new_link"


def _link_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("questionnaire_link", args=[token]))


def _hand_over(
    request: HttpRequest, invitation: Invitation, token: str, send: bool
) -> HttpResponse:
    """Email the new link if asked, then redirect to the page that shows it once."""
    sent = send and bool(invitation.patient.email)
    sent = sent and send_link(request, invitation, _link_url(request, token))
    keep_to_show(request, SESSION_NEW_LINK, invitation, token, sent=sent)
    return redirect("invitation_show", pk=invitation.pk)


@permission_required("intake.add_invitation", raise_exception=True)
@require_GET
@never_cache
def invitation_show(request: HttpRequest, pk: int) -> HttpResponse:
    """The link just made, shown once; after that, the page says so and offers "Send again"."""
    invitation = _invitation(pk)
    token, _sent = take_to_show(request, SESSION_NEW_LINK, invitation)
    context: dict[str, Any] = {
        "invitation": invitation,
        "episode": invitation.questionnaire.episode,
        "patient": invitation.patient,
        "usable": invitation.usable() and invitation.questionnaire.submitted_at is None,
    }
    if token is not None:
        url = _link_url(request, token)
        context["url"] = url
        context["qr"] = mark_safe(qr_svg(url))  # noqa: S308 - SVG made by qrcode from our own URL
        audit.record(request, "view", invitation, detail="new link shown")
    else:
        audit.record(request, "view", invitation, detail="link page, link already shown")
    return render(request, "intake/invitation_link.html", context)


def _invitation(pk: int) -> Invitation:
    return get_object_or_404(
        Invitation.objects.select_related("questionnaire__episode__patient"), pk=pk
    )


@permission_required("intake.add_invitation", raise_exception=True)
@require_POST
@never_cache
def invitation_create(request: HttpRequest, episode_pk: int) -> HttpResponse:
    episode = get_object_or_404(Episode.objects.select_related("patient"), pk=episode_pk)
    submitted = Questionnaire.objects.filter(episode=episode, submitted_at__isnull=False)
    if submitted.exists():
        messages.error(request, "The questionnaire is already submitted: no new link is needed.")
        return redirect(episode)
    invitation, token = create_invitation(episode, by=request.user)
    invitation.questionnaire.episode = episode
    audit.record(
        request, "create", invitation, patient=episode.patient, detail="questionnaire link"
    )
    return _hand_over(request, invitation, token, send=request.POST.get("send") == "1")


@permission_required("intake.add_invitation", raise_exception=True)
@require_POST
@never_cache
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    """A new token for the same link (the old address stops working), sent again."""
    invitation = _invitation(pk)
    episode = invitation.questionnaire.episode
    if invitation.revoked_at or invitation.questionnaire.submitted_at:
        messages.error(request, "This link is closed: make a new one instead.")
        return redirect(episode)
    token = renew_invitation(invitation)
    audit.record(request, "change", invitation, detail="new link made; the old one stops working")
    return _hand_over(request, invitation, token, send=request.POST.get("send") == "1")


@permission_required("intake.add_invitation", raise_exception=True)
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(pk)
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record(request, "change", invitation, detail="link revoked")
    messages.success(request, "The link is revoked: it no longer opens the questionnaire.")
    return redirect(invitation.questionnaire.episode)


@permission_required("intake.add_invitation", raise_exception=True)
@require_POST
def invitation_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(pk)
    invitation.locked_at = None
    invitation.failed_attempts = 0
    invitation.save(update_fields=["locked_at", "failed_attempts"])
    audit.record(request, "change", invitation, detail="link unlocked")
    messages.success(
        request, "The link is unlocked: the patient can try their date of birth again."
    )
    return redirect(invitation.questionnaire.episode)


@permission_required("clinic.record_clinical", raise_exception=True)
@require_POST
def questionnaire_reviewed(request: HttpRequest, episode_pk: int) -> HttpResponse:
    questionnaire = get_object_or_404(
        Questionnaire.objects.select_related("episode__patient"), episode_id=episode_pk
    )
    if questionnaire.submitted_at is None:
        messages.error(request, "The questionnaire is not submitted yet.")
    elif questionnaire.reviewed_at is None:
        questionnaire.reviewed_at = timezone.now()
        questionnaire.reviewed_by = request.user  # type: ignore[assignment]  # signed in: a User
        questionnaire.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
        audit.record(request, "change", questionnaire, detail="questionnaire reviewed")
        messages.success(request, "The questionnaire is marked as reviewed.")
    return redirect(questionnaire.episode)


@permission_required("clinic.record_clinical", raise_exception=True)
@never_cache
def upload_download(request: HttpRequest, pk: int) -> FileResponse:
    upload = get_object_or_404(
        Upload.objects.select_related("questionnaire__episode__patient"), pk=pk
    )
    audit.record(request, "export", upload, detail=f"downloaded {upload.original_name}")
    response = FileResponse(
        upload.file.open("rb"),
        as_attachment=True,
        filename=upload.original_name,
        content_type=upload.content_type,
    )
    return response


# Each list of the dashboard reads only what it shows: who, when, and (for red flags) the
# answers that say how urgent. The two without an argument are compiled once
# (`clinic.prepared`); the links' list depends on the time.
_PATIENT = ("episode__patient__first_name", "episode__patient__last_name")
FLAGGED = Prepared(
    lambda: (
        Questionnaire.objects.flagged_unreferred()
        .select_related("episode__patient")
        .only("emergency", "red_flag_at", "last_saved_at", "answers", *_PATIENT)
        .order_by("-emergency", F("red_flag_at").desc(nulls_last=True), "pk")
    )
)
TO_REVIEW = Prepared(
    lambda: (
        Questionnaire.objects.awaiting_review()
        .select_related("episode__patient")
        .only("submitted_at", "episode__chief_complaint", *_PATIENT)
        .order_by("submitted_at", "pk")
    )
)


def dashboard_context() -> dict[str, Any]:
    """What the dashboard shows of the questionnaires: red flags, answers to review, links
    still out (the page is `plans.visit_views.dashboard`, which adds the visits' flags)."""
    links = (
        Invitation.objects.filter(
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            questionnaire__submitted_at__isnull=True,
        )
        .select_related("questionnaire__episode__patient")
        .only(
            "revoked_at",
            "locked_at",
            "expires_at",
            "opened_at",
            "created_at",
            "questionnaire__submitted_at",
            "questionnaire__last_saved_at",
            *(f"questionnaire__{name}" for name in _PATIENT),
        )  # fmt: skip
        .order_by("-created_at", "-pk")
    )
    return {"flagged": FLAGGED.all(), "to_review": TO_REVIEW.all(), "links": list(links)}
