"""Plain builders for the treatment room: an exam, a diagnosis, an approved plan."""

import copy
import datetime
from typing import Any

from clinic.models import Episode
from intake.core.case import RED_FLAG_QUESTIONS
from intake.models import Exam, ExamRevision
from plans.models import (
    Diagnosis,
    TreatmentPlan,
    approve_plan,
    record_diagnosis,
    save_draft,
)

#: Three weeks of right-sided sciatica below the knee, leg worse than back.
L5_DISC_HISTORY: dict[str, Any] = {
    "duration_weeks": 3,
    "onset": "sudden",
    "trigger": "lifting",
    "side": "right",
    "pain_regions": ["buttock", "posterior_thigh", "shin", "foot"],
    "leg_pain_worse_than_back": True,
    "symptoms": ["numbness", "tingling"],
    "aggravating": ["sitting", "coughing_sneezing"],
    "relieving": ["lying_down"],
    "neurogenic_claudication": False,
    "leg_pain_now": 6,
    "leg_pain_worst": 8,
    "back_pain_now": 3,
    "red_flags": dict.fromkeys(RED_FLAG_QUESTIONS, False),
    "conditions": [],
}
#: Positive SLR and slump on the right, with an L5 deficit: weak dorsiflexion and great
#: toe extension, numb dorsum of the foot, difficult heel walking.
L5_DISC_FINDINGS: dict[str, Any] = {
    "slr": {"right": {"result": "positive", "angle_deg": 40}, "left": {"result": "negative"}},
    "slump": {"right": {"result": "positive"}},
    "strength": {
        "ankle_dorsiflexion": {"right": 4, "left": 5},
        "great_toe_extension": {"right": 4, "left": 5},
    },
    "sensation": {"L5": {"right": "reduced", "left": "normal"}},
    "heel_walk": {"right": "difficult", "left": "normal"},
    "reflexes": {"achilles": {"right": "normal", "left": "normal"}},
}


def make_exam(episode: Episode, **overrides: Any) -> Exam:
    fields: dict[str, Any] = {
        "findings": copy.deepcopy(L5_DISC_FINDINGS),
        "history": copy.deepcopy(L5_DISC_HISTORY),
        "imaging": {},
        "tcm_notes": {},
        "version": 1,
    }
    fields.update(overrides)
    exam = Exam.objects.create(episode=episode, **fields)
    ExamRevision.objects.create(
        exam=exam,
        version=exam.version,
        findings=exam.findings,
        imaging=exam.imaging,
        history=exam.history,
        tcm_notes=exam.tcm_notes,
    )
    return exam


def make_diagnosis(episode: Episode, by: Any, cause: str = "disc_herniation") -> Diagnosis:
    return record_diagnosis(
        episode, cause=cause, proposed_cause=cause, reason="", exam_version=1, by=by
    )


def make_diagnosed_episode(practitioner: Any) -> Episode:
    """An episode of the practitioner's with the L5 disc exam and its working diagnosis:
    ready for the plan builder."""
    from tests.builders import make_episode

    episode = make_episode(practitioner=practitioner)
    make_exam(episode)
    make_diagnosis(episode, practitioner)
    return episode


def plan_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "modalities": [
            {"code": "acupuncture"},
            {"code": "electroacupuncture", "frequency_hz": 2, "minutes": 20},
            {"code": "cupping", "method": "stationary", "area": "Lower back"},
        ],
        "points": ["BL23", "GB30", "GB39"],
        "session_minutes": 20,
        "visits_per_week": 2,
        "total_visits": 8,
        "reassess_at_visit": 4,
        "start_date": datetime.date(2026, 3, 2),
        "exercises": ["Walk a little, often."],
        "advice": ["Get up from the desk every half hour."],
        "referrals": [],
    }
    fields.update(overrides)
    return fields


def make_approved_plan(episode: Episode, by: Any, **overrides: Any) -> TreatmentPlan:
    """An approved plan for an episode with the L5 disc exam (made here if missing)."""
    if not Exam.objects.filter(episode=episode).exists():
        make_exam(episode)
    if not episode.diagnoses.exists():
        make_diagnosis(episode, by)
    draft = save_draft(episode, fields=plan_fields(**overrides), by=by)
    return approve_plan(draft, by=by)


def visit_record(leg: int = 5, **overrides: Any) -> dict[str, Any]:
    """A treatment record as the visit form stores it."""
    record: dict[str, Any] = {
        "position": "prone",
        "modalities": [{"code": "acupuncture", "points": [{"point": "BL23", "side": "both"}],
                        "needles": 6, "retention_minutes": 20, "de_qi": True}],
        "overrides": {},
        "session_minutes": 20,
        "adverse_events": [],
        "adherence": "most",
        "soap": {"s": "", "o": "", "a": "", "p": ""},
        "red_flags": dict.fromkeys(RED_FLAG_QUESTIONS, False),
        "leg_pain_before": leg,
        "back_pain_before": 3,
    }  # fmt: skip
    record.update(overrides)
    return record


def make_visits(episode: Episode, by: Any, *legs: int, sign: bool = False) -> list[Any]:
    """Visits 1, 2, ... done with a leg pain score each (after those already recorded)."""
    from plans.visits import save_visit, sign_visit

    start = episode.visits.count()
    made = []
    for offset, leg in enumerate(legs, start=1):
        visit = save_visit(
            episode,
            number=start + offset,
            date=datetime.date(2026, 3, 1) + datetime.timedelta(days=3 * (start + offset)),
            record=visit_record(leg),
            measures={},
            opened_at_version=0,
            by=by,
        )
        if sign:
            visit = sign_visit(visit, opened_at_version=visit.version, by=by)
        made.append(visit)
    return made
