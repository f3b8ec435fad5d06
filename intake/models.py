"""What is learned about the patient: the questionnaire they fill and the exam in the room.

Both keep their answers in the shape of the case format (`intake/core/schemas`), so that
`case_document(episode)` only has to put the pieces together for the clinical core.
`ExamRevision` keeps every saved version of the exam, so that a practitioner whose form
went stale sees what the other person changed (`save_exam` writes both).
"""

from __future__ import annotations

import datetime
import hashlib
import os
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from clinic.models import Episode
from clinic.prepared import Prepared
from intake import questionnaire
from intake.core.case import CASE_FORMAT, Case, load_case
from intake.core.redflags import patient_urgency


class IntakeSettings(models.Model):
    """Which validated questionnaires the clinic asks its patients. There is one row."""

    ask_odi = models.BooleanField(
        "ask the Oswestry Disability Index (ODI)",
        default=True,
        help_text="Showing the ODI in a commercial product needs a licence from Mapi "
        "Research Trust.",
    )
    ask_start_back = models.BooleanField(
        "ask the Keele STarT Back tool",
        default=True,
        help_text="Free for non-commercial use; commercial use: contact Keele University.",
    )
    ask_sbi = models.BooleanField("ask the Sciatica Bothersomeness Index (SBI)", default=True)

    class Meta:
        verbose_name = "questionnaire settings"
        verbose_name_plural = "questionnaire settings"

    def __str__(self) -> str:
        return "Questionnaire settings"

    @classmethod
    def load(cls) -> IntakeSettings:
        """The one row of settings, made with the defaults on first use."""
        return _SETTINGS_ROW.first(1) or cls.objects.get_or_create(pk=1)[0]


#: The settings row, read on most pages: compiled once (`clinic.prepared`).
_SETTINGS_ROW = Prepared(lambda pk: IntakeSettings.objects.filter(pk=pk))


class QuestionnaireQuerySet(models.QuerySet["Questionnaire"]):
    def flagged(self) -> QuestionnaireQuerySet:
        return self.filter(red_flag=True)

    def flagged_unreferred(self) -> QuestionnaireQuerySet:
        """Red flags still to act on: the episode is open, or a red flag came after the
        referral was sent. A sent referral takes the others off the dashboard."""
        open_episode = models.Q(episode__status=Episode.Status.OPEN)
        flagged_since = models.Q(
            episode__status=Episode.Status.REFERRED,
            red_flag_at__gt=models.F("episode__referred_at"),
        )
        return self.flagged().filter(open_episode | flagged_since)

    def awaiting_review(self) -> QuestionnaireQuerySet:
        return self.filter(submitted_at__isnull=False, reviewed_at__isnull=True)


class Questionnaire(models.Model):
    """The patient's pre-visit answers, saved step by step as they are typed."""

    episode = models.OneToOneField(Episode, on_delete=models.PROTECT, related_name="questionnaire")
    # Case-format parts: {"patient": {...}, "history": {...}, "questionnaires": {...}}.
    answers = models.JSONField(default=dict, blank=True)
    # Answers the case format has no field for: goals, medications, consent, ...
    extra = models.JSONField(default=dict, blank=True)
    # Kept in step with the red-flag answers when they are saved, so that the dashboard
    # lists flagged episodes with one query.
    red_flag = models.BooleanField("red flag reported", default=False)
    emergency = models.BooleanField(
        "emergency sign reported",
        default=False,
        help_text="A possible cauda equina sign was answered yes: the patient was told to "
        "seek emergency care today.",
    )
    # When a red flag not reported before was last answered "yes": one reported after the
    # episode's referral was sent brings it back to the dashboard.
    red_flag_at = models.DateTimeField("new red flag reported", null=True, blank=True)
    last_saved_at = models.DateTimeField("last saved by the patient", null=True, blank=True)
    # Where the patient's "Carry on" leads: the step they were on when they last saved.
    resume_step = models.CharField(max_length=20, blank=True, default="")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionnaireQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Questionnaire for episode {self.episode_id}"

    @property
    def urgent_advice(self) -> list[dict[str, Any]]:
        """Each urgent sign's advice for the patient's pages, shown if answered yes."""
        return questionnaire.urgent_advice_blocks(self.answers)

    @property
    def urgency(self) -> str | None:
        """How urgently the patient was told to get help: emergency, same_day or None."""
        return patient_urgency(questionnaire.red_flags_answered_yes(self.answers))

    @property
    def patient(self) -> Any:
        """Whose answers these are (for the audit trail)."""
        return self.episode.patient


def hash_token(token: str) -> str:
    """Only this hash of a link's token is stored: the raw token is a key to health data."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def link_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.QUESTIONNAIRE_LINK_DAYS)


class PatientLink(models.Model):
    """What every link a patient opens has: the hash of its key, an end, and a lock after
    `LOCK_AFTER` wrong dates of birth. The questionnaire's `Invitation` and the course's
    `plans.visits.CourseLink` are both one; `compare_birth_date` checks either."""

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Wrong dates of birth typed; at LOCK_AFTER the link locks until staff unlock it.
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    expires_at: models.DateTimeField[datetime.datetime, datetime.datetime]  # each sets its days

    LOCK_AFTER = 5

    class Meta:
        abstract = True

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def usable(self) -> bool:
        """Whether this link may still open its pages (to answer or to confirm)."""
        return self.revoked_at is None and self.locked_at is None and not self.is_expired


def compare_birth_date(
    link: PatientLink, guess: datetime.date, born: datetime.date
) -> tuple[str, PatientLink]:
    """ "confirmed", "wrong" or "refused" (the link no longer usable), with the link's row.

    The row is locked before the date is compared, so guesses sent at once are counted one
    after the other and none is compared once the link has locked.
    """
    with transaction.atomic():
        locked = type(link)._default_manager.select_for_update().get(pk=link.pk)
        if not locked.usable():
            return "refused", locked
        if guess == born:
            locked.failed_attempts = 0
            locked.save(update_fields=["failed_attempts"])
            return "confirmed", locked
        locked.failed_attempts += 1
        if locked.failed_attempts >= locked.LOCK_AFTER:
            locked.locked_at = timezone.now()
        locked.save(update_fields=["failed_attempts", "locked_at"])
        return "wrong", locked


class Invitation(PatientLink):
    """A link that lets the patient open their questionnaire, with its own key.

    The raw token is shown once (when the link is made or sent again) and never stored.
    """

    class State(models.TextChoices):
        SENT = "sent", "Sent"
        OPENED = "opened", "Opened"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"
        LOCKED = "locked", "Locked"

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="invitations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(default=link_expiry)
    sent_to = models.EmailField("sent to", blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Questionnaire link {self.pk} for episode {self.questionnaire.episode_id}"

    @property
    def patient(self) -> Any:
        return self.questionnaire.episode.patient

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.questionnaire.submitted_at is not None:
            return self.State.SUBMITTED
        if self.locked_at is not None:
            return self.State.LOCKED
        if self.is_expired:
            return self.State.EXPIRED
        if self.opened_at is not None and self.questionnaire.last_saved_at is not None:
            return self.State.IN_PROGRESS
        if self.opened_at is not None:
            return self.State.OPENED
        return self.State.SENT

    def get_state_display(self) -> str:
        return self.State(self.state).label


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT: never served by URL, only by an audited view."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:  # type: ignore[override]  # private files have no URL on purpose
        return None

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL: use the audited download view.")


def upload_name(instance: Upload, filename: str) -> str:
    # A random name: the patient's file name is kept only as data, never as a path.
    return f"questionnaire/{uuid.uuid4().hex}"


class Upload(models.Model):
    """A scan report or image the patient attached to the questionnaire."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="uploads"
    )
    file = models.FileField(upload_to=upload_name, storage=PrivateStorage())
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def patient(self) -> Any:
        return self.questionnaire.episode.patient


#: The parts of an exam, each in the case format's shape.
EXAM_PARTS = ("patient", "findings", "imaging", "history", "tcm_notes")


class Exam(models.Model):
    """The practitioner's examination, and any history taken in the room.

    `version` goes up by one at every save; a form carries the version it was opened
    at, so a save over someone else's newer one is a conflict, not an overwrite.
    """

    episode = models.OneToOneField(Episode, on_delete=models.PROTECT, related_name="exam")
    # The case format's "patient" items asked in the room (pregnancy); sex comes from Patient.
    patient = models.JSONField(default=dict, blank=True)
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

    def parts(self) -> dict[str, dict[str, Any]]:
        return {part: getattr(self, part) for part in EXAM_PARTS}


class ExamRevision(models.Model):
    """The exam as saved at one version: read back to show what changed in a conflict."""

    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    patient = models.JSONField(default=dict)
    findings = models.JSONField(default=dict)
    imaging = models.JSONField(default=dict)
    history = models.JSONField(default=dict)
    tcm_notes = models.JSONField(default=dict)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exam", "version"], name="exam_revision_once")
        ]

    def __str__(self) -> str:
        return f"Exam {self.exam_id} version {self.version}"

    def parts(self) -> dict[str, dict[str, Any]]:
        return {part: getattr(self, part) for part in EXAM_PARTS}


# --- writes ------------------------------------------------------------------------------


@transaction.atomic
def create_invitation(episode: Episode, *, by: Any) -> tuple[Invitation, str]:
    """A new link to the episode's questionnaire; any older link still open stops working.

    Returns the invitation and its raw token, which is not stored anywhere.
    """
    questionnaire, _ = Questionnaire.objects.get_or_create(episode=episode)
    questionnaire.invitations.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = new_token()
    invitation = Invitation.objects.create(
        questionnaire=questionnaire, token_hash=hash_token(token), created_by=by
    )
    return invitation, token


def renew_invitation(invitation: Invitation) -> str:
    """Give the link a new token and a new expiry date: the old link stops working."""
    token = new_token()
    invitation.token_hash = hash_token(token)
    invitation.expires_at = link_expiry()
    invitation.save(update_fields=["token_hash", "expires_at"])
    return token


def save_answers(
    questionnaire: Questionnaire,
    *,
    red_flags: list[str],
    emergency: bool,
    new_red_flag: bool = False,
) -> None:
    """Save the patient's answers as they are, with the red-flag summary the dashboard reads.

    `new_red_flag`: a red flag not reported before is answered "yes" in this save.
    """
    if new_red_flag:
        questionnaire.red_flag_at = timezone.now()
    questionnaire.red_flag = bool(red_flags)
    questionnaire.emergency = emergency
    questionnaire.last_saved_at = timezone.now()
    questionnaire.save()


class ExamConflict(Exception):
    """Someone saved the exam after the form was opened; nothing was written."""

    def __init__(self, current: Exam, base: dict[str, dict[str, Any]]) -> None:
        super().__init__(f"exam is at version {current.version}")
        self.current = current
        self.base = base  # the parts as they were at the version the form was opened at


def exam_parts(exam: Exam | None) -> dict[str, dict[str, Any]]:
    if exam is None:
        return {part: {} for part in EXAM_PARTS}
    return exam.parts()


@transaction.atomic
def save_exam(
    episode: Episode,
    *,
    parts: dict[str, dict[str, Any]],
    opened_at_version: int,
    by: Any,
) -> Exam:
    """Save the exam if nobody saved it since `opened_at_version`; else raise `ExamConflict`.

    The row is locked while the version is compared, so two saves of the same version
    cannot both win. Version 0 means "there was no exam yet".
    """
    exam = Exam.objects.select_for_update().filter(episode=episode).first()
    current = exam.version if exam else 0
    # With no exam yet there is nothing to overwrite, whatever version the form says.
    if exam is not None and current != opened_at_version:
        base = ExamRevision.objects.filter(exam=exam, version=opened_at_version).first()
        raise ExamConflict(exam, base.parts() if base else exam_parts(None))
    if exam is None:
        exam = Exam(episode=episode)
    for part in EXAM_PARTS:
        setattr(exam, part, parts[part])
    exam.version = current + 1
    exam.updated_by = by
    try:
        with transaction.atomic():
            exam.save()
    except IntegrityError:  # created by someone else in the meantime
        raise ExamConflict(Exam.objects.get(episode=episode), exam_parts(None)) from None
    ExamRevision.objects.create(exam=exam, version=exam.version, saved_by=by, **parts)
    return exam


def related_or_none(episode: Episode, name: str) -> Any:
    """A reverse one-to-one (questionnaire, exam), or None when there is none yet."""
    return getattr(episode, name, None)  # RelatedObjectDoesNotExist is an AttributeError


def case_document(
    episode: Episode, *, exam_parts: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The episode's facts as a `sciatica-case/1` document.

    Age is counted on the day the episode opened. Where the practitioner recorded a
    history item in the room, it overrides the questionnaire's answer to it.
    `exam_parts` stands in for the saved exam (the live preview of an unsaved form).
    """
    questionnaire = related_or_none(episode, "questionnaire")
    if exam_parts is None:
        exam = related_or_none(episode, "exam")
        exam_parts = exam.parts() if exam else {}
    answers = questionnaire.answers if questionnaire else {}
    patient: dict[str, Any] = {"age": episode.patient.age_on(episode.opened)}
    if episode.patient.sex:
        patient["sex"] = episode.patient.sex
    patient.update(answers.get("patient", {}))
    patient.update(exam_parts.get("patient", {}))
    document: dict[str, Any] = {"format": CASE_FORMAT, "patient": patient}
    history = {**answers.get("history", {}), **exam_parts.get("history", {})}
    if history:
        document["history"] = history
    if answers.get("questionnaires"):
        document["questionnaires"] = answers["questionnaires"]
    if exam_parts.get("findings"):
        document["exam"] = exam_parts["findings"]
    if exam_parts.get("imaging"):
        document["imaging"] = exam_parts["imaging"]
    return document


def episode_case(episode: Episode) -> Case:
    """The episode as a validated `Case`; raises `CaseError` saying what is missing."""
    return load_case(case_document(episode))
