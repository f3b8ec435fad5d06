"""The patient's pages: open the link, confirm the date of birth, answer, submit.

No login: the link is the key. Its token is exchanged at once for the invitation's id
in the session, and the browser goes on to addresses without it. Every page checks that
the session's link is still usable; an unknown, expired, revoked or locked link, and a
spent one, all show the same neutral page. No page is cached or sends a referrer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, rotate_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from clinic import audit
from clinic.models import ClinicSettings
from clinic.prepared import Prepared
from intake import questionnaire as q
from intake.forms import (
    MAX_UPLOADS,
    TOO_MANY_UPLOADS,
    BirthDateForm,
    UploadForm,
    asked_questionnaires,
    step_form,
)
from intake.models import (
    IntakeSettings,
    Invitation,
    Questionnaire,
    Upload,
    compare_birth_date,
    hash_token,
    save_answers,
)

SESSION_INVITATION = "intake_invitation"
SESSION_VERIFIED = "intake_verified"
SESSION_JUST_OPENED = "intake_just_opened"
# The hash of the token the session was opened with: "Send again" gives the invitation a
# new token, and sessions opened with the old one end.
SESSION_LINK_HASH = "intake_token_hash"

PatientView = Callable[..., HttpResponse]


class PatientCsrfMiddleware(CsrfViewMiddleware):
    """CSRF protection for pages that send no referrer.

    Under `Referrer-Policy: no-referrer` browsers post forms with `Origin: null` and no
    Referer, which Django's origin check refuses. Here a null origin is accepted when the
    browser says the request came from this site (`Sec-Fetch-Site`, sent whatever the
    referrer policy) or says nothing; the CSRF token is still required, and the session
    cookie (SameSite=Lax) is not sent on another site's form anyway.
    """

    def _origin_verified(self, request: HttpRequest) -> bool:
        if request.META.get("HTTP_ORIGIN") == "null":
            return request.META.get("HTTP_SEC_FETCH_SITE", "same-origin") == "same-origin"
        return super()._origin_verified(request)  # type: ignore[misc]  # private in the stubs


# django-stubs types a middleware decorator's result loosely; it returns the view it wraps.
patient_csrf_protect = cast(
    Callable[[PatientView], PatientView], decorator_from_middleware(PatientCsrfMiddleware)
)


def private(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def link_unusable(request: HttpRequest) -> HttpResponse:
    """The one page for every link that cannot be used, whatever the reason."""
    request.session.pop(SESSION_INVITATION, None)
    request.session.pop(SESSION_VERIFIED, None)
    context = {"clinic": ClinicSettings.load()}
    return private(render(request, "intake/link_unusable.html", context, status=404))


@dataclass(frozen=True)
class LinkSession:
    """Where one kind of patient link (`PatientLink`) keeps itself in the session that
    opened it, and the pages it opens: the questionnaire's here, the course's in plans."""

    links: Prepared[Any]  # a link by its key, with what its pages read of it
    id_key: str
    hash_key: str
    verified_key: str
    check_url: str  # where the date of birth is asked

    def link(self, request: HttpRequest) -> Any:
        """The session's link if it is still usable and still the one opened, else None."""
        link_id = request.session.get(self.id_key)
        if not isinstance(link_id, int):
            return None
        link = self.links.first(link_id)
        if link is None or not link.usable():
            return None
        if request.session.get(self.hash_key) != link.token_hash:
            return None
        return link

    def page(self, *, verified: bool = True) -> Callable[[PatientView], PatientView]:
        """A page reached only through the session the link opened (and, unless
        `verified=False`, once the date of birth is confirmed)."""

        def decorate(view: PatientView) -> PatientView:
            @csrf_exempt  # checked by patient_csrf_protect instead
            @login_not_required
            @never_cache
            @patient_csrf_protect
            @wraps(view)
            def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
                link = self.link(request)
                if link is None:
                    return link_unusable(request)
                if verified and request.session.get(self.verified_key) != link.pk:
                    return private(redirect(self.check_url))
                return private(view(request, link, *args, **kwargs))

            return wrapped

        return decorate

    def check_birth_date(
        self, request: HttpRequest, link: Any, *, home: str, heading: str, said: dict[str, str]
    ) -> HttpResponse:
        """The page that asks the date of birth before any name or answer is shown.

        The link's row is locked before the date is compared (`compare_birth_date`), so
        guesses sent at once are counted one after the other and none is compared once
        the link has locked. `said` is what the audit trail records for each outcome
        ("refused", "confirmed", "wrong"); a confirmed patient goes on to `home`. The
        page is headed with what the link opens (`heading`).
        """
        if request.session.get(self.verified_key) == link.pk:
            return redirect(home)
        form = BirthDateForm(request.POST or None)
        tries_left = None
        if request.method == "POST" and form.is_valid():
            outcome, locked = compare_birth_date(
                link, form.cleaned_data["date"], link.patient.date_of_birth
            )
            if outcome == "refused":
                audit.record(request, "deny", link, detail=said["refused"])
                return link_unusable(request)
            if outcome == "confirmed":
                request.session.cycle_key()
                request.session[self.verified_key] = link.pk
                audit.record(request, "view", link, detail=said["confirmed"])
                return redirect(home)
            audit.record(request, "view", link, detail=said["wrong"])
            if locked.locked_at is not None:
                return link_unusable(request)
            tries_left = link.LOCK_AFTER - locked.failed_attempts
        context = {
            "form": form,
            "tries_left": tries_left,
            "heading": heading,
            "clinic": ClinicSettings.load(),
        }
        return render(request, "intake/questionnaire_check.html", context)


QUESTIONNAIRE_LINK = LinkSession(
    Prepared(
        lambda pk: Invitation.objects.select_related("questionnaire__episode__patient").filter(
            pk=pk
        )
    ),
    SESSION_INVITATION,
    SESSION_LINK_HASH,
    SESSION_VERIFIED,
    "questionnaire_check",
)
#: A page of the questionnaire, reached only through the session its link opened.
patient_page = QUESTIONNAIRE_LINK.page


@login_not_required
@never_cache
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """Exchange the link's token for the session, then drop it from the address."""
    invitation = (
        Invitation.objects.select_related("questionnaire__episode__patient")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if (
        invitation is None
        or not invitation.usable()
        or invitation.questionnaire.submitted_at is not None
    ):
        return link_unusable(request)
    request.session.cycle_key()
    rotate_token(request)
    request.session[SESSION_INVITATION] = invitation.pk
    request.session[SESSION_LINK_HASH] = invitation.token_hash
    request.session.pop(SESSION_VERIFIED, None)
    if invitation.opened_at is None:
        Invitation.objects.filter(pk=invitation.pk).update(opened_at=timezone.now())
    # Audited on the next page: the audit trail keeps each request's path, and this
    # path holds the token.
    request.session[SESSION_JUST_OPENED] = True
    return private(redirect("questionnaire_check"))


@patient_page(verified=False)
def check_birth_date(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """Before any name or answer is shown, the patient confirms their date of birth."""
    verified = request.session.get(SESSION_VERIFIED) == invitation.pk
    if request.method == "GET" and not verified and request.session.pop(SESSION_JUST_OPENED, False):
        audit.record(request, "view", invitation, patient=invitation.patient, detail="link opened")
    return QUESTIONNAIRE_LINK.check_birth_date(
        request,
        invitation,
        home="questionnaire_start",
        heading="Your questionnaire",
        said={
            "refused": "date of birth, link locked",
            "confirmed": "date of birth confirmed",
            "wrong": "wrong date of birth",
        },
    )


@patient_page()
def start(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    questionnaire = invitation.questionnaire
    if questionnaire.submitted_at is not None:
        return redirect("questionnaire_done")
    resume = q.STEP_BY_SLUG.get(questionnaire.resume_step, q.STEPS[0])
    context = {
        "questionnaire": questionnaire,
        "patient": questionnaire.episode.patient,
        "steps": q.STEPS,
        "resume": resume,
        "resume_number": q.step_number(resume.slug),
        "clinic": ClinicSettings.load(),
    }
    audit.record(request, "view", questionnaire, patient=invitation.patient, detail="start page")
    return render(request, "intake/questionnaire_start.html", context)


def _step_url(slug: str) -> str:
    return reverse("questionnaire_step", args=[slug])


@patient_page()
def step(request: HttpRequest, invitation: Invitation, slug: str) -> HttpResponse:
    """One step: shown with the answers so far; saved on every POST, complete or not."""
    if slug not in q.STEP_BY_SLUG:
        return redirect("questionnaire_start")
    questionnaire = invitation.questionnaire
    if questionnaire.submitted_at is not None:
        return redirect("questionnaire_done")
    asked = asked_questionnaires(IntakeSettings.load())
    if request.method == "POST":
        form, emergency = _store_step(request, invitation, slug, asked)
        questionnaire = form.questionnaire
        if request.POST.get("autosave") == "1":
            saved = timezone.localtime(questionnaire.last_saved_at)
            return JsonResponse(
                {
                    "saved_at": f"{saved:%H:%M}",
                    "errors": form.errors,
                    "emergency": emergency,
                    "shown": form.posted_json(),
                }
            )
        if form.errors:
            messages.error(request, "Please check the answers marked below.")
            return _render_step(request, invitation, slug, form, asked)
        return _after_save(request, questionnaire, slug, request.POST.get("go", "next"), asked)
    form = step_form(slug, questionnaire, asked=asked)
    page = _render_step(request, invitation, slug, form, asked)
    return audit.shown(
        request, page, questionnaire, patient=invitation.patient, detail=f"step {slug}"
    )


def _store_step(
    request: HttpRequest,
    invitation: Invitation,
    slug: str,
    asked: tuple[str, ...],
    *,
    stays: bool = False,
) -> tuple[Any, bool]:
    """Save the step's answers as posted, and the step "Carry on" leads to (`stays`: the
    patient stays on this one); returns the bound form and the emergency flag."""
    with transaction.atomic():
        locked = Questionnaire.objects.select_for_update()
        questionnaire = locked.get(pk=invitation.questionnaire.pk)
        questionnaire.episode = invitation.questionnaire.episode
        before = set(q.red_flags_answered_yes(questionnaire.answers))
        form = step_form(slug, questionnaire, request.POST, asked)
        form.is_valid()
        form.store()
        stays = stays or bool(form.errors) or request.POST.get("autosave") == "1"
        questionnaire.resume_step = q.resume_at(slug, request.POST.get("go", "next"), stays=stays)
        flags = q.red_flags_answered_yes(questionnaire.answers)
        emergency = any(code in q.URGENT_SIGNS for code in flags)
        save_answers(
            questionnaire,
            red_flags=flags,
            emergency=emergency,
            new_red_flag=bool(set(flags) - before),
        )
    audit.record(
        request, "change", questionnaire, patient=invitation.patient, detail=f"step {slug}"
    )
    return form, emergency


def _store_scans_answers(request: HttpRequest, invitation: Invitation) -> None:
    """ "Add this file" and "Remove" post the scans step's answers too: save them first, so
    that the page they return to shows what the patient typed, never an older copy."""
    if request.POST.get("step_answers") == "scans":
        asked = asked_questionnaires(IntakeSettings.load())
        _store_step(request, invitation, "scans", asked, stays=True)


def _after_save(
    request: HttpRequest, questionnaire: Questionnaire, slug: str, go: str, asked: tuple[str, ...]
) -> HttpResponse:
    before, after = q.neighbours(slug)
    if go == "back" and before:
        return redirect(_step_url(before))
    if go == "submit":
        missing = q.missing_answers(questionnaire.answers, questionnaire.extra, asked)
        if missing:
            return redirect(_step_url("consent") + "?check=1")
        questionnaire.submitted_at = timezone.now()
        questionnaire.save(update_fields=["submitted_at", "updated_at"])
        audit.record(request, "change", questionnaire, detail="questionnaire submitted")
        return redirect("questionnaire_done")
    if go == "check":  # from the list of answers still needed, back to it
        return redirect(_step_url("consent") + "?check=1")
    if go == "next" and after:
        return redirect(_step_url(after))
    return redirect(_step_url(slug))


def _render_step(
    request: HttpRequest,
    invitation: Invitation,
    slug: str,
    form: Any,
    asked: tuple[str, ...],
) -> HttpResponse:
    questionnaire = form.questionnaire
    before, after = q.neighbours(slug)
    context: dict[str, Any] = {
        "form": form,
        "step": q.STEP_BY_SLUG[slug],
        "number": q.step_number(slug),
        "steps": q.STEPS,
        "total": len(q.STEPS),
        "before": before,
        "after": after,
        "questionnaire": questionnaire,
        "clinic": ClinicSettings.load(),
        # Opened from the list of answers still needed: its save leads back to that list.
        "checking": request.GET.get("checking") == "1" or request.POST.get("go") == "check",
    }
    if slug == "scans":
        context["uploads"] = list(questionnaire.uploads.all())
        context["upload_limit_mb"] = settings.QUESTIONNAIRE_UPLOAD_MAX_BYTES // (1024 * 1024)
    if slug == "consent" and request.GET.get("check"):
        context["missing"] = q.missing_answers(questionnaire.answers, questionnaire.extra, asked)
    return render(request, "intake/questionnaire_step.html", context)


@patient_page()
@require_POST
@transaction.non_atomic_requests
def upload_create(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """Add a file: its row, its audit event and the file itself are kept together.

    The questionnaire's row is locked while the files are counted, so uploads sent at once
    cannot pass the limit; if anything fails before the commit, the file is removed again.
    """
    questionnaire = invitation.questionnaire
    if questionnaire.submitted_at is not None:
        return redirect("questionnaire_done")
    with transaction.atomic():  # the answers and their audit event together
        _store_scans_answers(request, invitation)
    form = UploadForm(request.POST, request.FILES, questionnaire=questionnaire)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, str(error))
        return redirect(_step_url("scans"))
    file = form.cleaned_data["file"]
    upload = Upload(
        questionnaire=questionnaire,
        original_name=(file.name or "file")[-200:],
        content_type=form.checked.content_type,
        size=len(form.checked.content),
    )
    try:
        with transaction.atomic():
            Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk).first()
            if Upload.objects.filter(questionnaire=questionnaire).count() >= MAX_UPLOADS:
                messages.error(request, TOO_MANY_UPLOADS)
                return redirect(_step_url("scans"))
            upload.file.save("upload", ContentFile(form.checked.content), save=False)
            upload.save()
            audit.record(
                request, "change", upload, patient=invitation.patient, detail="patient added a file"
            )
    except BaseException:
        if upload.file.name:
            upload.file.storage.delete(upload.file.name)
        raise
    messages.success(request, f"{upload.original_name} is added.")
    return redirect(_step_url("scans"))


@patient_page()
@require_POST
def upload_remove(request: HttpRequest, invitation: Invitation, pk: int) -> HttpResponse:
    questionnaire = invitation.questionnaire
    if questionnaire.submitted_at is not None:
        return redirect("questionnaire_done")
    # Only this questionnaire's files: another patient's file is simply not found.
    upload = get_object_or_404(Upload, pk=pk, questionnaire=questionnaire)
    _store_scans_answers(request, invitation)
    audit.record(
        request, "change", upload, patient=invitation.patient, detail="patient removed a file"
    )
    name, storage = upload.file.name, upload.file.storage
    upload.delete()
    # The file goes once the row's removal is committed: never a row without its file.
    transaction.on_commit(lambda: storage.delete(name))
    messages.success(request, f"{upload.original_name} is removed.")
    return redirect(_step_url("scans"))


@patient_page()
def done(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    questionnaire = invitation.questionnaire
    if questionnaire.submitted_at is None:
        return redirect("questionnaire_start")
    context = {"questionnaire": questionnaire, "clinic": ClinicSettings.load()}
    audit.record(request, "view", questionnaire, patient=invitation.patient, detail="confirmation")
    return render(request, "intake/questionnaire_done.html", context)
