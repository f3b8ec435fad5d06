"""Cases written from published reports and the sources (tests/intake/reports/*.json), each
with the assessment a clinician expects: the core gets every one right."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from intake.core.case import load_case
from plans.core.assessment import assessment_document

REPORTS = sorted((Path(__file__).resolve().parent / "reports").glob("*.json"))


def report(path: Path) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return body


def test_there_are_at_least_twenty_reports_covering_every_root_cause_and_urgency() -> None:
    bodies = [report(p) for p in REPORTS]
    expected = [b["expected"] for b in bodies]
    assert len(bodies) >= 20
    assert {e["root"][0] for e in expected if "root" in e} >= {"L4", "L5", "S1"}
    assert {e["leading"][0] for e in expected if "leading" in e} == {
        "disc_herniation", "spinal_stenosis", "deep_gluteal", "spondylolisthesis"
    }  # fmt: skip
    urgencies = {u for e in expected for _, u in e.get("red_flags", [])}
    assert urgencies == {"emergency", "same_day", "within_days"}
    assert {e["disposition"] for e in expected} == {
        "treat", "refer_emergency", "refer_urgent", "refer_gp"
    }  # fmt: skip
    assert all(b["about"] and b["source"] for b in bodies)


@pytest.mark.parametrize("path", REPORTS, ids=[p.stem for p in REPORTS])
def test_the_core_gets_the_report_right(path: Path) -> None:
    body = report(path)
    want = body["expected"]
    doc = assessment_document(load_case(body["case"]))
    assert doc["disposition"] == want["disposition"]
    assert doc.get("referral_to") == want.get(
        "referral_to", None if want["disposition"] == "treat" else doc.get("referral_to")
    )
    if "red_flags" in want:
        assert [[f["code"], f["urgency"]] for f in doc["red_flags"]] == want["red_flags"]
    if "gp_flags" in want:
        assert [f["code"] for f in doc["gp_flags"]] == want["gp_flags"]
    causes = {c["code"]: c for c in doc["causes"]}
    if "leading" in want:
        assert [doc["causes"][0]["code"], doc["causes"][0]["likelihood"]] == want["leading"]
    if "not_leading" in want:
        assert doc["causes"][0]["code"] != want["not_leading"]
    if "stenosis_likelihood" in want:
        assert causes["spinal_stenosis"]["likelihood"] == want["stenosis_likelihood"]
    for finding in want.get("stenosis_without", []):
        assert finding not in [e["finding"] for e in causes["spinal_stenosis"]["evidence"]]
    if "root" in want:
        assert [doc["root"]["level"], doc["root"]["side"]] == want["root"]
    if "plan" in want:
        check_plan(doc["plan"], want["plan"])


def check_plan(plan: dict[str, Any] | None, want: dict[str, Any] | None) -> None:
    if want is None:
        assert plan is None
        return
    assert plan is not None
    for key in ("modalities", "visits_per_week", "total_visits", "reassess_at_visit"):
        if key in want:
            assert plan[key] == want[key], key
    if "excluded" in want:
        assert sorted({e["modality"] for e in plan["excluded"]}) == sorted(want["excluded"])
    if "referrals" in want:
        assert plan["referrals"] == want["referrals"]
    for to in want.get("no_referral", []):
        assert to not in plan["referrals"]
