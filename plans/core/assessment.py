"""`assess(case) -> Assessment`: the whole assessment of one case, the proposed plan included.

The one entry point the pages, the PDF, `manage.py assess` and the tests share. It puts
together what the case says (`intake.core.assessment.assess_findings`: red flags, scores,
chronicity, root, ranked causes) and what is proposed about it
(`plans.core.propose.propose_plan`); `assessment_to_dict()` is the `sciatica-assessment/1`
document (schema in `intake/core/schemas/sciatica-assessment-1.json`).

Pure: no Django import.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from intake.core.assessment import Findings, assess_findings, findings_to_dict
from intake.core.case import Case
from plans.core.propose import PlanProposal, propose_plan


@dataclass(frozen=True, slots=True)
class Assessment(Findings):
    plan: PlanProposal | None = None  # None unless the disposition is "treat"


def assess(case: Case) -> Assessment:
    findings = assess_findings(case)
    fields = {f.name: getattr(findings, f.name) for f in dataclasses.fields(findings)}
    return Assessment(**fields, plan=propose_plan(findings, case))


def assessment_to_dict(assessment: Assessment) -> dict[str, Any]:
    """The `sciatica-assessment/1` document: plain dicts, lists and scalars."""
    plan = assessment.plan
    return findings_to_dict(assessment) | {"plan": None if plan is None else plan.to_dict()}


def assessment_document(case: Case) -> dict[str, Any]:
    """Assess a case and propose its plan: the whole `sciatica-assessment/1` document."""
    return assessment_to_dict(assess(case))
