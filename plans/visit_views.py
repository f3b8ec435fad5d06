"""The course of care: the schedule, each visit's treatment record, the review and its chart.

Front desk sees the schedule and the count; the records, the chart and the review are for
practitioners. Every write and its audit event commit in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from clinic import audit
from clinic.models import ClinicSettings, Episode
from clinic.prepared import Prepared
from intake.core import vocabulary
from intake.core.case import CaseError, load_case
from intake.links import email_link, keep_to_show, qr_svg, take_to_show
from intake.models import case_document
from intake.staff_views import dashboard_context
from plans.chart import chart_rows, series_from, trend_svg
from plans.core.assessment import assessment_document
from plans.models import MODALITY_NAMES, TreatmentPlan
from plans.visit_forms import AddendumForm, DecisionForm, StatusForm, VisitForm
from plans.visits import (
    FLAGGED_VISITS,
    FOLLOW_UPS,
    CourseLink,
    FollowUp,
    SignedRecordError,
    Visit,
    VisitConflict,
    add_addendum,
    course_document,
    create_course_link,
    decide_review,
    latest_decision,
    open_courses,
    plan_in_force,
    red_flag_names,
    review_thresholds,
    save_visit,
    schedule,
    set_status,
    sign_visit,
    with_latest_decision,
    with_plan_in_force,
)

CLINICAL = "clinic.record_clinical"


#: The course's pages read the episode with what its case is built from, its plan in force
#: and its latest review decision, and its visits with who signed and saved them and the
#: plan each followed; compiled once (`clinic.prepared`). A signed visit's page reads its
#: addenda itself.
EPISODE = Prepared(
    lambda pk: with_latest_decision(
        with_plan_in_force(
            Episode.objects.select_related("patient", "practitioner", "questionnaire", "exam")
        )
    ).filter(pk=pk)
)
VISITS = Prepared(
    lambda pk: Visit.objects.select_related("signed_by", "updated_by", "plan").filter(episode_id=pk)
)


def _episode(pk: int) -> Episode:
    return EPISODE.get_or_404(pk)


def _visits(episode: Episode) -> list[Visit]:
    visits = VISITS.all(episode.pk)
    for visit in visits:
        visit.episode = episode
    return visits


def _course(episode: Episode) -> tuple[TreatmentPlan | None, list[Visit], dict[str, Any]]:
    """The plan in force, the visits, and the case with its course, assessed."""
    plan = plan_in_force(episode)
    visits = _visits(episode)
    if plan is None and visits:
        plan = visits[-1].plan
    document = case_document(episode)
    follow_ups = FOLLOW_UPS.all(episode.pk)
    course = course_document(plan, visits, follow_ups)
    if course is not None:
        document["course"] = course
    found: dict[str, Any] = {"document": document, "follow_ups": follow_ups}
    try:
        found["assessment"] = assessment_document(load_case(document), review_thresholds())
    except CaseError as error:
        found["missing"] = f"{error.reason} ({error.path})"
    return plan, visits, found


# --- the courses that need attention ---------------------------------------------------


@permission_required("clinic.view_episode", raise_exception=True)
def course_list(request: HttpRequest) -> HttpResponse:
    """Reviews due this week, courses nearly used up, patients who dropped out, and (for
    practitioners) visit records not signed yet."""
    found = open_courses(timezone.localdate())
    if not request.user.has_perm(CLINICAL):  # the clinical record and its decisions
        found.pop("unsigned")
        found.pop("review_undecided")
    page = render(request, "plans/visit_list.html", {"found": found})
    return audit.shown(request, page, detail="courses of care")


@permission_required("clinic.view_episode", raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    """What needs attention: red flags (answered in the questionnaire, or at a visit),
    answers to review, links still out."""
    context = dashboard_context()
    context["visit_flags"] = [(visit, red_flag_names(visit)) for visit in FLAGGED_VISITS.all()]
    page = render(request, "intake/dashboard.html", context)
    return audit.shown(request, page, detail="questionnaire dashboard")


# --- the course page -----------------------------------------------------------------------


@permission_required("clinic.view_episode", raise_exception=True)
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _episode(pk)
    clinical = request.user.has_perm(CLINICAL)
    plan, visits, found = _course(episode)
    course = schedule(episode, plan, visits)
    context: dict[str, Any] = {
        "episode": episode,
        "patient": episode.patient,
        "clinical": clinical,
        "schedule": course,
        "overdue": {slot.number for slot in course.slots if slot.overdue(timezone.localdate())},
    }
    if clinical and "assessment" in found:
        series = series_from(found["document"], found["assessment"], review_thresholds().nprs)
        review = found["assessment"].get("review")
        context |= {
            "review": review,
            "chart": mark_safe(trend_svg(series)) if series else None,  # noqa: S308 - numbers and fixed words
            "chart_rows": chart_rows(series) if series else [],
            "decision": latest_decision(episode),
            "decision_form": DecisionForm(
                initial={"decision": review["recommendation"] if review else "continue"}
            ),
            "names": _names(),
        }
    page = render(request, "plans/visit_course.html", context)
    return audit.shown(request, page, episode, detail="course of care")


def _names() -> dict[str, dict[str, str]]:
    return {
        "verdict": dict(vocabulary.REVIEW_VERDICTS.choices()),
        "recommendation": dict(vocabulary.REVIEW_RECOMMENDATIONS.choices()),
        "adverse": dict(vocabulary.ADVERSE_EVENTS.choices()),
        "flags": dict(vocabulary.RED_FLAG_QUESTIONS.choices()),
        "measure": {
            "leg_pain": "Leg pain (NPRS)",
            "back_pain": "Back pain (NPRS)",
            "odi": "ODI (%)",
            "sbi": "SBI",
        },  # fmt: skip
        "modality": MODALITY_NAMES,
        "position": dict(vocabulary.POSITIONS.choices()),
        "adherence": dict(vocabulary.ADHERENCE.choices()),
        "global": dict(vocabulary.GLOBAL_CHANGES.choices()),
    }


# --- one visit -----------------------------------------------------------------------------


def _remeasure(plan: TreatmentPlan, number: int) -> bool:
    """The outcomes are answered again at the review visit and at the end of the course."""
    return number in (plan.reassess_at_visit, plan.total_visits)


@permission_required(CLINICAL, raise_exception=True)
def visit_edit(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The treatment record of visit `number`: a draft form, or the signed record."""
    episode = _episode(pk)
    plan, visits, found = _course(episode)
    if plan is None or "assessment" not in found or number < 1:
        messages.error(request, "Approve a treatment plan before recording visits.")
        return redirect("course_detail", pk=episode.pk)
    visit = next((v for v in visits if v.number == number), None)
    if visit is not None and visit.is_signed:
        return _signed(request, episode, visit)
    previous = next((v for v in reversed(visits) if v.number < number and v.record), None)
    remeasure = _remeasure(plan, number)
    kwargs = {"assessment_doc": found["assessment"], "plan": plan, "remeasure": remeasure}
    conflict = None
    if request.method == "POST":
        form = VisitForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = save_visit(
                        episode,
                        number=number,
                        date=form.cleaned_data["date"],
                        record=form.record(),
                        measures=form.measures(),
                        opened_at_version=form.cleaned_data["version"],
                        by=request.user,
                    )
                    audit.record(
                        request, "change", saved, detail=f"visit {number} v{saved.version}"
                    )
            except VisitConflict as clash:
                conflict = clash.current
                data = request.POST.copy()
                data["version"] = str(clash.current.version)  # saving again is a choice
                form = VisitForm(data, **kwargs)
                audit.record(request, "view", clash.current, detail=f"visit {number} conflict")
            except SignedRecordError:
                messages.error(request, "This visit was signed meanwhile: add an addendum.")
                return redirect("visit_edit", pk=episode.pk, number=number)
            else:
                if form.red_flags_answered_yes:
                    messages.error(
                        request,
                        "A red flag was answered yes: stop today's treatment and refer. "
                        "The referral letter is below.",
                    )
                    return redirect("plan_edit", pk=episode.pk)
                messages.success(request, f"Visit {number} is saved (draft): sign it when done.")
                return redirect("visit_edit", pk=episode.pk, number=number)
        else:
            messages.error(request, "The visit is not saved: see the fields marked below.")
            audit.record(request, "view", episode, detail=f"visit {number} form, not saved")
    else:
        if visit is not None and visit.record:
            initial = VisitForm.initial_from(visit.record, visit.measures)
            initial |= VisitForm.red_flags_from(visit.record)
        elif previous is not None and request.GET.get("same"):
            initial = VisitForm.treatment_from(previous.record)
        else:
            leg = found["document"].get("history", {}).get("side")
            initial = VisitForm.initial_from_plan(plan, leg)
        if remeasure and not (visit and visit.measures):
            initial |= _answered_at_home(found["follow_ups"], number)
        initial["version"] = visit.version if visit else 0
        # The visit is recorded when it happens: today, unless it was moved to another day.
        initial["date"] = visit.date if visit else timezone.localdate()
        form = VisitForm(initial=initial, **kwargs)
    context = {
        "episode": episode,
        "patient": episode.patient,
        "plan": plan,
        "number": number,
        "visit": visit,
        "previous": previous,
        "form": form,
        "conflict": conflict,
        "remeasure": remeasure,
        "done": sum(1 for v in visits if v.status == Visit.Status.DONE),
    }
    page = render(request, "plans/visit_edit.html", context)
    if request.method == "POST":
        return page  # recorded above, with what happened to the post
    return audit.shown(request, page, episode, detail=f"visit {number} form")


def _answered_at_home(follow_ups: list[FollowUp], number: int) -> dict[str, Any]:
    """The follow-up the patient answered from their link, to start the room's form."""
    follow_up = next((f for f in follow_ups if f.at_visit == number), None)
    if follow_up is None:
        return {}
    measured = VisitForm.initial_from({}, follow_up.answers)
    found = {k: v for k, v in measured.items() if k.startswith(("odi_", "sbi_")) or
             (k == "global_change" and v)}  # fmt: skip
    for now, before in (("leg_pain_now", "leg_pain_before"), ("back_pain_now", "back_pain_before")):
        if follow_up.answers.get(now) is not None:
            found[before] = follow_up.answers[now]
    return found


def _signed(request: HttpRequest, episode: Episode, visit: Visit) -> HttpResponse:
    if request.method == "POST":
        # A signed record is never changed: a tampered POST is refused, not saved.
        messages.error(request, "This visit is signed: add an addendum to correct it.")
        return redirect("visit_edit", pk=episode.pk, number=visit.number)
    audit.record(request, "view", visit, detail=f"visit {visit.number} signed record")
    context = {
        "episode": episode,
        "patient": episode.patient,
        "visit": visit,
        "addenda": visit.addenda.select_related("written_by"),
        "addendum_form": AddendumForm(),
        "names": _names(),
    }
    return render(request, "plans/visit_signed.html", context)


def _visit(pk: int, number: int) -> Visit:
    return get_object_or_404(
        Visit.objects.select_related("episode__patient"), episode_id=pk, number=number
    )


@permission_required(CLINICAL, raise_exception=True)
@require_POST
def visit_sign(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    visit = _visit(pk, number)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        raise Http404("No version given.") from None
    try:
        with transaction.atomic():
            signed = sign_visit(visit, opened_at_version=version, by=request.user)
            audit.record(request, "change", signed, detail=f"visit {number} signed")
    except VisitConflict:
        messages.error(request, "Someone saved this visit since you opened it: check, then sign.")
    except SignedRecordError:
        messages.info(request, "This visit is already signed.")
    else:
        messages.success(request, f"Visit {number} is signed.")
    return redirect("visit_edit", pk=pk, number=number)


@permission_required(CLINICAL, raise_exception=True)
@require_POST
def visit_addendum(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    visit = _visit(pk, number)
    form = AddendumForm(request.POST)
    if not visit.is_signed:
        messages.error(request, "A draft is changed directly; addenda are for signed visits.")
    elif form.is_valid():
        with transaction.atomic():
            addendum = add_addendum(
                visit, text=form.cleaned_data["text"], reason=form.cleaned_data["reason"],
                by=request.user,
            )  # fmt: skip
            audit.record(request, "create", addendum, detail=f"visit {number} addendum")
        messages.success(request, "The addendum is added; the original stays as signed.")
    else:
        messages.error(request, "Write the addendum and why it is needed.")
    return redirect("visit_edit", pk=pk, number=number)


@permission_required(CLINICAL, raise_exception=True)
@require_POST
def visit_status(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Move a planned visit to another day, or mark it missed or cancelled."""
    episode = _episode(pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what happened to the visit, and its date.")
        return redirect("course_detail", pk=pk)
    try:
        with transaction.atomic():
            visit = set_status(
                episode, number=number, status=form.cleaned_data["status"],
                date=form.cleaned_data["date"], by=request.user,
            )  # fmt: skip
            audit.record(request, "change", visit, detail=f"visit {number} {visit.status}")
    except (SignedRecordError, ValueError):
        messages.error(request, "A signed visit, or a course with no approved plan, stays as is.")
    else:
        messages.success(request, f"Visit {number}: {visit.get_status_display().lower()}.")
    return redirect("course_detail", pk=pk)


@permission_required(CLINICAL, raise_exception=True)
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The practitioner's decision at the review: continue, modify, refer or discharge."""
    episode = _episode(pk)
    form = DecisionForm(request.POST)
    plan, _visits_, found = _course(episode)
    review = found.get("assessment", {}).get("review")
    if plan is None or review is None or not form.is_valid():
        messages.error(request, "Choose your decision once the course has a visit recorded.")
        return redirect("course_detail", pk=pk)
    decision, note = form.cleaned_data["decision"], form.cleaned_data["note"].strip()
    names = vocabulary.REVIEW_RECOMMENDATIONS
    if decision != review["recommendation"] and not note:
        messages.error(
            request,
            f"The review recommended: {names.clinician(review['recommendation']).lower()}. "
            f"Say why you decide otherwise ({names.clinician(decision).lower()}); nothing "
            "is recorded yet.",
        )
        return redirect("course_detail", pk=pk)
    with transaction.atomic():
        decided = decide_review(
            episode, at_visit=review["at_visit"], recommended=review["recommendation"],
            decision=decision, note=note, by=request.user,
        )  # fmt: skip
        audit.record(request, "create", decided, detail=f"review {decision}")
    if decision == "modify":
        messages.info(request, "Change the plan: the new version continues the visit count.")
        return redirect("plan_detail", pk=plan.pk)
    if decision == "refer":
        messages.info(request, "Write the referral letter with the course and the scores.")
        return redirect("plan_edit", pk=pk)
    messages.success(request, f"Decision recorded: {names.clinician(decision).lower()}.")
    return redirect("course_detail", pk=pk)


#: The session key holding a new course link's raw token until its page has shown it once.
SESSION_NEW_COURSE_LINK = "plans_new_course_link"


@permission_required("intake.add_invitation", raise_exception=True)
@require_POST
@never_cache
def course_link_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A link for the patient's own page between visits: made, emailed if asked, and shown
    once on the page this redirects to. Only its hash is kept; an older link stops working."""
    episode = _episode(pk)
    if plan_in_force(episode) is None:
        messages.error(request, "Approve a treatment plan before sending the patient's link.")
        return redirect("course_detail", pk=pk)
    with transaction.atomic():
        link, token = create_course_link(episode, by=request.user)
        audit.record(request, "create", link, detail="course link")
    link.episode = episode
    url = request.build_absolute_uri(reverse("course_link", args=[token]))
    sent = request.POST.get("send") == "1" and _email_course_link(request, link, url)
    keep_to_show(request, SESSION_NEW_COURSE_LINK, link, token, sent=sent)
    return redirect("course_link_show", pk=pk, link=link.pk)


def _email_course_link(request: HttpRequest, link: CourseLink, url: str) -> bool:
    patient = link.patient
    subject, template = "Your plan and visit dates from {clinic}", "plans/course_link_email.txt"
    if not patient.email or not email_link(request, link, url, subject=subject, template=template):
        return False
    audit.record(request, "change", link, detail=f"course link emailed to {patient.email}")
    return True


@permission_required("intake.add_invitation", raise_exception=True)
@require_GET
@never_cache
def course_link_show(request: HttpRequest, pk: int, link: int) -> HttpResponse:
    """The link just made, with its QR code, shown once; reloading shows no link."""
    episode = _episode(pk)
    course_link = get_object_or_404(CourseLink, pk=link, episode=episode)
    course_link.episode = episode
    token, sent = take_to_show(request, SESSION_NEW_COURSE_LINK, course_link)
    context: dict[str, Any] = {
        "episode": episode,
        "patient": episode.patient,
        "link": course_link,
        "sent_to": episode.patient.email if sent else "",
    }
    if token is not None:
        url = request.build_absolute_uri(reverse("course_link", args=[token]))
        context |= {"url": url, "qr": mark_safe(qr_svg(url))}  # noqa: S308 - qrcode's SVG of our URL
        audit.record(request, "view", course_link, detail="new course link shown")
    else:
        audit.record(request, "view", course_link, detail="course link page, link already shown")
    return render(request, "plans/course_link.html", context)


# --- the progress report ------------------------------------------------------------------

PLAIN_VERDICT = {
    "improving": "Your symptoms have improved by an amount that matters.",
    "some_change": "Your symptoms have changed a little, less than the amount that usually "
    "matters to patients.",
    "no_change": "Your symptoms have not changed so far.",
    "worse": "Your symptoms are worse than at the start.",
}
PLAIN_NEXT = {
    "continue": "We continue the plan as agreed.",
    "modify": "We change the plan and check again at a later visit.",
    "refer": "We ask your GP (or a physiotherapist) to see you about further care.",
    "discharge": "The course is finished: keep up your home exercises.",
}
PLAIN_MEASURE = {
    "leg_pain": "Leg pain (0 to 10)",
    "back_pain": "Back pain (0 to 10)",
    "odi": "How much the pain limits daily life (Oswestry, %)",
    "sbi": "How much the sciatica bothers you (0 to 24)",
}


def progress_html(episode: Episode, variant: str, paper: str = "") -> str | None:
    """The progress report's HTML (for the PDF when `paper` is given), or None while there is
    no course to report on."""
    plan, visits, found = _course(episode)
    review = found.get("assessment", {}).get("review")
    if plan is None or review is None:
        return None
    series = series_from(found["document"], found["assessment"], review_thresholds().nprs)
    assert series is not None
    given = sorted(
        {m["code"] for v in visits if v.status == Visit.Status.DONE
         for m in v.record.get("modalities", [])},
        key=vocabulary.MODALITIES.codes.index,
    )  # fmt: skip
    context = {
        "for_pdf": bool(paper),
        "paper": paper or "a4",
        "clinic": ClinicSettings.load(),
        "patient": episode.patient,
        "episode": episode,
        "plan": plan,
        "clinician": variant == "clinician",
        "review": review,
        "decision": latest_decision(episode),
        "chart": mark_safe(trend_svg(series)),  # noqa: S308 - numbers and fixed words
        "chart_rows": chart_rows(series),
        "given": [MODALITY_NAMES[code] for code in given],
        "plain_verdict": PLAIN_VERDICT[review["verdict"]],
        "plain_next": PLAIN_NEXT[review["recommendation"]],
        "measure_names": PLAIN_MEASURE,
        "names": _names(),
        "printed_on": timezone.localdate(),
    }
    return render_to_string("plans/progress_print.html", context)


@permission_required(CLINICAL, raise_exception=True)
def progress_report(request: HttpRequest, pk: int, variant: str) -> HttpResponse:
    """The course so far, for the patient or (clinician copy) for the GP: as HTML to check
    on screen, or `?pdf=a4` / `?pdf=letter` as a PDF. Rendered each time: the course moves."""
    if variant not in ("patient", "clinician"):
        raise Http404("No such report.")
    episode = _episode(pk)
    paper = request.GET.get("pdf", "")
    html = progress_html(episode, variant, paper)
    if html is None:
        messages.error(request, "There is no course to report on yet.")
        return redirect("course_detail", pk=pk)
    audit.record(request, "print", episode, detail=f"progress report {variant} {paper or 'html'}")
    if paper not in ("a4", "letter"):
        return HttpResponse(html)
    from plans.render import render_pdf  # WeasyPrint only when a PDF is made

    response = HttpResponse(render_pdf(html, paper), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="progress-{variant}-{paper}.pdf"'
    return response
