"""The review the plan promises: is the course working, and what next? Pure: no Django.

`review(case)` compares the latest re-measured outcomes of the case's `course` with the
case's own baseline (`history` pain scores and `questionnaires`), against the minimal
important change (MIC), and returns the verdict and the recommendation of the case format
(`review` in `sciatica-assessment/1`), each with why and its source.

- A change is `meaningful` when the improvement reaches the absolute MIC or 30 % of the
  baseline (Ostelo 2008); both are reported. SBI has no consensus MIC: 30 % only [I].
- Verdict: `worse` (meaningfully worse on leg pain or ODI) before `improving` (meaningful
  on leg pain or ODI) before `some_change` (better on any measure, below the MIC) before
  `no_change`. Worse on one and better on another is worse: safety first [I].
- Recommendation (project rule [I], after a trial protocol and NICE NG59 rec 1.1.1), the
  first row of `RECOMMENDATION_RULES` that applies: `refer` when a red flag is new at any
  visit or when worse; `discharge` when the course is done and improving; `continue` when
  improving; `refer` when there is no meaningful change by the end of the course; `modify`
  when there is none at or after the review visit; otherwise `continue`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from intake.core.case import RED_FLAG_QUESTIONS, Case, Course
from intake.core.frozen import result
from intake.core.instruments import MIC_SOURCE, score_odi, score_sbi

OSTELO = MIC_SOURCE
SBI_SOURCE = "No consensus MIC for the SBI was read: a 30 % improvement counts [I]"
REVIEW_SOURCE = (
    "Project rule [I] after a trial protocol that adjusts the points when pain has not "
    "fallen by 30 % after 4 sessions (Trials 2018;19:s13063-018-3044-2); NICE NG59 rec "
    "1.1.1: think again about the diagnosis when symptoms change"
)
RED_FLAG_SOURCE = "NICE CKS Sciatica; NICE NG59: red flags refer instead of treating"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The minimal important changes, in each measure's own units (clinic settings)."""

    nprs: float = 2  # Ostelo 2008
    odi: float = 10  # Ostelo 2008; some clinics use 6
    percent: float = 30  # Ostelo 2008: 30 % of baseline, any measure


DEFAULT_THRESHOLDS = Thresholds()

#: Measure code, the words for it, its absolute MIC's field in Thresholds, its source.
MEASURES = (
    ("leg_pain", "Leg pain (NPRS)", "nprs", OSTELO),
    ("back_pain", "Back pain (NPRS)", "nprs", OSTELO),
    ("odi", "Disability (ODI %)", "odi", OSTELO),
    ("sbi", "Sciatica bothersomeness (SBI)", None, SBI_SOURCE),
)
#: The measures the verdict turns on (the case format: leg pain or ODI).
DECIDING = ("leg_pain", "odi")
#: Each measure's row of MEASURES by its code.
_MEASURE = {row[0]: row for row in MEASURES}


@result
class Change:
    measure: str
    baseline: float
    latest: float
    change: float  # latest - baseline: negative is better (lower is better on all four)
    percent: float | None  # change as % of baseline; None when the baseline is 0
    meaningful: bool  # improved by at least the MIC (absolute or 30 %)
    meaningfully_worse: bool  # worse by at least the MIC (absolute or 30 %)

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline,
            "latest": self.latest,
            "change": self.change,
            "percent": None if self.percent is None else round(self.percent, 1),
            "meaningful": self.meaningful,
        }


@result
class Reason:
    why: str
    source: str


@result
class Review:
    at_visit: int
    visits_done: int
    visits_left: int
    changes: dict[str, Change]
    verdict: str
    recommendation: str
    why: tuple[Reason, ...]
    adverse_events: tuple[dict[str, Any], ...]
    new_red_flags: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "at_visit": self.at_visit,
            "visits_done": self.visits_done,
            "visits_left": self.visits_left,
            "changes": {code: change.to_dict() for code, change in self.changes.items()},
            "verdict": self.verdict,
            "recommendation": self.recommendation,
            "why": [{"why": r.why, "source": r.source} for r in self.why],
            "adverse_events": list(self.adverse_events),
            "new_red_flags": list(self.new_red_flags),
        }


def compare(
    measure: str, baseline: float, latest: float, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> Change:
    """One measure then and now, against its absolute MIC and 30 % of the baseline."""
    field = _MEASURE[measure][2]
    mic = getattr(thresholds, field) if field else None
    change = round(latest - baseline, 1)
    percent = None if baseline == 0 else 100 * change / baseline
    by_percent = percent is not None and abs(percent) >= thresholds.percent
    by_points = mic is not None and abs(change) >= mic
    # Positional, in the order of the fields: a class called with keywords costs a dict.
    return Change(
        measure,
        baseline,
        latest,
        change,
        percent,
        change < 0 and (by_points or by_percent),  # meaningful
        change > 0 and (by_points or by_percent),  # meaningfully_worse
    )


def _odi_percent(answers: Any) -> float | None:
    score = score_odi(answers) if answers else None
    return None if score is None else round(float(score.percent), 1)


def _sbi_total(answers: Any) -> float | None:
    total = score_sbi(answers) if answers else None
    return None if total is None else float(total)


def _latest(course: Course) -> dict[str, float | None]:
    """The newest value of each measure: a re-measurement, else a visit's pain before."""
    latest: dict[str, float | None] = dict.fromkeys(_MEASURE)
    for visit in course.visits:
        if visit.leg_pain_before is not None:
            latest["leg_pain"] = visit.leg_pain_before
        if visit.back_pain_before is not None:
            latest["back_pain"] = visit.back_pain_before
    last_visit = course.visits[-1].number if course.visits else 0
    for measure in course.measures:
        if measure.at_visit >= last_visit:  # a visit's later NPRS is newer than the measure's
            if measure.leg_pain_now is not None:
                latest["leg_pain"] = measure.leg_pain_now
            if measure.back_pain_now is not None:
                latest["back_pain"] = measure.back_pain_now
        latest["odi"] = _odi_percent(measure.odi) if measure.odi else latest["odi"]
        latest["sbi"] = _sbi_total(measure.sbi) if measure.sbi else latest["sbi"]
    return latest


def _baseline(case: Case) -> dict[str, float | None]:
    h, q = case.history, case.questionnaires
    return {
        "leg_pain": h.leg_pain_now,
        "back_pain": h.back_pain_now,
        "odi": _odi_percent(q.odi),
        "sbi": _sbi_total(q.sbi),
    }


def changes_from_baseline(
    case: Case, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> dict[str, Change]:
    """Each measure with a baseline and a later value; the others are left out."""
    assert case.course is not None
    baseline, latest = _baseline(case), _latest(case.course)
    return {
        code: compare(code, then, now, thresholds)
        for code, *_ in MEASURES
        if (then := baseline[code]) is not None and (now := latest[code]) is not None
    }


def new_red_flags(course: Course) -> tuple[str, ...]:
    """The red-flag questions answered yes at any visit, in the vocabulary's order."""
    yes: set[str] = set()
    for visit in course.visits:
        yes.update(visit.new_red_flags.answered_yes())
    if not yes:  # the usual case
        return ()
    return tuple(question for question in RED_FLAG_QUESTIONS if question in yes)


def _words(change: Change) -> str:
    name = _MEASURE[change.measure][1]
    percent = "" if change.percent is None else f", {change.percent:+.0f} %"
    return f"{name}: {change.baseline:g} to {change.latest:g} ({change.change:+g}{percent})"


def _verdict(changes: dict[str, Change]) -> tuple[str, list[Reason]]:
    deciding = [changes[code] for code in DECIDING if code in changes]
    source = {c.measure: _MEASURE[c.measure][3] for c in deciding}
    worse = [c for c in deciding if c.meaningfully_worse]
    if worse:
        return "worse", [Reason(f"Meaningfully worse: {_words(c)}", source[c.measure])
                         for c in worse]  # fmt: skip
    better = [c for c in deciding if c.meaningful]
    if better:
        return "improving", [Reason(f"Meaningful improvement: {_words(c)}", source[c.measure])
                             for c in better]  # fmt: skip
    some = [c for c in changes.values() if c.change < 0]
    if some:
        return "some_change", [
            Reason(f"Better, below the minimal important change: {_words(c)}", OSTELO) for c in some
        ]
    if not changes:
        return "no_change", [
            Reason(
                "Nothing to compare yet: no measure has both a baseline and a later value",
                REVIEW_SOURCE,
            )
        ]
    return "no_change", [Reason(f"No improvement: {_words(c)}", OSTELO) for c in changes.values()]


@result
class Situation:
    """What the recommendation turns on."""

    verdict: str
    red_flags: bool
    course_done: bool
    at_or_after_review: bool


@dataclass(frozen=True, slots=True)
class RecommendationRule:
    recommendation: str
    why: str
    source: str
    applies: Callable[[Situation], bool]


#: The first row that applies decides.
RECOMMENDATION_RULES = (
    RecommendationRule("refer", "A red flag is new since the plan: refer instead of treating",
                       RED_FLAG_SOURCE, lambda s: s.red_flags),
    RecommendationRule("refer", "Worse on leg pain or disability: refer", REVIEW_SOURCE,
                       lambda s: s.verdict == "worse"),
    RecommendationRule("discharge", "The course is done and improving", REVIEW_SOURCE,
                       lambda s: s.verdict == "improving" and s.course_done),
    RecommendationRule("continue", "Improving: continue the plan", REVIEW_SOURCE,
                       lambda s: s.verdict == "improving"),
    RecommendationRule("refer", "No meaningful change by the end of the course: refer (GP or "
                       "physiotherapy)", REVIEW_SOURCE, lambda s: s.course_done),
    RecommendationRule("modify", "No meaningful change at or after the review visit: modify "
                       "the plan", REVIEW_SOURCE, lambda s: s.at_or_after_review),
    RecommendationRule("continue", "Before the review visit: continue", REVIEW_SOURCE,
                       lambda s: True),
)  # fmt: skip


def _recommendation(situation: Situation) -> RecommendationRule:
    return next(rule for rule in RECOMMENDATION_RULES if rule.applies(situation))


def review(case: Case, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Review | None:
    """The review of the case's course; None without a course or with nothing in it."""
    course = case.course
    if course is None or not (course.visits or course.measures):
        return None
    at_visit = max([v.number for v in course.visits] + [m.at_visit for m in course.measures])
    done = len(course.visits)
    changes = changes_from_baseline(case, thresholds)
    verdict, why = _verdict(changes)
    flags = new_red_flags(course)
    rule = _recommendation(
        Situation(
            verdict,
            bool(flags),  # red_flags
            max(at_visit, done) >= course.planned_visits,  # course_done
            at_visit >= course.review_at_visit,  # at_or_after_review
        )
    )
    events: dict[str, list[int]] = {}
    for visit in course.visits:
        for code in visit.adverse_events:
            events.setdefault(code, []).append(visit.number)
    return Review(
        at_visit,
        done,  # visits_done
        max(course.planned_visits - done, 0),  # visits_left
        changes,
        verdict,
        rule.recommendation,
        (*why, Reason(rule.why, rule.source)),
        tuple([{"code": c, "at_visits": n} for c, n in events.items()]),  # adverse_events
        flags,  # new_red_flags
    )
