"""Every worked example of `scoring-vectors.json` (clinical reference section 6), exactly.

The vectors are copied beside this file so the repository is self-contained; a test
checks the copy still equals the shared file when that is present.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from intake.core.instruments import (
    CookInputs,
    KonnoInputs,
    change_score,
    score_cook,
    score_konno,
    score_odi,
    score_rmdq,
    score_sbi,
    score_start_back,
)
from plans.core.propose import plan_problems
from tests.intake.test_core_builders import document, sample, screened

HERE = Path(__file__).resolve().parent
COPY = HERE / "scoring-vectors.json"
SHARED = HERE.parent.parent.parent / "shared" / "domain" / "scoring-vectors.json"
VECTORS: dict[str, Any] = json.loads(COPY.read_text(encoding="utf-8"))


def cases(section: str) -> Any:
    return pytest.mark.parametrize("v", VECTORS[section], ids=[v["id"] for v in VECTORS[section]])


@pytest.mark.skipif(not SHARED.exists(), reason="shared/ is not beside the repository")
def test_the_copied_vectors_equal_the_shared_file() -> None:
    assert json.loads(SHARED.read_text(encoding="utf-8")) == VECTORS


@cases("odi")
def test_odi(v: dict[str, Any]) -> None:
    score = score_odi(v["answers"])
    expected = v["expected"]
    assert score is not None
    assert score.sections_answered == expected["sections_answered"]
    assert score.raw_sum == expected["raw_sum"]
    assert score.max_possible == expected["max_possible"]
    assert float(score.percent) == pytest.approx(expected["percent_exact"], abs=0.01)
    assert score.fraction == expected["percent_fraction"]
    assert score.band == expected["band"]


@cases("odi_policy_dependent")
def test_odi_policy_dependent(v: dict[str, Any]) -> None:
    expected = v.get("expected_if_min_answered_8", v.get("expected"))
    assert expected == "not_scored"
    assert score_odi(v["answers"]) is None
    formula = v.get("formula_value_if_scored")
    if formula is None:  # nothing answered: never 0%, whatever the policy
        assert score_odi(v["answers"], min_sections=0) is None
    else:
        score = score_odi(v["answers"], min_sections=1)
        assert score is not None
        assert score.sections_answered == formula["sections_answered"]
        assert score.raw_sum == formula["raw_sum"]
        assert score.fraction == formula["percent_fraction"]
        assert float(score.percent) == pytest.approx(formula["percent_exact"], abs=0.01)
        assert score.band == formula["band"]


@cases("rmdq")
def test_rmdq(v: dict[str, Any]) -> None:
    not_applicable = v.get("items_marked_not_applicable", [])
    assert score_rmdq(v["items_ticked"], not_applicable) == v["expected_score"]


@cases("start_back")
def test_start_back(v: dict[str, Any]) -> None:
    answers = v["answers"]
    items = [answers[f"q{n}"] == "agree" for n in range(1, 9)]
    score = score_start_back(items, answers["q9"])
    assert score is not None
    assert score.total == v["expected"]["total"]
    assert score.psychosocial == v["expected"]["psychosocial_subscale"]
    assert score.risk == v["expected"]["risk"]


@cases("sciatica_bothersomeness_index")
def test_sbi(v: dict[str, Any]) -> None:
    expected = None if v["expected_total"] == "not_scored" else v["expected_total"]
    assert score_sbi(v["items"]) == expected


@cases("konno_lss_tool")
def test_konno(v: dict[str, Any]) -> None:
    score = score_konno(KonnoInputs(**v["inputs"]))
    assert score.points == v["expected_score"]
    assert score.suggests_lss is v["expected_lss_suggested"]


@cases("cook_lss_cluster")
def test_cook(v: dict[str, Any]) -> None:
    score = score_cook(CookInputs(**v["inputs"]))
    assert score.positive == v["expected_count"]
    assert v["expected_interpretation"].startswith(score.interpretation)


MEASURES = {"NPRS": "nprs", "ODI_percent": "odi", "RMDQ": "rmdq"}


@cases("change_scores")
def test_change_scores(v: dict[str, Any]) -> None:
    change = change_score(MEASURES[v["measure"]], v["baseline"], v["followup"])
    expected = v["expected"]
    assert change.abs_change == expected["abs_change"]
    assert change.pct_change is not None
    assert round(change.pct_change, 1) == expected["pct_change"]
    assert change.meets_absolute_mic is expected["meets_absolute_mic"]
    assert change.meets_30pct is expected["meets_30pct"]


# The field each "invalid (...)" message names, by the words the vectors use.
PLAN_FIELDS = {"min": "session_minutes", "course": "total_visits", "frequency": "visits_per_week"}


@cases("session_parameter_checks")
def test_session_parameter_checks(v: dict[str, Any]) -> None:
    given = v["input"]
    problems = plan_problems(
        session_minutes=given["session_minutes"],
        total_visits=given["course_visits"],
        visits_per_week=given["visits_per_week_acute"],
    )
    if v["expected"] == "valid":
        assert problems == ()
    else:
        wanted = {f for word, f in PLAN_FIELDS.items() if word in v["expected"]}
        assert {field for field, _ in problems} == wanted


CAUSE_CODES = {
    "lumbar_disc_herniation_with_radiculopathy": "disc_herniation",
    "lumbar_spinal_stenosis": "spinal_stenosis",
    "piriformis_deep_gluteal_syndrome": "deep_gluteal",
    "spondylolisthesis": "spondylolisthesis",
}


@cases("vignettes")
def test_vignettes(v: dict[str, Any]) -> None:
    """Each free-form vignette, written as a case in tests/intake/cases/<id>.json."""
    # The vignettes name no red flag beyond those they give: the rest of the screen is "no".
    doc = document(base=screened(sample(v["id"])))
    if v["expected"] == "red_flag_refer":
        assert doc["disposition"] in ("refer_emergency", "refer_urgent")
        return
    assert doc["disposition"] == "treat"
    assert doc["red_flags"] == []
    leader = doc["causes"][0]
    assert leader["code"] == CAUSE_CODES[v["expected"]]
    assert leader["likelihood"] == "likely"
    assert doc["causes"][1]["likelihood"] != "likely"
    if "expected_root" in v:
        assert doc["root"]["level"] == v["expected_root"]
    if "cook_cluster" in v:
        assert doc["scores"]["cook_lss"]["positive"] == v["cook_cluster"]["count"]
    assert doc["plan"]["cause"] == leader["code"]
