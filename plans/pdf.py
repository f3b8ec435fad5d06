"""The printed plan: what it says (`print_context`, `plan_html`) and its cached PDF.

- `plan_pdf(plan, variant, paper)` renders an approved version once and keeps the bytes
  in `PlanPdf`; drafts are never printed.
- `print_ahead(plan_pk)`, called once an approval has committed, renders the printed copies
  (each variant on each paper) in a background thread and keeps them, so that printing an
  approved version serves stored bytes. If that has not finished, or failed, `plan_pdf`
  renders on request as before.
- `stored_copy(plan_pk, variant, paper)` is what the print view serves when a copy is kept:
  the bytes with what the view and its audit event read of the plan, in one statement.
- The rendering itself is `plans.render.render_pdf`, imported only when a PDF is made:
  WeasyPrint takes about half a second to import, which no page, worker start or
  `manage.py` command should pay for unless it prints.
"""

from __future__ import annotations

import base64
import datetime
import logging
import mimetypes
import threading
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from clinic.models import ClinicSettings, display_name
from clinic.prepared import Prepared
from intake.core.classify import CAUSE_NAMES, CauseScore, Evidence, rests_on_palpation
from intake.core.redflags import FLAG_NAMES, URGENT_ADVICE, WHERE_TO_GO
from intake.core.redflags import URGENCIES as FLAG_URGENCIES
from intake.core.vocabulary import CAUSES, SIDE_TESTS
from plans.core.propose import evidence_text
from plans.forms import CUPPING_METHOD_NAMES, URGENCY_NAMES
from plans.models import MODALITY_NAMES, REFERRAL_NAMES, PlanPdf, TreatmentPlan

logger = logging.getLogger(__name__)

# --- what the printed plan says ------------------------------------------------------------

#: The likely cause in plain words, for the patient.
CAUSE_IN_PLAIN_WORDS: dict[str | None, str] = {
    **dict(CAUSES.choices("patient")),
    None: "The examination did not point clearly to one cause. We will start gently and "
    "ask your GP to review it.",
}

#: What to expect from each modality. The figures are from the British Acupuncture
#: Council's patient leaflet as quoted on a member's site [S] (bruising about 3%, worse
#: symptoms under 3%); cupping's burns, blisters and skin infection: Aboushanab 2018 and
#: Nielsen 2012 (infection control) [S].
EXPECT = {
    "acupuncture": "Fine single-use needles are placed at points on your back and leg and "
    "left in for the session. A dull ache, heaviness or tingling around a needle is usual. "
    "A small bruise or a drop of blood happens in about 3 treatments in 100. Some people "
    "feel tired or light-headed afterwards, most often after the first visit: tell us if "
    "you feel faint. Fewer than 3 people in 100 find their symptoms get worse for a while "
    "after a treatment: tell us at your next visit if this happens.",
    "electroacupuncture": "Some needles are connected in pairs to a small stimulator that "
    "sends a gentle pulsing current between them. You feel it as tapping or buzzing; say "
    "if it is uncomfortable and it is turned down.",
    "cupping": "Cups hold the skin with gentle suction. They leave round red or purple marks "
    "that usually fade within days to a week. Less often the suction or heat causes a burn "
    "or blisters, and broken skin can become infected: tell us straight away if the skin "
    "blisters, weeps, or becomes hot, red and sore. Tell us too if a mark has not faded by "
    "your next visit.",
    "gua_sha": "A smooth-edged tool is stroked firmly over oiled skin. It leaves red, "
    "speckled marks that fade over the following days.",
}


#: Keys printed in this order, whatever order the database kept them in (PostgreSQL's
#: jsonb sorts keys by length): left before right, as in the exam form's columns.
KEY_ORDER = ("left", "right", "result", "angle_deg")


def _words(value: Any) -> str:
    """A case value as a short phrase: {"right": {"result": "positive", "angle_deg": 40}}
    -> "right positive, 40°"."""
    if isinstance(value, dict):
        parts = []
        known = [key for key in KEY_ORDER if key in value]
        for key in known + [key for key in value if key not in KEY_ORDER]:
            inner = value[key]
            if key == "angle_deg":
                parts.append(f"{inner}°")
            elif key == "result":
                parts.append(str(inner))
            else:
                parts.append(f"{key.replace('_', ' ')} {_words(inner)}")
        return ", ".join(parts)
    if isinstance(value, list):
        return ", ".join(str(v).replace("_", " ") for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ")


def recorded(case: dict[str, Any], finding: str) -> str:
    """What the case holds at the paths a rule reads ("exam.slr + exam.slump")."""
    found = []
    for path in finding.split(" + "):
        node: Any = case
        for key in path.split("."):
            node = node.get(key) if isinstance(node, dict) else None
        if node not in (None, {}, []):
            found.append(f"{path.rsplit('.', 1)[-1].replace('_', ' ')}: {_words(node)}")
    return "; ".join(found)


def exam_rows(case: dict[str, Any]) -> list[tuple[str, str]]:
    """Every examination finding recorded, in words, for the clinician copy."""
    names = dict(SIDE_TESTS.choices())
    return [
        (names.get(k, k.replace("_", " ")), _words(v)) for k, v in (case.get("exam") or {}).items()
    ]


#: The heading word matches the score: "possible" is never printed as "likely".
LIKELIHOOD_WORDS = {"likely": "Likely cause", "possible": "Possible cause"}


def _cause_score(c: dict[str, Any]) -> CauseScore:
    evidence = tuple(
        Evidence(e["finding"], e["effect"], e["why"], e["source"]) for e in c["evidence"]
    )
    return CauseScore(c["code"], c["likelihood"], c["points"], evidence)


def urgent_groups() -> list[dict[str, Any]]:
    """The printed urgent box: the same signs and the same "where to go" as the patient's
    on-screen advice (redflags.URGENT_ADVICE), most urgent first."""
    groups: dict[str, list[str]] = {}
    for advice in URGENT_ADVICE:
        groups.setdefault(advice.urgency, []).extend(advice.sign.split("; "))
    ordered = sorted(groups.items(), key=lambda item: FLAG_URGENCIES.index(item[0]))
    return [{"where": WHERE_TO_GO[u], "signs": signs} for u, signs in ordered]


def week_rows(dates: list[datetime.date], reassess: int | None) -> list[list[dict[str, Any]]]:
    """The visits as a calendar: one row per week (Monday to Sunday) of the course."""
    if not dates:
        return []
    visit_number = {day: n for n, day in enumerate(dates, start=1)}
    monday = dates[0] - datetime.timedelta(days=dates[0].weekday())
    rows = []
    while monday <= dates[-1]:
        row = []
        for offset in range(7):
            day = monday + datetime.timedelta(days=offset)
            number = visit_number.get(day)
            row.append(
                {
                    "day": day,
                    "visit": number,
                    "reassess": number is not None and number == reassess,
                    "in_course": dates[0] <= day <= dates[-1],
                }
            )
        rows.append(row)
        monday += datetime.timedelta(days=7)
    return rows


def _logo_data_url(clinic: ClinicSettings) -> str | None:
    if not clinic.logo:
        return None
    try:
        with clinic.logo.open("rb") as handle:
            data = handle.read()
    except OSError:
        return None
    mime, _ = mimetypes.guess_type(clinic.logo.name)
    return f"data:{mime or 'image/png'};base64,{base64.b64encode(data).decode()}"


def print_context(plan: TreatmentPlan, variant: str, paper: str) -> dict[str, Any]:
    """Everything the print templates show, from the plan and its frozen snapshot."""
    snapshot = plan.snapshot or {}
    assessment = snapshot.get("assessment") or {}
    diagnosis = snapshot.get("diagnosis") or {}
    cause = diagnosis.get("cause") or (assessment.get("plan") or {}).get("cause")
    dates = plan.visit_dates()
    modalities = []
    for entry in plan.modalities:
        code = entry["code"]
        detail = ""
        if code == "electroacupuncture":
            detail = f"{entry.get('frequency_hz')} Hz for {entry.get('minutes')} minutes"
        elif code == "cupping":
            method = CUPPING_METHOD_NAMES.get(entry.get("method", ""), "")
            detail = f"{entry.get('area', '')}; {method.lower()}"
        elif code == "gua_sha":
            detail = entry.get("area", "")
        modalities.append(
            {
                "code": code,
                "name": MODALITY_NAMES[code],
                "detail": detail,
                "expect": EXPECT[code],
                "override": plan.overrides.get(code, ""),
            }
        )
    clinic = ClinicSettings.load()
    root = assessment.get("root") or {}
    scored = {c["code"]: c for c in assessment.get("causes", [])}.get(cause)
    likelihood = str(scored["likelihood"]) if scored else ""
    return {
        "likelihood_word": LIKELIHOOD_WORDS.get(likelihood, "Working diagnosis"),
        "palpation_only": scored is not None and rests_on_palpation(_cause_score(scored)),
        "evidence_note": evidence_text(cause, assessment.get("chronicity", "")),
        "exam_rows": exam_rows(snapshot.get("case") or {}),
        "tcm_notes": {k: v for k, v in (snapshot.get("tcm_notes") or {}).items() if v},
        "cause_rows": [
            {
                **c,
                "evidence": [
                    {**e, "recorded": recorded(snapshot.get("case") or {}, e["finding"])}
                    for e in c["evidence"]
                ],
            }
            for c in assessment.get("causes", [])
        ],
        "plan": plan,
        "superseded_by": plan.superseded_by(),
        "patient": plan.episode.patient,
        "episode": plan.episode,
        "variant": variant,
        "paper": paper,
        "clinician": variant == PlanPdf.Variant.CLINICIAN,
        "clinic": clinic,
        "logo": _logo_data_url(clinic),
        "practitioner": display_name(plan.approved_by) or display_name(plan.episode.practitioner),
        "printed_on": timezone.localdate(),
        "cause": cause,
        "cause_name": CAUSE_NAMES.get(cause, "No single cause stands out") if cause else "",
        "cause_words": CAUSE_IN_PLAIN_WORDS.get(cause),
        "root": root,
        "diagnosis": diagnosis,
        "assessment": assessment,
        "cause_names": CAUSE_NAMES,
        "flag_names": FLAG_NAMES,
        "modalities": modalities,
        "dates": dates,
        "weeks": week_rows(dates, plan.reassess_at_visit),
        "reassess_date": dates[plan.reassess_at_visit - 1]
        if dates and plan.reassess_at_visit and plan.reassess_at_visit <= len(dates)
        else None,
        "referral_names": [REFERRAL_NAMES[r] for r in plan.referrals],
        "urgent_groups": urgent_groups(),
        "urgency_name": URGENCY_NAMES.get(plan.urgency, ""),
        "case": snapshot.get("case") or {},
    }


def plan_html(plan: TreatmentPlan, variant: str, paper: str, *, for_pdf: bool = True) -> str:
    """The print HTML; for the PDF the stylesheet is passed to WeasyPrint, not linked."""
    referral = plan.kind == TreatmentPlan.Kind.REFERRAL
    template = "plans/referral_print.html" if referral else "plans/plan_print.html"
    context = print_context(plan, variant, paper) | {"for_pdf": for_pdf}
    return render_to_string(template, context)


def variants_for(plan: TreatmentPlan) -> tuple[str, ...]:
    if plan.kind == TreatmentPlan.Kind.REFERRAL:
        return (PlanPdf.Variant.REFERRAL, PlanPdf.Variant.CLINICIAN)
    return (PlanPdf.Variant.PATIENT, PlanPdf.Variant.CLINICIAN)


def stored_copy(plan_pk: int, variant: str, paper: str) -> PlanPdf | None:
    """The copy kept of a version in force (approved, not superseded), with what printing
    it reads of the plan (its version, kind and status, its episode and patient), in one
    statement; None when none is kept (it is then rendered on request, by `plan_pdf`)."""
    kept = KEPT_COPIES.get((variant, paper))
    return kept.first(plan_pk) if kept is not None else None


def _kept_copy(variant: str, paper: str) -> Prepared[PlanPdf]:
    return Prepared(
        lambda plan_pk: (
            PlanPdf.objects.filter(
                plan_id=plan_pk,
                plan__status=TreatmentPlan.Status.APPROVED,
                variant=variant,
                paper=paper,
            )
            .select_related("plan__episode__patient")
            .only(
                "content",
                "plan__version",
                "plan__kind",
                "plan__status",
                "plan__episode__patient__id",
            )
        )
    )


#: Every print reads its copy: prepared reads, one per variant and paper (a prepared read
#: takes one argument), as the ORM spends four times as long building this join as the
#: database spends answering it (1.6 ms against 0.34 ms on this project's 2-core machine).
KEPT_COPIES = {
    (variant, paper): _kept_copy(variant, paper)
    for variant in PlanPdf.Variant.values
    for paper in PlanPdf.Paper.values
}


def plan_pdf(plan: TreatmentPlan, variant: str, paper: str) -> bytes:
    """The PDF of an approved version: from the cache, else rendered once and kept.

    A superseded version is rendered afresh, marked as superseded on every page: the
    copy cached while it was current carries no such mark.
    """
    if plan.status != TreatmentPlan.Status.SUPERSEDED:
        cached = PlanPdf.objects.filter(plan=plan, variant=variant, paper=paper).first()
        if cached is not None:
            return bytes(cached.content)
    from plans.render import render_pdf  # WeasyPrint only when a PDF is made

    content = render_pdf(plan_html(plan, variant, paper), paper)
    if plan.status == TreatmentPlan.Status.SUPERSEDED:
        return content
    try:
        with transaction.atomic():
            PlanPdf.objects.create(plan=plan, variant=variant, paper=paper, content=content)
    except IntegrityError:  # rendered by another request at the same time: same bytes
        pass
    return content


def keep_printed_copies(plan_pk: int) -> None:
    """Render and keep every copy of an approved version that can be printed: each of its
    variants on each paper. Copies already kept are left as they are."""
    plan = TreatmentPlan.objects.select_related(
        "episode__patient", "episode__practitioner", "approved_by"
    ).get(pk=plan_pk)
    if plan.status != TreatmentPlan.Status.APPROVED:
        return  # superseded meanwhile: it prints afresh, marked, on request
    for variant in variants_for(plan):
        for paper in PlanPdf.Paper.values:
            plan_pdf(plan, variant, paper)


def _print_ahead_in_thread(plan_pk: int) -> None:
    try:
        keep_printed_copies(plan_pk)
    except Exception:  # logged; the copy then prints on request, as before
        logger.exception("Printing plan %s ahead failed: it prints on request.", plan_pk)
    finally:
        connections.close_all()  # this thread's own connections


def print_ahead(plan_pk: int) -> threading.Thread | None:
    """Once an approval has committed (`transaction.on_commit`): render its printed copies
    off the request, in a background thread; inline when `settings.PRINT_AHEAD_IN_THREAD`
    is off (the tests). Returns the thread started, if any."""
    if not settings.PRINT_AHEAD_IN_THREAD:
        keep_printed_copies(plan_pk)
        return None
    thread = threading.Thread(
        target=_print_ahead_in_thread, args=(plan_pk,), name=f"print-ahead-{plan_pk}", daemon=True
    )
    thread.start()
    return thread
