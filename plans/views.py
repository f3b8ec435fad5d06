"""The treatment room: exam, live assessment, working diagnosis, plan builder, printed plan.

The exam itself (model, revisions, `save_exam`, form) lives in intake, but its page lives
here: it shows the whole assessment, including the plan proposal's exclusions, and records
the working diagnosis, and intake may not import plans.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from clinic import audit
from clinic.models import Episode
from clinic.prepared import Prepared
from intake import panels as intake_panels
from intake.core import vocabulary
from intake.core.case import CaseError, load_case
from intake.core.classify import CAUSE_NAMES
from intake.core.redflags import FLAG_NAMES
from intake.core.redflags import URGENCIES as FLAG_URGENCIES
from intake.exam_forms import ExamForm, initial_from, merge
from intake.models import ExamConflict, case_document, exam_parts, related_or_none, save_exam
from plans import panels as plans_panels
from plans.core.assessment import assessment_document
from plans.forms import DiagnosisForm, PlanForm, ReferralForm
from plans.models import (
    MODALITY_NAMES,
    REFERRAL_NAMES,
    PlanConflict,
    PlanNotReady,
    PlanPdf,
    TreatmentPlan,
    approve_plan,
    draft_revision,
    excluded_modalities,
    mark_referred,
    record_diagnosis,
    revise_plan,
    save_draft,
    with_working_diagnosis,
    working_diagnosis,
)
from plans.pdf import plan_html, plan_pdf, print_ahead, stored_copy, variants_for
from plans.visits import (
    Visit,
    case_with_course,
    course_letter,
    plan_in_force,
    referral_decided,
    with_latest_decision,
    with_visit_counts,
)

CLINICAL = "clinic.record_clinical"
SEND_REFERRAL = "plans.send_referral"


def _case_read(pk: int) -> QuerySet[Episode]:
    """The episode with everything the case is built from, in one query."""
    related = ("patient", "questionnaire", "exam", "exam__updated_by")
    return Episode.objects.select_related(*related).filter(pk=pk)


#: The episode as the treatment room's pages read it, compiled once (`clinic.prepared`):
#: for the live assessment and the diagnosis; with the working diagnosis for the exam
#: form; with the latest review decision as well for the plan builder.
CASE_READ = Prepared(_case_read)
LATEST_PLAN = Prepared(lambda pk: TreatmentPlan.objects.filter(episode_id=pk)[:1])
EXAM_READ = Prepared(lambda pk: with_working_diagnosis(_case_read(pk)))
PLAN_READ = Prepared(lambda pk: with_latest_decision(with_working_diagnosis(_case_read(pk))))


def _assessment(document: dict[str, Any]) -> dict[str, Any]:
    """The assessment of a case document, or what is missing before it can be assessed."""
    try:
        case = load_case(document)
    except CaseError as error:
        return {"missing": error.path, "reason": error.reason}
    result = assessment_document(case)
    best = result["causes"][0]  # a cause below "possible" is not proposed (POSSIBLE_FROM)
    return {"a": result, "leading": best["code"] if best["likelihood"] != "unlikely" else None}


def _assessment_context(assessed: dict[str, Any]) -> dict[str, Any]:
    return {
        "assessed": assessed,
        "cause_names": CAUSE_NAMES,
        "flag_names": FLAG_NAMES,
        "modality_names": MODALITY_NAMES,
    }


def _questionnaire_history(episode: Episode) -> dict[str, Any]:
    questionnaire = related_or_none(episode, "questionnaire")
    return (questionnaire.answers or {}).get("history", {}) if questionnaire else {}


# --- the episode page ------------------------------------------------------------------------


def _episode_read(pk: int) -> QuerySet[Episode]:
    """The episode page's one query for the episode, its questionnaire and its exam (which
    both panels read) and its count of visits."""
    related = ("patient", "practitioner", "referred_by", "questionnaire__reviewed_by")
    episodes = Episode.objects.select_related(*related, "exam__updated_by")
    return with_visit_counts(episodes).filter(pk=pk)


#: Compiled once (`clinic.prepared`); for the clinical roles, with the working diagnosis.
EPISODE_READ = Prepared(_episode_read)
EPISODE_CLINICAL_READ = Prepared(lambda pk: with_working_diagnosis(_episode_read(pk)))


@permission_required("clinic.view_episode", raise_exception=True)
def episode_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the three apps meet: the episode, its questionnaire, its exam and plans."""
    read = EPISODE_CLINICAL_READ if request.user.has_perm(CLINICAL) else EPISODE_READ
    episode = read.get_or_404(pk)
    intake_panel = intake_panels.episode_panel(request, episode)
    detail = "with the questionnaire's answers" if intake_panel["answers_shown"] else ""
    context = {
        "episode": episode,
        "intake_panel": intake_panel,
        "clinical_panel": plans_panels.episode_panel(request, episode),
    }
    page = render(request, "plans/episode_detail.html", context)
    return audit.shown(request, page, episode, detail=detail)


# --- the exam --------------------------------------------------------------------------------


@permission_required(CLINICAL, raise_exception=True)
def exam_edit(request: HttpRequest, pk: int) -> HttpResponse:
    episode = EXAM_READ.get_or_404(pk)
    exam = related_or_none(episode, "exam")
    said = _questionnaire_history(episode)
    conflict = None
    viewed = ""  # the view to record once the page is rendered (a POST records its own)
    if request.method == "POST":
        form = ExamForm(request.POST, questionnaire_history=said)
        if form.is_valid():
            try:
                saved = save_exam(
                    episode,
                    parts=form.parts(),
                    opened_at_version=form.cleaned_data["version"],
                    by=request.user,
                )
            except ExamConflict as clash:
                # Their values are kept, field by field, unless this practitioner changed
                # that field; saving the merged form again is still a choice.
                initial, rows = merge(clash.base, exam_parts(clash.current), form.parts())
                initial["version"] = clash.current.version
                conflict = {
                    "by": clash.current.updated_by,
                    "at": clash.current.updated_at,
                    "version": clash.current.version,
                    "rows": rows,
                }
                form = ExamForm(initial=initial, questionnaire_history=said)
                exam = clash.current
                audit.record(request, "view", exam, patient=episode.patient, detail="exam conflict")
            else:
                audit.record(
                    request,
                    "change",
                    saved,
                    patient=episode.patient,
                    detail=f"exam v{saved.version}",
                )
                messages.success(request, f"The exam is saved (version {saved.version}).")
                return redirect("exam_edit", pk=episode.pk)
        else:
            messages.error(request, "Some values need checking: see the fields marked below.")
            audit.record(request, "view", episode, detail="exam form, not saved")
    else:
        initial = initial_from(exam_parts(exam))
        initial["version"] = exam.version if exam else 0
        form = ExamForm(initial=initial, questionnaire_history=said)
        viewed = "exam form"
    assessed = _assessment(case_document(episode))
    diagnosis = working_diagnosis(episode)
    context = {
        "episode": episode,
        "patient": episode.patient,
        "form": form,
        "exam": exam,
        "conflict": conflict,
        "diagnosis": diagnosis,
        "diagnosis_form": DiagnosisForm(proposed=assessed.get("leading")),
        **_assessment_context(assessed),
    }
    page = render(request, "plans/exam_edit.html", context)
    return audit.shown(request, page, episode, detail=viewed) if viewed else page


@permission_required(CLINICAL, raise_exception=True)
@require_POST
def assessment_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessment of the exam form as typed, unsaved: the live panel beside the form."""
    episode = CASE_READ.get_or_404(pk)
    form = ExamForm(request.POST, questionnaire_history=_questionnaire_history(episode))
    form.is_valid()  # invalid fields are left out of the preview; the form shows them on save
    form.cleaned_data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    document = case_document(episode, exam_parts=form.parts())
    audit.record(request, "view", episode, detail="live assessment")
    context = {"preview": True, **_assessment_context(_assessment(document))}
    return render(request, "plans/_assessment.html", context)


@permission_required(CLINICAL, raise_exception=True)
@require_POST
def diagnosis_record(request: HttpRequest, pk: int) -> HttpResponse:
    episode = CASE_READ.get_or_404(pk)
    assessed = _assessment(case_document(episode))
    if "a" not in assessed:
        messages.error(request, "Record the duration of the episode before the diagnosis.")
        return redirect("exam_edit", pk=episode.pk)
    form = DiagnosisForm(request.POST, proposed=assessed["leading"])
    if not form.is_valid():
        errors = "; ".join(str(e) for field in form.errors.values() for e in field)
        messages.error(request, f"The diagnosis is not recorded: {errors}")
        return redirect("exam_edit", pk=episode.pk)
    exam = related_or_none(episode, "exam")
    diagnosis = record_diagnosis(
        episode,
        cause=form.cleaned_data["cause"],
        proposed_cause=assessed["leading"],
        reason=form.cleaned_data["reason"].strip(),
        exam_version=exam.version if exam else 0,
        by=request.user,
    )
    verb = "overridden" if diagnosis.overridden else "confirmed"
    audit.record(request, "create", diagnosis, patient=episode.patient, detail=f"diagnosis {verb}")
    messages.success(request, f"Working diagnosis {verb}: {diagnosis.get_cause_display()}.")
    return redirect("exam_edit", pk=episode.pk)


# --- the plan ----------------------------------------------------------------------------


def _save_or_approve(
    request: HttpRequest, episode: Episode, fields: dict[str, Any], opened_at_revision: int
) -> HttpResponse:
    draft = save_draft(
        episode, fields=fields, by=request.user, opened_at_revision=opened_at_revision
    )
    audit.record(request, "change", draft, patient=episode.patient, detail=f"plan v{draft.version}")
    if "approve" not in request.POST:
        messages.success(request, f"Draft version {draft.version} is saved.")
        return redirect("plan_edit", pk=episode.pk)
    try:
        approved = approve_plan(draft, by=request.user)
    except PlanNotReady as not_ready:
        messages.error(request, "Not approved yet: " + " ".join(not_ready.problems))
        return redirect("plan_edit", pk=episode.pk)
    audit.record(
        request, "change", approved, patient=episode.patient, detail=f"approved v{approved.version}"
    )
    # The copies to print are rendered once the approval is committed, off this request.
    transaction.on_commit(lambda: print_ahead(approved.pk))
    messages.success(request, f"Version {approved.version} is approved.")
    return redirect(approved)


@permission_required(CLINICAL, raise_exception=True)
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan builder for the episode's draft (started from the core's proposal)."""
    episode = PLAN_READ.get_or_404(pk)
    # The draft, if any, is always the latest version (each new version starts as the
    # episode's one draft), and an approved plan that is the latest is the one in force:
    # one query for the three in the usual case.
    latest = LATEST_PLAN.first(episode.pk)
    if latest is not None:
        latest.episode = episode
    draft = latest if latest is not None and latest.is_draft else None
    in_force = latest if latest is not None and latest.is_in_force else plan_in_force(episode)
    assessed = _assessment(case_with_course(episode, in_force))
    if "a" not in assessed:
        messages.error(request, "Record the exam (with the duration of the episode) first.")
        return redirect("exam_edit", pk=episode.pk)
    result = assessed["a"]
    refer = (
        result["disposition"] != "treat"
        or (draft is not None and draft.kind == TreatmentPlan.Kind.REFERRAL)
        or referral_decided(episode)
    )
    if not refer and result["plan"] is None:
        # No plan is proposed until the red-flag screen is complete (NICE CKS: ask each).
        messages.error(
            request,
            "Ask every red-flag question (the safety questions in the history) first: no "
            "plan is proposed until the screen is complete.",
        )
        return redirect("exam_edit", pk=episode.pk)
    form: ReferralForm | PlanForm
    data = request.POST.copy() if request.method == "POST" else None
    conflict: TreatmentPlan | None | bool = False
    if refer:
        form = ReferralForm(data, initial=_referral_initial(draft, result))
    else:
        excluded = excluded_modalities(result)
        if latest is not None and latest.kind == TreatmentPlan.Kind.PLAN:
            initial = PlanForm.initial_from_plan(latest)
        else:
            # The course starts at the first visit booked, or today when that has passed.
            start = max(episode.opened, timezone.localdate())
            initial = PlanForm.initial_from_proposal(result["plan"], start)
        form = PlanForm(
            data,
            initial=initial,
            excluded=excluded,
            referral_reasons=result["plan"]["referral_reasons"],
            confirmed_start=latest.start_date if latest is not None else None,
        )
    form.initial["revision"] = draft_revision(draft)
    if request.method == "POST":
        if form.is_valid():
            try:
                return _save_or_approve(
                    request, episode, form.plan_fields(), form.cleaned_data["revision"]
                )
            except PlanConflict as clash:
                # Nothing is saved; the form keeps what was typed and now carries the
                # current revision, so that saving again is a deliberate choice.
                conflict = clash.current
                assert data is not None
                data["revision"] = str(draft_revision(clash.current))
                draft = clash.current
                audit.record(request, "view", episode, detail="plan builder, conflict")
        else:
            messages.error(request, "The plan is not saved: see the fields marked below.")
            audit.record(request, "view", episode, detail="plan builder, not saved")
    context = {
        "episode": episode,
        "patient": episode.patient,
        "form": form,
        "refer": refer,
        "conflict": conflict is not False,
        "conflict_draft": conflict or None,
        "draft": draft,
        "latest": latest,
        "diagnosis": working_diagnosis(episode),
        **_assessment_context(assessed),
    }
    page = render(request, "plans/plan_edit.html", context)
    if request.method == "POST":
        return page  # recorded above, with what happened to the post
    return audit.shown(request, page, episode, detail="plan builder")


#: The letter's addressee by where the core sends the patient (`referral_to`).
REFERRAL_ADDRESSEES = dict(vocabulary.REFERRAL_DESTINATIONS.choices())


def _referral_initial(draft: TreatmentPlan | None, result: dict[str, Any]) -> dict[str, Any]:
    """The letter's first draft: addressee, urgency and wording all read the one urgency
    the core gives (the most urgent red flag's; routine for a GP referral)."""
    if draft is not None and draft.kind == TreatmentPlan.Kind.REFERRAL:
        return {"refer_to": draft.refer_to, "urgency": draft.urgency, "letter": draft.letter}
    flags = result["red_flags"] + result["gp_flags"]
    urgencies = [f["urgency"] for f in result["red_flags"]]
    urgency = min(urgencies, key=FLAG_URGENCIES.index) if urgencies else "routine"
    concerns = ", ".join(FLAG_NAMES.get(f["code"], f["code"]).lower() for f in flags)
    context = {"concerns": concerns, "urgency": urgency}
    # The file ends with a newline; the letter the practitioner edits does not.
    if "review" in result:  # during the course: the letter tells the course and its scores
        letter = course_letter(result["review"], concerns, urgency)
    else:
        letter = render_to_string("plans/referral_letter.txt", context)
    letter = letter.rstrip("\n")
    return {
        "refer_to": REFERRAL_ADDRESSEES[result.get("referral_to") or "gp"],
        "urgency": urgency,
        "letter": letter,
    }


def _plan(pk: int) -> TreatmentPlan:
    related = ("episode__patient", "episode__practitioner", "approved_by", "created_by")
    return get_object_or_404(TreatmentPlan.objects.select_related(*related), pk=pk)


@permission_required(CLINICAL, raise_exception=True)
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One version of the plan, readable whatever its status, with every other version."""
    plan = _plan(pk)
    versions = list(plan.episode.plans.select_related("approved_by").order_by("-version"))
    context = {
        "plan": plan,
        "episode": plan.episode,
        "patient": plan.patient,
        "versions": versions,
        "variants": variants_for(plan),
        "superseded_by": plan.superseded_by(versions),
        "papers": PlanPdf.Paper.choices,
        "variant_names": dict(PlanPdf.Variant.choices),
        "modality_names": MODALITY_NAMES,
        "referral_names": [REFERRAL_NAMES[r] for r in plan.referrals],
        "dates": plan.visit_dates(),
        "visits_done": plan.episode.visits.filter(status=Visit.Status.DONE).count(),
    }
    page = render(request, "plans/plan_detail.html", context)
    return audit.shown(request, page, plan, patient=plan.patient, detail=f"plan v{plan.version}")


@permission_required(CLINICAL, raise_exception=True)
@require_POST
def plan_revise(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(pk)
    draft = revise_plan(plan, by=request.user)
    audit.record(request, "create", draft, patient=plan.patient, detail=f"plan v{draft.version}")
    messages.info(request, f"Version {draft.version} is a draft: change it and approve it.")
    return redirect("plan_edit", pk=plan.episode_id)


@permission_required("clinic.view_episode", raise_exception=True)
@require_GET
def plan_print(request: HttpRequest, pk: int, variant: str, paper: str) -> HttpResponse:
    """The PDF of an approved version. Front desk may print the patient's copy and letters;
    the clinician copy, with the evidence and scores, is for practitioners. A copy kept
    (printed ahead once approved) is served as kept, read with its plan in one statement."""
    stored = stored_copy(pk, variant, paper)
    plan = stored.plan if stored is not None else _plan(pk)
    if plan.is_draft or variant not in variants_for(plan) or paper not in PlanPdf.Paper.values:
        raise Http404("No such printout.")
    clinical = request.user.has_perm(CLINICAL)
    if variant == PlanPdf.Variant.CLINICIAN and not clinical:
        raise PermissionDenied("The clinician copy is for practitioners.")
    content = bytes(stored.content) if stored is not None else plan_pdf(plan, variant, paper)
    detail = f"v{plan.version} {variant} {paper}"
    if variant == PlanPdf.Variant.REFERRAL and request.user.has_perm(SEND_REFERRAL):
        with transaction.atomic():  # the letter printed is the referral sent
            audit.record(request, "print", plan, patient=plan.patient, detail=detail)
            if mark_referred(plan, by=request.user):
                audit.record(request, "change", plan.episode, detail="referred: letter printed")
    else:
        audit.record(request, "print", plan, patient=plan.patient, detail=detail)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"{variant}-v{plan.version}-{paper}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@permission_required(SEND_REFERRAL, raise_exception=True)
@require_POST
def referral_sent(request: HttpRequest, pk: int) -> HttpResponse:
    """The referral letter was sent another way (posted, faxed): the episode is Referred."""
    plan = _plan(pk)
    if plan.kind != TreatmentPlan.Kind.REFERRAL or plan.is_draft:
        raise Http404("No referral letter to send.")
    with transaction.atomic():
        if mark_referred(plan, by=request.user):
            audit.record(request, "change", plan.episode, detail="referred: marked sent")
    messages.success(request, "The referral is marked as sent: the episode is Referred.")
    return redirect(plan.episode)


@permission_required(CLINICAL, raise_exception=True)
@require_GET
def plan_print_preview(request: HttpRequest, pk: int, variant: str) -> HttpResponse:
    """The HTML the PDF is rendered from (same context), for checking a version on screen."""
    plan = _plan(pk)
    if variant not in variants_for(plan):
        raise Http404("No such printout.")
    audit.record(request, "view", plan, patient=plan.patient, detail=f"print preview {variant}")
    return HttpResponse(plan_html(plan, variant, "a4", for_pdf=False))
