"""`assess(case) -> Assessment`: the whole assessment of one case, the proposed plan included.

The one entry point the pages, the PDF, `manage.py assess` and the tests share. It puts
together what the case says (`intake.core.assessment.assess_findings`: red flags, scores,
chronicity, root, ranked causes) and what is proposed about it
(`plans.core.propose.propose_plan`), and, when the case has a `course`, the review of it
(`plans.core.review.review`); `assessment_to_dict()` is the `sciatica-assessment/1`
document (schema in `intake/core/schemas/sciatica-assessment-1.json`).

Pure: no Django import.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from intake.core.assessment import Findings, assess_findings, findings_to_dict
from intake.core.case import Case, RedFlagAnswers
from intake.core.frozen import result
from plans.core.propose import PlanProposal, propose_plan
from plans.core.review import DEFAULT_THRESHOLDS, Review, Thresholds, new_red_flags, review


@result
class Assessment(Findings):
    plan: PlanProposal | None = None  # None unless the disposition is "treat"
    review: Review | None = None  # None without a course


def with_visit_red_flags(case: Case) -> Case:
    """The case with the red flags answered yes at any visit added to the history's, so
    that a flag new during the course sets the disposition as at intake (NICE CKS)."""
    flags = new_red_flags(case.course) if case.course is not None else ()
    if not flags:
        return case
    answers = dataclasses.replace(case.history.red_flags, **dict.fromkeys(flags, True))
    assert isinstance(answers, RedFlagAnswers)
    return dataclasses.replace(case, history=dataclasses.replace(case.history, red_flags=answers))


def assess(case: Case, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Assessment:
    screened = with_visit_red_flags(case)
    f = assess_findings(screened)
    # Positional, in the order of the fields: a class called with keywords costs a dict.
    return Assessment(
        f.disposition,
        f.red_flags,
        f.amber_flags,
        f.gp_flags,
        f.chronicity,
        f.scores,
        f.causes,
        f.root,
        f.urgency,
        f.referral_to,
        propose_plan(f, screened),  # plan
        review(case, thresholds),
    )


def assessment_to_dict(assessment: Assessment) -> dict[str, Any]:
    """The `sciatica-assessment/1` document: plain dicts, lists and scalars."""
    plan = assessment.plan
    document = findings_to_dict(assessment)
    document["plan"] = None if plan is None else plan.to_dict()
    if assessment.review is not None:
        document["review"] = assessment.review.to_dict()
    return document


def assessment_document(case: Case, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> dict[str, Any]:
    """Assess a case and propose its plan: the whole `sciatica-assessment/1` document."""
    return assessment_to_dict(assess(case, thresholds))
