"""What is learned about the patient: the questionnaire they fill and the exam in the room.

Both keep their answers in the shape of the case format (`intake/schemas`), so that
`case_document(episode)` only has to put the pieces together for the clinical core.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from clinic.models import Episode
from intake.case import CASE_FORMAT, Case, load_case


class Questionnaire(models.Model):
    """The patient's pre-visit answers, saved step by step as they are typed."""

    episode = models.OneToOneField(Episode, on_delete=models.PROTECT, related_name="questionnaire")
    # Case-format parts: {"patient": {...}, "history": {...}, "questionnaires": {...}}.
    answers = models.JSONField(default=dict, blank=True)
    # Answers the case format has no field for: goals, medications, consent, ...
    extra = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Questionnaire for episode {self.episode_id}"


class Exam(models.Model):
    """The practitioner's examination, and any history taken in the room.

    `version` goes up by one at every save; a form carries the version it was opened
    at, so a save over someone else's newer one is a conflict, not an overwrite.
    """

    episode = models.OneToOneField(Episode, on_delete=models.PROTECT, related_name="exam")
    findings = models.JSONField(default=dict, blank=True)  # the case format's "exam"
    imaging = models.JSONField(default=dict, blank=True)  # the case format's "imaging"
    # History taken in the room: the case format's "history" keys, each of which
    # overrides the patient's questionnaire answer to the same question.
    history = models.JSONField(default=dict, blank=True)
    tcm_notes = models.JSONField("TCM notes", default=dict, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Exam for episode {self.episode_id} (version {self.version})"


def _related(episode: Episode, name: str) -> Any:
    try:
        return getattr(episode, name)
    except models.ObjectDoesNotExist:
        return None


def case_document(episode: Episode) -> dict[str, Any]:
    """The episode's facts as a `sciatica-case/1` document.

    Age is counted on the day the episode opened. Where the practitioner recorded a
    history item in the room, it overrides the questionnaire's answer to it.
    """
    questionnaire = _related(episode, "questionnaire")
    exam = _related(episode, "exam")
    answers = questionnaire.answers if questionnaire else {}
    patient: dict[str, Any] = {"age": episode.patient.age_on(episode.opened)}
    if episode.patient.sex:
        patient["sex"] = episode.patient.sex
    patient.update(answers.get("patient", {}))
    document: dict[str, Any] = {"format": CASE_FORMAT, "patient": patient}
    history = {**answers.get("history", {}), **(exam.history if exam else {})}
    if history:
        document["history"] = history
    if answers.get("questionnaires"):
        document["questionnaires"] = answers["questionnaires"]
    if exam and exam.findings:
        document["exam"] = exam.findings
    if exam and exam.imaging:
        document["imaging"] = exam.imaging
    return document


def episode_case(episode: Episode) -> Case:
    """The episode as a validated `Case`; raises `CaseError` saying what is missing."""
    return load_case(case_document(episode))
