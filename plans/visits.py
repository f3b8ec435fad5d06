"""The course of care: the visits of an approved plan, each with its treatment record.

- `Visit` is one visit of the course, numbered in the plan's calendar (`visit_dates`); a
  revised plan continues the count. Only a visit `done` counts ("visit 3 of 10").
- Its treatment record (`record`, STRICTA: MacPherson 2010) is a draft until the
  practitioner signs it; a signed record never changes (`Visit.save()` refuses), and a
  correction is a `VisitAddendum` with who, when and why beside the original.
- The record is version-checked like the exam: `save_visit` raises `VisitConflict` when
  someone saved it since the form was opened.
- `CourseLink` is the patient's own link between visits (their plan, dates, follow-up);
  `FollowUp` keeps the outcome measures they answer at home before a review.
- `ReviewDecision` keeps what the practitioner decided at a review (continue, modify,
  refer, discharge) beside what the review recommended.
- `course_document(episode)` is the case format's `course`, built from the visits, which
  `course_case(episode)` adds to intake's case document (intake cannot import plans).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone

from clinic.models import Episode, Patient
from clinic.prepared import Prepared
from intake.core import vocabulary
from intake.models import PatientLink, case_document, hash_token, new_token
from plans.core.review import Thresholds
from plans.models import TreatmentPlan, first_as_json, row_from_json


class SignedRecordError(Exception):
    """A signed visit record was about to be changed: corrections are addenda."""


class Visit(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        DONE = "done", "Done"
        MOVED = "moved", "Moved"
        MISSED = "missed", "Did not attend"
        CANCELLED = "cancelled", "Cancelled"

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="visits")
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="visits")
    number = models.PositiveSmallIntegerField()
    date = models.DateField()
    status = models.CharField(max_length=10, choices=Status, default=Status.PLANNED)
    # The treatment record, STRICTA's items: position, modalities, NPRS, adverse events, ...
    record = models.JSONField(default=dict, blank=True)
    # Outcome measures answered again at this visit (the case format's course.measures[]).
    measures = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    # When a red flag was first answered yes at this visit (None: all no): the dashboard
    # lists it until the referral is sent.
    red_flag_at = models.DateTimeField("red flag reported at the visit", null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "number"], name="visit_number_once")
        ]
        # The episode's counts of visits done and of records not signed
        # (`with_visit_counts`, on the episode page) read these, not each visit's record:
        # a long course counts as fast as a short one.
        indexes = [
            models.Index(fields=["episode", "status"], name="visit_episode_status"),
            models.Index(fields=["episode", "signed_at"], name="visit_episode_signed_at"),
        ]

    def __str__(self) -> str:
        return f"Visit {self.number} (episode {self.episode_id})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The one guard every path meets (form, admin, shell): a signed record is final.
        if getattr(self, "_loaded_signed", False):
            raise SignedRecordError(f"visit {self.number} is signed; add an addendum instead")
        super().save(*args, **kwargs)
        self._loaded_signed = self.signed_at is not None

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Visit:
        visit = super().from_db(db, field_names, values)
        visit._loaded_signed = visit.signed_at is not None
        return visit

    @property
    def patient(self) -> Patient:
        return self.episode.patient

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class VisitAddendum(models.Model):
    """A correction or addition to a signed record: the original stays as it was."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    reason = models.TextField("why")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"Addendum to {self.visit}"

    @property
    def patient(self) -> Patient:
        return self.visit.episode.patient


class ReviewDecision(models.Model):
    """What the practitioner decided at a review: never changed, a new decision is a new row."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="reviews")
    at_visit = models.PositiveSmallIntegerField()
    recommended = models.CharField("the review recommended", max_length=10)
    decision = models.CharField(max_length=10, choices=vocabulary.REVIEW_RECOMMENDATIONS.choices())
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"Review decision {self.decision} at visit {self.at_visit}"

    @property
    def patient(self) -> Patient:
        return self.episode.patient


def course_link_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.COURSE_LINK_DAYS)


class CourseLink(PatientLink):
    """The patient's own link between visits: their plan, visit dates, the follow-up.

    Like the questionnaire's link: only the token's hash is kept, the date of birth is
    asked first, and wrong dates lock it after `LOCK_AFTER` tries.
    """

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="course_links")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=course_link_expiry)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Course link {self.pk} (episode {self.episode_id})"

    @property
    def patient(self) -> Patient:
        return self.episode.patient


class FollowUp(models.Model):
    """The outcome measures the patient answered at home before a review or last visit."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="follow_ups")
    at_visit = models.PositiveSmallIntegerField()
    answers = models.JSONField(default=dict, blank=True)  # as course.measures[] holds them
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["episode", "at_visit"], name="follow_up_once")
        ]

    def __str__(self) -> str:
        return f"Follow-up before visit {self.at_visit} (episode {self.episode_id})"

    @property
    def patient(self) -> Patient:
        return self.episode.patient


# --- the schedule ------------------------------------------------------------------------


def plan_in_force(episode: Episode) -> TreatmentPlan | None:
    """The approved treatment plan the visits follow (not a referral letter): read with the
    episode if its query asked for it (`with_plan_in_force`), else in a query of its own."""
    if getattr(episode, "in_force_read", False):
        joined: TreatmentPlan | None = getattr(episode, "in_force", None)  # unset: none
        return joined
    plan = PLAN_IN_FORCE.first(episode.pk)
    if plan is not None:
        plan.episode = episode
    return plan


def with_plan_in_force(episodes: models.QuerySet[Episode]) -> models.QuerySet[Episode]:
    """The episodes with their plan in force joined in the same statement: one row each, as
    an episode has one approved version at most (the constraint `one_approved_version`)."""
    in_force = models.FilteredRelation(
        "plans",
        condition=models.Q(
            plans__status=TreatmentPlan.Status.APPROVED, plans__kind=TreatmentPlan.Kind.PLAN
        ),
    )
    read = models.Value(True, output_field=models.BooleanField())  # what plan_in_force asks
    joined = episodes.annotate(in_force=in_force, in_force_read=read)
    return joined.select_related("in_force")  # type: ignore[misc]  # the stubs know no FilteredRelation


#: Compiled once (`clinic.prepared`): the newest approved plan (the one approved version).
PLAN_IN_FORCE = Prepared(
    lambda pk: TreatmentPlan.objects.filter(
        episode_id=pk, status=TreatmentPlan.Status.APPROVED, kind=TreatmentPlan.Kind.PLAN
    ).order_by("-version")[:1]
)


@dataclass(frozen=True)
class Slot:
    """One line of the schedule: a visit recorded, or one the calendar still plans."""

    number: int
    date: datetime.date
    visit: Visit | None

    @property
    def status(self) -> str:
        return self.visit.status if self.visit else Visit.Status.PLANNED

    @property
    def status_display(self) -> str:
        return Visit.Status(self.status).label

    @property
    def is_ahead(self) -> bool:
        """Still to happen: planned, or moved to a new date (not done, missed or cancelled)."""
        return self.status in (Visit.Status.PLANNED, Visit.Status.MOVED)

    def overdue(self, today: datetime.date) -> bool:
        """Its date has passed and nothing says what happened (done, missed, cancelled)."""
        return self.is_ahead and self.date < today


@dataclass(frozen=True)
class Schedule:
    plan: TreatmentPlan | None
    slots: list[Slot]

    @property
    def planned(self) -> int:
        return self.plan.total_visits or 0 if self.plan else 0

    @property
    def done(self) -> int:
        return sum(1 for s in self.slots if s.status == Visit.Status.DONE)

    @property
    def next_slot(self) -> Slot | None:
        return next((s for s in self.slots if s.visit is None or not s.visit.is_signed), None)

    @property
    def unsigned(self) -> int:
        return sum(1 for s in self.slots if s.visit and s.visit.record and not s.visit.is_signed)


def schedule(episode: Episode, plan: TreatmentPlan | None, visits: list[Visit]) -> Schedule:
    """The course as the plan's calendar lays it out, with the visits recorded against it.

    A revised plan continues the count: its calendar gives the dates of the numbers after
    those already recorded. Visits missed or cancelled keep their line and do not count.
    """
    if plan is None:
        return Schedule(None, [])
    by_number = {v.number: v for v in visits}
    dates = plan.visit_dates()
    total = max(plan.total_visits or 0, max(by_number, default=0))
    slots = []
    for number in range(1, total + 1):
        visit = by_number.get(number)
        if visit is not None:
            slots.append(Slot(number, visit.date, visit))
        elif number <= len(dates):
            slots.append(Slot(number, dates[number - 1], None))
    return Schedule(plan, slots)


# --- writes ------------------------------------------------------------------------------


class VisitConflict(Exception):
    """Someone saved this visit after the form was opened; nothing was written."""

    def __init__(self, current: Visit) -> None:
        super().__init__(f"visit is at version {current.version}")
        self.current = current


@transaction.atomic
def save_visit(
    episode: Episode,
    *,
    number: int,
    date: datetime.date,
    record: dict[str, Any],
    measures: dict[str, Any],
    opened_at_version: int,
    by: Any,
) -> Visit:
    """Save visit `number`'s draft record; it is done (the patient came).

    Raises `VisitConflict` when it was saved since `opened_at_version` (0: not yet), and
    `SignedRecordError` when it is signed. The row is locked while the version is compared.
    """
    Episode.objects.select_for_update().filter(pk=episode.pk).first()
    visit = Visit.objects.select_for_update().filter(episode=episode, number=number).first()
    if visit is not None and visit.is_signed:
        raise SignedRecordError(f"visit {number} is signed; add an addendum instead")
    if (visit.version if visit else 0) != opened_at_version:
        assert visit is not None
        raise VisitConflict(visit)
    plan = plan_in_force(episode)
    if plan is None:
        raise ValueError("no approved plan")
    if visit is None:
        visit = Visit(episode=episode, number=number)
    visit.plan = plan
    visit.date = date
    visit.status = Visit.Status.DONE
    visit.record = record
    visit.measures = measures
    flagged = any((record.get("red_flags") or {}).values())
    visit.red_flag_at = (visit.red_flag_at or timezone.now()) if flagged else None
    visit.version += 1
    visit.updated_by = by
    visit.save()
    return visit


def red_flag_names(visit: Visit) -> list[str]:
    """The red-flag questions answered yes at the visit, in the clinician's words."""
    answers = visit.record.get("red_flags") or {}
    return [vocabulary.RED_FLAG_QUESTIONS.clinician(code) for code, yes in answers.items() if yes]


@transaction.atomic
def set_status(
    episode: Episode, *, number: int, status: str, date: datetime.date, by: Any
) -> Visit:
    """Move, miss or cancel a visit of the calendar (a signed one cannot be)."""
    plan = plan_in_force(episode)
    if plan is None:
        raise ValueError("no approved plan")
    visit = Visit.objects.select_for_update().filter(episode=episode, number=number).first()
    if visit is None:
        visit = Visit(episode=episode, number=number, plan=plan)
    visit.status = status
    visit.date = date
    visit.version += 1
    visit.updated_by = by
    visit.save()
    return visit


@transaction.atomic
def sign_visit(visit: Visit, *, opened_at_version: int, by: Any) -> Visit:
    """Sign the record as saved at `opened_at_version`: from now on it never changes."""
    current = Visit.objects.select_for_update().get(pk=visit.pk)
    if current.is_signed:
        raise SignedRecordError(f"visit {current.number} is already signed")
    if current.version != opened_at_version:
        raise VisitConflict(current)
    current.signed_by = by
    current.signed_at = timezone.now()
    current.save()
    return current


def decide_review(
    episode: Episode, *, at_visit: int, recommended: str, decision: str, note: str, by: Any
) -> ReviewDecision:
    """Record what the practitioner decided at the review, beside what it recommended."""
    return ReviewDecision.objects.create(
        episode=episode, at_visit=at_visit, recommended=recommended, decision=decision,
        note=note, decided_by=by,
    )  # fmt: skip


def add_addendum(visit: Visit, *, text: str, reason: str, by: Any) -> VisitAddendum:
    return VisitAddendum.objects.create(visit=visit, text=text, reason=reason, written_by=by)


# --- the course in the case --------------------------------------------------------------


def _nprs(record: dict[str, Any], key: str) -> dict[str, int]:
    value = record.get(key)
    return {} if value is None else {key: value}


def course_document(
    plan: TreatmentPlan | None, visits: list[Visit], follow_ups: list[FollowUp] | None = None
) -> dict[str, Any] | None:
    """The case format's `course`: the visits done and the measures re-taken (in the room,
    or by the patient at home before the visit)."""
    if plan is None or not plan.total_visits:
        return None
    done = [v for v in visits if v.status == Visit.Status.DONE]
    course_visits = []
    measures = []
    for visit in done:
        r = visit.record
        entry: dict[str, Any] = {"number": visit.number, "date": visit.date.isoformat()}
        for key in ("leg_pain_before", "leg_pain_after", "back_pain_before", "back_pain_after"):
            entry |= _nprs(r, key)
        events = [e["code"] for e in r.get("adverse_events", [])]
        if events:
            entry["adverse_events"] = events
        if r.get("red_flags") is not None:
            entry["new_red_flags"] = r["red_flags"]
        course_visits.append(entry)
        if visit.measures:
            measures.append(
                {"at_visit": visit.number, "date": visit.date.isoformat(), **visit.measures}
            )
    taken = {m["at_visit"] for m in measures}
    done_numbers = {v.number: v for v in done}
    for follow_up in follow_ups or []:
        attended = done_numbers.get(follow_up.at_visit)
        if follow_up.answers and attended is not None and follow_up.at_visit not in taken:
            measures.append(
                {
                    "at_visit": follow_up.at_visit,
                    "date": attended.date.isoformat(),
                    **follow_up.answers,
                }
            )
    measures.sort(key=lambda m: m["at_visit"])
    return {
        "planned_visits": plan.total_visits,
        "review_at_visit": plan.reassess_at_visit or plan.total_visits,
        "visits": course_visits,
        "measures": measures,
    }


def course_case(episode: Episode) -> dict[str, Any]:
    """The episode's case document with its course (when a plan is approved)."""
    return case_with_course(episode, plan_in_force(episode))


#: The episode's visits and follow-up answers, as its related managers read them (their
#: models' own order), compiled once (`clinic.prepared`).
VISITS = Prepared(lambda pk: Visit.objects.filter(episode_id=pk))
FOLLOW_UPS = Prepared(lambda pk: FollowUp.objects.filter(episode_id=pk))
#: The red flags answered yes at a visit still to act on, as the questionnaire's are
#: (`flagged_unreferred`): the episode is open, or the flag came after the referral was sent.
FLAGGED_VISITS = Prepared(
    lambda: (
        Visit.objects.filter(red_flag_at__isnull=False)
        .filter(
            models.Q(episode__status=Episode.Status.OPEN)
            | models.Q(
                episode__status=Episode.Status.REFERRED,
                red_flag_at__gt=models.F("episode__referred_at"),
            )
        )
        .select_related("episode__patient")
        .order_by("-red_flag_at", "pk")
    )
)


def case_with_course(episode: Episode, plan: TreatmentPlan | None) -> dict[str, Any]:
    """`course_case` for a caller that has read the plan in force already (or knows there
    is none)."""
    document = case_document(episode)
    visits = VISITS.all(episode.pk) if plan else []
    follow_ups = FOLLOW_UPS.all(episode.pk) if plan else []
    for visit in visits:
        visit.episode = episode
    for follow_up in follow_ups:
        follow_up.episode = episode
    course = course_document(plan, visits, follow_ups)
    if course is not None:
        document["course"] = course
    return document


def referral_decided(episode: Episode) -> bool:
    """Whether the practitioner's latest review decision is to refer."""
    decided = latest_decision(episode)
    return decided is not None and decided.decision == "refer"


def latest_decision(episode: Episode) -> ReviewDecision | None:
    """The practitioner's latest review decision with who made it: read with the episode if
    its query asked for it (`with_latest_decision`), else in a query of its own."""
    if hasattr(episode, "latest_decision"):
        return row_from_json(
            ReviewDecision, episode.latest_decision, _DECISION_FIELDS, "decided_by", "decided_at",
            episode,
        )  # fmt: skip
    return episode.reviews.select_related("decided_by").first()


def with_latest_decision(episodes: models.QuerySet[Episode]) -> models.QuerySet[Episode]:
    """The episodes with their latest review decision read in the same statement, as one
    JSON object (a subquery)."""
    return episodes.annotate(latest_decision=_latest_decision())


def with_visit_counts(episodes: models.QuerySet[Episode]) -> models.QuerySet[Episode]:
    """The episodes with their visits done, their records not yet signed and their visits
    where a red flag was answered yes, counted in the same statement ("visit 3 of 10 done";
    the practitioner's reminder to sign; the episode page's red-flag banner)."""
    done, unsigned, flagged = _visit_counts()
    return episodes.annotate(visits_done=done, visits_unsigned=unsigned, visits_flagged=flagged)


# The subqueries, built once (annotating resolves a copy of each).


#: What `with_latest_decision` reads of the decision.
_DECISION_FIELDS = ("id", "at_visit", "recommended", "decision", "note", "decided_at")


@cache
def _latest_decision() -> models.Subquery:
    latest = ReviewDecision.objects.filter(episode=models.OuterRef("pk"))
    return first_as_json(latest.order_by("-decided_at", "-pk"), _DECISION_FIELDS, by="decided_by")


@cache
def _visit_counts() -> tuple[Coalesce, Coalesce, Coalesce]:
    visits = Visit.objects.filter(episode=models.OuterRef("pk")).order_by().values("episode")

    def count(condition: models.Q) -> Coalesce:
        counted = visits.filter(condition).annotate(n=models.Count("pk")).values("n")
        return Coalesce(models.Subquery(counted), 0)

    unsigned = models.Q(signed_at__isnull=True) & ~models.Q(record={})
    flagged = models.Q(red_flag_at__isnull=False)
    return count(models.Q(status=Visit.Status.DONE)), count(unsigned), count(flagged)


MEASURE_NAMES = {
    "leg_pain": "leg pain (0-10)",
    "back_pain": "back pain (0-10)",
    "odi": "Oswestry Disability Index (%)",
    "sbi": "Sciatica Bothersomeness Index",
}


def course_letter(review: dict[str, Any], concerns: str, urgency: str) -> str:
    """The referral letter's words during a course: the visits, the scores then and now."""
    changes = [
        f"{MEASURE_NAMES[code]}: {c['baseline']:g} at the start, {c['latest']:g} now"
        for code, c in review["changes"].items()
    ]
    verdict = vocabulary.REVIEW_VERDICTS.clinician(review["verdict"]).lower()
    planned = review["visits_done"] + review["visits_left"]
    return render_to_string(
        "plans/course_referral_letter.txt",
        {"review": review, "planned": planned, "verdict": verdict, "changes": changes,
         "flags": concerns, "urgency": urgency},
    )  # fmt: skip


def follow_up_due(plan: TreatmentPlan | None, visits: list[Visit]) -> int | None:
    """The visit the patient answers the follow-up before: the next one, when it is the
    review visit or the last of the course."""
    if plan is None:
        return None
    done = {v.number for v in visits if v.status == Visit.Status.DONE}
    upcoming = next((n for n in range(1, (plan.total_visits or 0) + 1) if n not in done), None)
    return upcoming if upcoming in (plan.reassess_at_visit, plan.total_visits) else None


def create_course_link(episode: Episode, *, by: Any) -> tuple[CourseLink, str]:
    """A new link for the patient between visits; an older one stops working."""
    with transaction.atomic():
        episode.course_links.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        token = new_token()
        link = CourseLink.objects.create(
            episode=episode, token_hash=hash_token(token), created_by=by
        )
    return link, token


@transaction.atomic
def save_follow_up(
    episode: Episode, *, at_visit: int, change: Callable[[dict[str, Any]], dict[str, Any]]
) -> FollowUp:
    """Write `change(the answers saved so far)`, the row locked from read to write, so that
    two saves at once (two tabs) each build on the other's."""
    FollowUp.objects.get_or_create(episode=episode, at_visit=at_visit)
    follow_up = FollowUp.objects.select_for_update().get(episode=episode, at_visit=at_visit)
    follow_up.answers = change(follow_up.answers)
    follow_up.save()
    return follow_up


def review_thresholds() -> Thresholds:
    """The clinic's minimal important changes (settings; Ostelo 2008 by default)."""
    return Thresholds(
        nprs=settings.REVIEW_MIC_NPRS,
        odi=settings.REVIEW_MIC_ODI,
        percent=settings.REVIEW_MIC_PERCENT,
    )


# --- the courses that need attention ------------------------------------------------------

DROPPED_OUT_AFTER = datetime.timedelta(days=14)  # no visit for two weeks [I]
NEARLY_USED_UP = 2  # visits left [I]


@dataclass(frozen=True)
class CourseLine:
    episode: Episode
    plan: TreatmentPlan
    done: int
    next_slot: Slot | None
    last_visit: datetime.date | None
    unsigned: int
    overdue: bool = False  # the next visit's date has passed, and it is not recorded


def open_courses(today: datetime.date) -> dict[str, list[CourseLine]]:
    """The open courses by what they need: a review due within the week, a review held
    (its visit done) with no decision recorded, a next visit past its date with nothing
    recorded, nearly used up, dropped out, records not signed. Three queries, whatever the
    number of courses."""
    plans = list(
        TreatmentPlan.objects.filter(
            status=TreatmentPlan.Status.APPROVED,
            kind=TreatmentPlan.Kind.PLAN,
            episode__status=Episode.Status.OPEN,
        ).select_related("episode__patient")
    )
    episodes = [p.episode_id for p in plans]
    visits: dict[int, list[Visit]] = {}
    for visit in Visit.objects.filter(episode__in=episodes):
        visits.setdefault(visit.episode_id, []).append(visit)
    # Episode -> the latest visit a review decision was made at.
    decided = dict(
        ReviewDecision.objects.filter(episode__in=episodes)
        .values_list("episode_id")
        .annotate(models.Max("at_visit"))
        .order_by()
    )
    found: dict[str, list[CourseLine]] = {
        "review_due": [], "review_undecided": [], "overdue": [], "nearly_used_up": [],
        "dropped_out": [], "unsigned": [],
    }  # fmt: skip
    for plan in plans:
        mine = visits.get(plan.episode_id, [])
        course = schedule(plan.episode, plan, mine)
        done = [v for v in mine if v.status == Visit.Status.DONE]
        upcoming = next((s for s in course.slots if s.is_ahead), None)
        line = CourseLine(
            episode=plan.episode,
            plan=plan,
            done=len(done),
            next_slot=upcoming,
            last_visit=max((v.date for v in done), default=None),
            unsigned=sum(1 for v in mine if v.record and not v.is_signed),
            overdue=upcoming is not None and upcoming.overdue(today),
        )
        review = plan.reassess_at_visit
        held = any(v.number == review for v in done)  # a course with no review holds none
        if held and decided.get(plan.episode_id, 0) < review:
            found["review_undecided"].append(line)
        if upcoming is None:
            continue  # the course is done: nothing planned is missing
        if line.overdue:
            found["overdue"].append(line)
        if (
            upcoming.number == plan.reassess_at_visit
            and upcoming.date <= today + datetime.timedelta(days=7)
        ):
            found["review_due"].append(line)
        left = course.planned - line.done
        if 0 < left <= NEARLY_USED_UP:
            found["nearly_used_up"].append(line)
        since = line.last_visit or (plan.start_date or today)
        if today - since > DROPPED_OUT_AFTER:
            found["dropped_out"].append(line)
        if line.unsigned:
            found["unsigned"].append(line)
    return found
