"""The intake panel of the episode page: the questionnaire, its links and files, and for
practitioners the answers summarised with their flags and scores.

`episode_panel` runs a fixed number of queries: the questionnaire, its links, its files,
and (for practitioners, when there are answers) the case the clinical core assesses.
The episode page writes one audit event, saying whether the answers were shown.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.dateparse import parse_date

from clinic.models import Episode, same_name
from clinic.prepared import Prepared
from intake import questionnaire as q
from intake.core import vocabulary
from intake.core.assessment import assess_findings, scores_to_dict
from intake.core.case import CaseError
from intake.core.redflags import FLAG_NAMES
from intake.models import Invitation, Questionnaire, Upload, episode_case, related_or_none

ODI_BAND_LABELS = dict(vocabulary.ODI_BANDS.choices())
# Why a missing field stops the scoring, in the practitioner's words. The history is
# required only for its duration, so a missing history means a missing duration.
CASE_FIELDS = {
    "$.history.duration_weeks": "how long the pain has lasted",
    "$.history": "how long the pain has lasted",
}


def case_problem(error: CaseError) -> str:
    for path, words in CASE_FIELDS.items():
        if error.path == path:
            return f"Scores are not shown yet: the answers do not say {words}."
    return f"Scores are not shown yet: the answers are incomplete ({error.path}: {error.reason})."


def nprs(answers: dict[str, Any], now: str, worst: str, best: str) -> str:
    def shown(key: str) -> str:
        value = answers.get(key)
        return "–" if value is None else str(value)

    return f"now {shown(now)}, worst {shown(worst)}, best {shown(best)}"


def _day(value: Any) -> datetime.date | str | None:
    """A date the answers keep as text ("2026-05-02"), as a date to show as the app does."""
    try:
        return (parse_date(value) or value) if isinstance(value, str) else value
    except ValueError:
        return value


def signature(episode: Episode, consent: dict[str, Any]) -> dict[str, Any] | None:
    """Who signed, and whether the practitioner must look twice at it."""
    name = consent.get("signed_name")
    if not name:
        return None
    on_behalf = consent.get("on_behalf") is True
    return {
        "name": name,
        "on": _day(consent.get("signed_on")),
        "on_behalf": on_behalf,
        "relationship": consent.get("relationship", ""),
        "agreed": consent.get("agreed") is True,
        "mismatch": not on_behalf and not same_name(name, episode.patient.full_name),
    }


def answer_summary(episode: Episode, questionnaire: Questionnaire) -> dict[str, Any]:
    """What the practitioner sees first: flags, scores with bands, the body map, the story."""
    answers, extra = questionnaire.answers, questionnaire.extra
    history = answers.get("history", {})
    summary: dict[str, Any] = {
        "red_flag_answers": [q.RED_FLAGS[code] for code in q.red_flags_answered_yes(answers)],
        "conditions": [q.CONDITIONS[c] for c in history.get("conditions", [])],
        "pregnant": answers.get("patient", {}).get("pregnant"),
        "gestation_weeks": answers.get("patient", {}).get("gestation_weeks"),
        "pain_map": extra.get("pain_map", []),
        "labels": {
            "symptoms": [q.SYMPTOMS[c] for c in history.get("symptoms", [])],
            "aggravating": [q.MOVEMENTS[c] for c in history.get("aggravating", [])],
            "relieving": [q.MOVEMENTS[c] for c in history.get("relieving", [])],
            "contributing": [q.CONTRIBUTING[c] for c in history.get("contributing", [])],
            # As the patient marked them, with their side ("Left calf"); the case keeps
            # the regions only.
            "regions": [q.PAIN_MAP[c] for c in extra.get("pain_map", []) if c in q.PAIN_MAP]
            or [q.PAIN_REGIONS[c] for c in history.get("pain_regions", [])],
        },
        "history": history,
        "pain": [
            ("Leg pain", nprs(history, "leg_pain_now", "leg_pain_worst", "leg_pain_best")),
            (
                "Back pain",
                nprs(history | extra, "back_pain_now", "back_pain_worst", "back_pain_best"),
            ),
        ],
        "onset": q.ONSETS.get(history.get("onset", "")),
        "trigger": q.TRIGGERS.get(history.get("trigger", "")),
        "side": q.SIDES.get(history.get("side", "")),
        "walking": q.WALKING.get(extra.get("walking_distance", "")),
        "standing": q.STANDING.get(extra.get("standing_time", "")),
        "extra": extra,
        "signature": signature(episode, extra.get("consent", {})),
    }
    try:
        case = episode_case(episode)
    except CaseError as error:
        summary["problem"] = case_problem(error)
        return summary
    assessment = assess_findings(case)
    scores = scores_to_dict(assessment.scores)
    if scores["odi"]:
        scores["odi"]["band_label"] = ODI_BAND_LABELS[scores["odi"]["band"]]
    summary.update(
        disposition=assessment.disposition,
        flags=[
            {"label": FLAG_NAMES.get(flag.code, flag.code), "urgency": flag.urgency}
            for flag in assessment.red_flags
        ],
        chronicity=assessment.chronicity,
        scores=scores,
    )
    return summary


#: The questionnaire's links and files, as its related managers read them (their models'
#: own order), compiled once (`clinic.prepared`).
INVITATIONS = Prepared(lambda pk: Invitation.objects.filter(questionnaire_id=pk))
UPLOADS = Prepared(lambda pk: Upload.objects.filter(questionnaire_id=pk))


def episode_panel(request: HttpRequest, episode: Episode) -> dict[str, Any]:
    """What `intake/_episode_panel.html` shows; `answers_shown` says whether the page shows
    the patient's answers (the page's one audit event says so)."""
    questionnaire = related_or_none(episode, "questionnaire")  # with reviewed_by, if joined
    invitations: list[Any] = []
    uploads: list[Any] = []
    summary = None
    clinical = request.user.has_perm("clinic.record_clinical")
    if questionnaire is not None:
        questionnaire.episode = episode
        invitations = INVITATIONS.all(questionnaire.pk)
        uploads = UPLOADS.all(questionnaire.pk)
        for invitation in invitations:
            invitation.questionnaire = questionnaire
        for upload in uploads:
            upload.questionnaire = questionnaire
        if clinical and questionnaire.last_saved_at is not None:
            summary = answer_summary(episode, questionnaire)
    return {
        "questionnaire": questionnaire,
        "invitations": invitations,
        "uploads": uploads,
        "summary": summary,
        "answers_shown": summary is not None,
        "clinical": clinical,
    }
