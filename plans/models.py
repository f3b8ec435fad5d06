"""What is done about the episode: the working diagnosis, the plan and its versions, the PDF.

- `Diagnosis` records the practitioner confirming or overriding the assessment's leading
  cause, with who, when and why; the newest row is the working diagnosis.
- `TreatmentPlan` is one version of the plan (or of a referral letter when a red flag
  means no plan). A draft is edited; `approve_plan` freezes it with a snapshot of the case
  and assessment it was built from; `revise_plan` starts the next version from it.
- `PlanPdf` caches the rendered PDF of an approved version, per variant and paper size.
"""

from __future__ import annotations

import datetime
from functools import cache
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import JSONField
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from clinic.models import Episode, Patient, display_name
from intake.core import vocabulary
from intake.core.case import CaseError, load_case
from intake.models import Exam, Questionnaire, case_document
from plans.core.assessment import assessment_document
from plans.core.propose import plan_problems

MODALITY_NAMES = dict(vocabulary.MODALITIES.choices())
REFERRAL_NAMES = dict(vocabulary.REFERRAL_TARGETS.choices())
CAUSE_CHOICES = vocabulary.CAUSES.choices()


# --- the working diagnosis ----------------------------------------------------------------


class Diagnosis(models.Model):
    """The practitioner's working diagnosis: the assessment's leading cause confirmed, or
    another cause chosen with a reason. Never changed: a new decision is a new row."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="diagnoses")
    cause = models.CharField("working diagnosis", max_length=30, choices=CAUSE_CHOICES)
    proposed_cause = models.CharField(
        "cause the assessment proposed", max_length=30, choices=CAUSE_CHOICES, blank=True
    )
    reason = models.TextField(blank=True)
    exam_version = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name_plural = "diagnoses"

    def __str__(self) -> str:
        return f"{self.get_cause_display()} (episode {self.episode_id})"

    @property
    def overridden(self) -> bool:
        """Another cause than the assessment's (an indeterminate assessment proposes none)."""
        return self.cause != self.proposed_cause


def record_diagnosis(
    episode: Episode,
    *,
    cause: str,
    proposed_cause: str | None,
    reason: str,
    exam_version: int,
    by: Any,
) -> Diagnosis:
    return Diagnosis.objects.create(
        episode=episode,
        cause=cause,
        proposed_cause=proposed_cause or "",
        reason=reason,
        exam_version=exam_version,
        recorded_by=by,
    )


# --- the plan -----------------------------------------------------------------------------


def visit_dates(start: datetime.date, visits_per_week: int, total: int) -> list[datetime.date]:
    """The planned visit days: the same weekdays each week from `start` [I].

    One a week: every 7 days; two: days 0 and 3 of each week (Mon/Thu from a Monday);
    three: days 0, 2 and 4 (Mon/Wed/Fri).
    """
    offsets = {1: (0,), 2: (0, 3), 3: (0, 2, 4)}[visits_per_week]
    days: list[datetime.date] = []
    week = 0
    while len(days) < total:
        for offset in offsets:
            if len(days) < total:
                days.append(start + datetime.timedelta(days=7 * week + offset))
        week += 1
    return days


#: Where a plan builder field of `plan_problems` is stored, when not in a field of its name.
MODEL_FIELD = {"ea_frequency_hz": "modalities", "ea_minutes": "modalities"}


class TreatmentPlan(models.Model):
    """One version of an episode's plan. Approved versions are frozen and never edited."""

    class Kind(models.TextChoices):
        PLAN = "plan", "Treatment plan"
        REFERRAL = "referral", "Referral letter"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        SUPERSEDED = "superseded", "Superseded"

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="plans")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.PLAN)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    # [{"code": "electroacupuncture", "frequency_hz": 2, "minutes": 20}, {"code": "cupping",
    #  "method": "stationary", "area": "..."}, ...] in the order of MODALITIES.
    modalities = models.JSONField(default=list, blank=True)
    # Excluded modalities kept on purpose: {"electroacupuncture": "reason"}.
    overrides = models.JSONField(default=dict, blank=True)
    points = models.JSONField(default=list, blank=True)
    # The dose's limits are checked in `clean()` (one function, `plan_problems`).
    session_minutes = models.PositiveSmallIntegerField(
        "session length (minutes)", null=True, blank=True
    )
    visits_per_week = models.PositiveSmallIntegerField("visits per week", null=True, blank=True)
    total_visits = models.PositiveSmallIntegerField("course length (visits)", null=True, blank=True)
    reassess_at_visit = models.PositiveSmallIntegerField("reassess at visit", null=True, blank=True)
    start_date = models.DateField("first visit", null=True, blank=True)
    exercises = models.JSONField(default=list, blank=True)
    advice = models.JSONField(default=list, blank=True)
    referrals = models.JSONField(default=list, blank=True)  # ["physiotherapy", "gp"]
    patient_note = models.TextField("note for the patient", blank=True)
    # Referral letters: to whom, how urgently, and the letter's own words.
    refer_to = models.CharField("refer to", max_length=200, blank=True)
    urgency = models.CharField(max_length=20, blank=True)
    letter = models.TextField("letter", blank=True)
    # Frozen at approval: what the plan was built from.
    snapshot = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Counts the saves of a draft: a form carries the revision it was opened at, and a
    # save from a stale form conflicts instead of overwriting (`save_draft`).
    revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-version"]
        permissions = [("send_referral", "Can mark a referral letter as sent")]
        constraints = [
            models.UniqueConstraint(fields=["episode", "version"], name="plan_version_once"),
            models.UniqueConstraint(
                fields=["episode"],
                condition=models.Q(status="draft"),
                name="one_draft_plan_per_episode",
            ),
            # Approving a version supersedes the one approved before (`approve_plan`).
            models.UniqueConstraint(
                fields=["episode"],
                condition=models.Q(status="approved"),
                name="one_approved_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} (episode {self.episode_id})"

    def get_absolute_url(self) -> str:
        return reverse("plan_detail", args=[self.pk])

    @property
    def patient(self) -> Patient:
        return self.episode.patient

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_in_force(self) -> bool:
        """An approved treatment plan, not a referral letter: what the visits follow
        (`plans.visits.plan_in_force` finds the episode's)."""
        return self.status == self.Status.APPROVED and self.kind == self.Kind.PLAN

    @property
    def modality_codes(self) -> list[str]:
        return [m["code"] for m in self.modalities]

    def modality(self, code: str) -> dict[str, Any] | None:
        return next((m for m in self.modalities if m["code"] == code), None)

    def limit_problems(self) -> tuple[tuple[str, str], ...]:
        """(field, message) for each of the app's limits this plan breaks (`plan_problems`).

        Electroacupuncture's are reported under `modalities`, the field that stores them.
        A referral letter has no dose to check.
        """
        if self.kind != self.Kind.PLAN:
            return ()
        problems = plan_problems(
            session_minutes=self.session_minutes,
            visits_per_week=self.visits_per_week,
            total_visits=self.total_visits,
            reassess_at_visit=self.reassess_at_visit,
            electroacupuncture=self.modality("electroacupuncture"),
        )
        return tuple((MODEL_FIELD.get(field, field), message) for field, message in problems)

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for field, message in self.limit_problems():
            errors.setdefault(field, []).append(message)
        if errors:
            raise ValidationError(errors)

    def superseded_by(self, versions: list[TreatmentPlan] | None = None) -> TreatmentPlan | None:
        """The version whose approval superseded this one (None unless superseded).

        `versions`, the episode's versions when the caller has them, saves a query.
        """
        if self.status != self.Status.SUPERSEDED:
            return None
        if versions is None:
            versions = list(TreatmentPlan.objects.filter(episode_id=self.episode_id))
        later = [v for v in versions if v.version > self.version and v.approved_at is not None]
        return min(later, key=lambda v: v.version, default=None)

    def visit_dates(self) -> list[datetime.date]:
        if not (self.start_date and self.visits_per_week and self.total_visits):
            return []
        return visit_dates(self.start_date, self.visits_per_week, self.total_visits)


@transaction.atomic
def mark_referred(plan: TreatmentPlan, *, by: Any) -> bool:
    """The referral letter of `plan` is sent: the episode is "Referred", with who and when.

    Done once: printing the letter again changes nothing, unless a red flag reported since
    put the episode back on the dashboard (the letter sent again answers it). Returns
    whether the episode changed.
    """
    if plan.kind != TreatmentPlan.Kind.REFERRAL or plan.is_draft:
        return False
    episode = Episode.objects.select_for_update().get(pk=plan.episode_id)
    if episode.status == Episode.Status.REFERRED and episode.referred_at is not None:
        newer_flag = Questionnaire.objects.filter(
            episode=episode, red_flag_at__gt=episode.referred_at
        ).exists()
        if not newer_flag:
            return False
    episode.status = Episode.Status.REFERRED
    episode.referred_at = timezone.now()
    episode.referred_by = by
    episode.save(update_fields=["status", "referred_at", "referred_by", "updated_at"])
    plan.episode = episode
    return True


class PlanNotReady(Exception):
    """The plan cannot be approved yet; `problems` says why, in words for the page."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def working_diagnosis(episode: Episode) -> Diagnosis | None:
    """The episode's newest diagnosis with who recorded it: read with the episode if its
    query asked for it (`with_working_diagnosis`), else in a query of its own."""
    if hasattr(episode, "working_diagnosis"):
        return _diagnosis_from(episode.working_diagnosis, episode)
    return episode.diagnoses.select_related("recorded_by").first()


#: What `with_working_diagnosis` reads of the diagnosis.
_DIAGNOSIS_FIELDS = ("id", "cause", "proposed_cause", "reason", "exam_version", "recorded_at")
#: What a row read as JSON with the episode carries of the staff member who wrote it.
_USER_FIELDS = ("id", "username", "first_name", "last_name")


def with_working_diagnosis(episodes: models.QuerySet[Episode]) -> models.QuerySet[Episode]:
    """The episodes with their working diagnosis read in the same statement, as one JSON
    object (a subquery), for the pages that show it beside the episode."""
    return episodes.annotate(working_diagnosis=_working_diagnosis())


@cache
def _working_diagnosis() -> models.Subquery:
    """The subquery, built once (annotating resolves a copy of it)."""
    newest = Diagnosis.objects.filter(episode=models.OuterRef("pk")).order_by("-recorded_at", "-pk")
    return first_as_json(newest, _DIAGNOSIS_FIELDS, by="recorded_by")


def _diagnosis_from(read: dict[str, Any] | None, episode: Episode) -> Diagnosis | None:
    return row_from_json(Diagnosis, read, _DIAGNOSIS_FIELDS, "recorded_by", "recorded_at", episode)


M = TypeVar("M", bound=models.Model)


def first_as_json(rows: models.QuerySet[Any], fields: tuple[str, ...], by: str) -> models.Subquery:
    """The first of `rows` as one JSON object (a subquery to annotate the episode with): its
    `fields`, and `_USER_FIELDS` of the staff member its foreign key `by` names."""
    shape = {name: name for name in fields}
    shape.update({f"by_{name}": f"{by}__{name}" for name in _USER_FIELDS})
    return models.Subquery(rows.values(json=JSONObject(**shape))[:1], output_field=JSONField())


def row_from_json(
    model: type[M],
    read: dict[str, Any] | None,
    fields: tuple[str, ...],
    by: str,
    moment: str,
    episode: Episode,
) -> M | None:
    """The row `first_as_json` read, as the model instance a query of its own would give,
    with its episode and its staff member `by`; `moment` is its one date-time field."""
    if read is None:
        return None
    at = parse_datetime(read[moment])
    assert at is not None
    if timezone.is_naive(at):  # SQLite keeps UTC without its offset
        at = at.replace(tzinfo=datetime.UTC)
    staff = get_user_model()(**{name: read[f"by_{name}"] for name in _USER_FIELDS})
    values = {name: read[name] for name in fields if name != moment}
    row = model(**values, episode=episode, **{moment: at, by: staff})
    row._state.adding = False
    row._state.db = episode._state.db
    return row


def excluded_modalities(assessment: dict[str, Any]) -> dict[str, str]:
    """Each modality the assessment excludes for this patient, with why (for the forms)."""
    excluded = (assessment.get("plan") or {}).get("excluded", [])
    return {e["modality"]: _named(e["because"].replace("_", " "), e["why"]) for e in excluded}


def _named(condition: str, why: str) -> str:
    """ "why", led by the condition unless it names it first ("Needle phobia: ...")."""
    return why if why.lower().startswith(condition.lower()) else f"{condition}: {why}"


def excluded_without_reason(
    codes: list[str], assessment: dict[str, Any], overrides: dict[str, str]
) -> list[str]:
    """The modalities chosen that the case excludes, unless kept on purpose with a reason:
    the plan's approval and each visit's treatment record ask the same question."""
    excluded = excluded_modalities(assessment)
    return [
        f"{MODALITY_NAMES[code]} is excluded for this patient."
        for code in codes
        if code in excluded and not (overrides.get(code) or "").strip()
    ]


@transaction.atomic
def approve_plan(plan: TreatmentPlan, *, by: Any) -> TreatmentPlan:
    """Freeze a draft: snapshot the case, the assessment and the working diagnosis.

    The previously approved version (if any) becomes superseded; it stays readable.
    """
    plan = (
        TreatmentPlan.objects.select_for_update().select_related("episode__patient").get(pk=plan.pk)
    )
    if not plan.is_draft:
        raise PlanNotReady(["This version is already approved; change it to make a new one."])
    episode = plan.episode
    try:
        document = case_document(episode)
        assessment = assessment_document(load_case(document))
    except CaseError as error:
        raise PlanNotReady([f"The case is incomplete: {error.reason} ({error.path})."]) from None
    diagnosis = working_diagnosis(episode)
    problems = []
    if plan.kind == TreatmentPlan.Kind.PLAN:
        if assessment["disposition"] != "treat":
            problems.append("The assessment refers this patient on: write a referral letter.")
        if diagnosis is None:
            problems.append("Confirm or override the working diagnosis first.")
        if "red_flag_screen_incomplete" in {f["code"] for f in assessment["amber_flags"]}:
            # NICE CKS: red-flag questions are asked explicitly, never assumed "no".
            problems.append(
                "Ask every red-flag question (the safety questions in the history) "
                "before approving a plan."
            )
        problems += excluded_without_reason(plan.modality_codes, assessment, plan.overrides)
        problems += [message for _, message in plan.limit_problems()]
    if problems:
        raise PlanNotReady(problems)
    plan.snapshot = {
        "case": document,
        "assessment": assessment,
        "diagnosis": None
        if diagnosis is None
        else {
            "cause": diagnosis.cause,
            "proposed_cause": diagnosis.proposed_cause or None,
            "overridden": diagnosis.overridden,
            "reason": diagnosis.reason,
            "by": display_name(diagnosis.recorded_by),
            "at": diagnosis.recorded_at.isoformat(),
        },
        "approved_by": display_name(by),
        # The clinician copy prints the TCM notes beside the examination.
        "tcm_notes": Exam.objects.filter(episode=episode)
        .values_list("tcm_notes", flat=True)
        .first()
        or {},
    }
    TreatmentPlan.objects.filter(episode=episode, status=TreatmentPlan.Status.APPROVED).update(
        status=TreatmentPlan.Status.SUPERSEDED
    )
    plan.status = TreatmentPlan.Status.APPROVED
    plan.approved_by = by
    plan.approved_at = timezone.now()
    plan.save()
    return plan


COPIED_FIELDS = (
    "kind",
    "modalities",
    "overrides",
    "points",
    "session_minutes",
    "visits_per_week",
    "total_visits",
    "reassess_at_visit",
    "start_date",
    "exercises",
    "advice",
    "referrals",
    "patient_note",
    "refer_to",
    "urgency",
    "letter",
)


def next_version(episode: Episode) -> int:
    latest = episode.plans.aggregate(latest=models.Max("version"))["latest"]
    return (latest or 0) + 1


@transaction.atomic
def revise_plan(plan: TreatmentPlan, *, by: Any) -> TreatmentPlan:
    """The draft of the next version, copied from `plan` (or the existing draft)."""
    Episode.objects.select_for_update().filter(pk=plan.episode_id).first()
    draft = plan.episode.plans.filter(status=TreatmentPlan.Status.DRAFT).first()
    if draft is not None:
        return draft
    fields = {name: getattr(plan, name) for name in COPIED_FIELDS}
    return TreatmentPlan.objects.create(
        episode=plan.episode, version=next_version(plan.episode), created_by=by, **fields
    )


class PlanConflict(Exception):
    """The draft changed after the form was opened: nothing is saved.

    `current` is the draft as it is now, or None when it was approved meanwhile.
    """

    def __init__(self, current: TreatmentPlan | None) -> None:
        super().__init__("The draft changed after the form was opened.")
        self.current = current


def draft_revision(draft: TreatmentPlan | None) -> int:
    """What a form opened now carries: the draft's revision, or 0 for no draft."""
    return draft.revision if draft is not None else 0


@transaction.atomic
def save_draft(
    episode: Episode, *, fields: dict[str, Any], by: Any, opened_at_revision: int = 0
) -> TreatmentPlan:
    """Create or update the episode's draft plan with `fields`.

    `opened_at_revision` is the draft's revision when the form was opened (0: there was
    no draft); if the draft has changed since, `PlanConflict` is raised and nothing is
    saved. Raises `ValidationError` (nothing saved) when the plan breaks the app's limits.
    Only `clean()` runs, not `full_clean()`: the form has checked each field, and the
    foreign key and constraint checks would cost a query each.
    """
    Episode.objects.select_for_update().filter(pk=episode.pk).first()
    draft = episode.plans.filter(status=TreatmentPlan.Status.DRAFT).first()
    if draft_revision(draft) != opened_at_revision:
        raise PlanConflict(draft)
    if draft is None:
        draft = TreatmentPlan(episode=episode, version=next_version(episode), created_by=by)
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.clean()
    draft.revision += 1
    draft.save()
    return draft


# --- the printed plan ---------------------------------------------------------------------


class PlanPdf(models.Model):
    """The rendered PDF of an approved version: rendered once, then served from here."""

    class Variant(models.TextChoices):
        PATIENT = "patient", "Patient copy"
        CLINICIAN = "clinician", "Clinician copy"
        REFERRAL = "referral", "Referral letter"

    class Paper(models.TextChoices):
        A4 = "a4", "A4"
        LETTER = "letter", "US Letter"

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="pdfs")
    variant = models.CharField(max_length=10, choices=Variant)
    paper = models.CharField(max_length=10, choices=Paper)
    content = models.BinaryField()
    rendered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "variant", "paper"], name="plan_pdf_once")
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.variant} {self.paper}"


# The course of care lives in its own module; its models are registered with the app here.
from plans.visits import (  # noqa: E402, F401
    CourseLink,
    FollowUp,
    ReviewDecision,
    Visit,
    VisitAddendum,
)
