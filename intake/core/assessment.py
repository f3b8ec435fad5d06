"""`assess_findings(case) -> Findings`: red flags, scores, chronicity, root, ranked causes.

What the case itself says, before any plan. The whole assessment, with the proposed plan,
is `plans.core.assessment.assess()`, which builds on this; its document
(`sciatica-assessment/1`, schema in `intake/core/schemas/sciatica-assessment-1.json`) is
`findings_to_dict()` with the plan added.

Pure: no Django import.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from intake.core.case import SCHEMA_DIR, Case
from intake.core.classify import POSSIBLE_FROM, CauseScore, Root, chronicity, find_root, rank_causes
from intake.core.frozen import result
from intake.core.instruments import Scores, score_case
from intake.core.redflags import Flag, screen

ASSESSMENT_FORMAT = "sciatica-assessment/1"
ASSESSMENT_SCHEMA_PATH = SCHEMA_DIR / "sciatica-assessment-1.json"


@result
class Findings:
    disposition: str  # treat, refer_emergency, refer_urgent, refer_gp
    red_flags: tuple[Flag, ...]
    amber_flags: tuple[Flag, ...]  # recorded; do not block treatment
    gp_flags: tuple[Flag, ...]  # a non-spinal cause suspected (refer_gp)
    chronicity: str  # acute, subacute, chronic
    scores: Scores
    causes: tuple[CauseScore, ...]  # all four, best first
    root: Root
    urgency: str | None = None  # the most urgent red flag's: emergency, same_day, within_days
    referral_to: str | None = None  # emergency_department, same_day_doctor, gp; None: treat

    @property
    def leading_cause(self) -> str | None:
        """The best-ranked cause, or `None` when even it has too little support."""
        best = self.causes[0]
        return best.code if best.points >= POSSIBLE_FROM else None


def assess_findings(case: Case) -> Findings:
    flags = screen(case)
    scores = score_case(case)
    root = find_root(case)
    # Positional, in the order of the fields: a class called with keywords costs a dict.
    return Findings(
        flags.disposition,
        flags.red_flags,
        flags.amber_flags,
        flags.gp_flags,
        chronicity(case.history.duration_weeks),
        scores,
        rank_causes(case, scores, root),
        root,
        flags.urgency,
        flags.referral_to,
    )


# --- serialising -----------------------------------------------------------------------


def _flag(flag: Flag) -> dict[str, Any]:
    out: dict[str, Any] = {"code": flag.code}
    if flag.urgency is not None:
        out["urgency"] = flag.urgency
    if len(flag.evidence) == 1:  # most flags: one row found it
        (only,) = flag.evidence
        out["evidence"] = [only.text]
        out["sources"] = [only.source]
        return out
    evidence, sources = [], []
    for e in flag.evidence:
        evidence.append(e.text)
        if e.source not in sources:  # each source once, first mention first
            sources.append(e.source)
    out["evidence"] = evidence
    out["sources"] = sources
    return out


def _flags(flags: tuple[Flag, ...]) -> list[dict[str, Any]]:
    return [_flag(flag) for flag in flags] if flags else []


def _causes(causes: tuple[CauseScore, ...]) -> list[dict[str, Any]]:
    out = []
    for c in causes:
        # Each its own copy: a document is the caller's.
        evidence = [e.document.copy() for e in c.evidence] if c.evidence else []
        out.append(
            {"code": c.code, "likelihood": c.likelihood, "points": c.points, "evidence": evidence}
        )
    return out


def scores_to_dict(s: Scores) -> dict[str, Any]:
    odi = s.odi
    return {
        "odi": None
        if odi is None
        else {
            # The exact value is kept on `OdiScore.percent`; the document shows 1 decimal.
            "percent": round(float(odi.percent), 1),
            "band": odi.band,
            "sections_answered": odi.sections_answered,
        },
        "rmdq": None if s.rmdq is None else {"score": s.rmdq},
        "start_back": None
        if s.start_back is None
        else {
            "total": s.start_back.total,
            "psychosocial": s.start_back.psychosocial,
            "risk": s.start_back.risk,
        },
        "sbi": None if s.sbi is None else {"total": s.sbi},
        "nprs": {
            "leg_now": s.nprs.leg_now,
            "leg_worst": s.nprs.leg_worst,
            "leg_best": s.nprs.leg_best,
            "back_now": s.nprs.back_now,
        },
        "konno_lss": None
        if s.konno_lss is None
        else {"points": s.konno_lss.points, "suggests_lss": s.konno_lss.suggests_lss},
        "cook_lss": {"positive": s.cook_lss.positive, "of": s.cook_lss.of},
    }


def findings_to_dict(findings: Findings) -> dict[str, Any]:
    """The `sciatica-assessment/1` document but for its "plan": plain dicts and scalars."""
    a = findings
    referral = {} if a.referral_to is None else {"referral_to": a.referral_to}
    return {
        "format": ASSESSMENT_FORMAT,
        "disposition": a.disposition,
        **referral,
        "red_flags": _flags(a.red_flags),
        "amber_flags": _flags(a.amber_flags),
        "gp_flags": _flags(a.gp_flags),
        "chronicity": a.chronicity,
        "scores": scores_to_dict(a.scores),
        "causes": _causes(a.causes),
        "root": {"level": a.root.level, "side": a.root.side, "evidence": list(a.root.evidence)},
    }


@cache
def assessment_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(ASSESSMENT_SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema
