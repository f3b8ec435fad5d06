"""Instruments and prediction rules beyond the worked vectors: edges, policies, case data."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from intake.core.case import ODI_SECTIONS
from intake.core.instruments import (
    INSTRUMENTS,
    change_score,
    cook_inputs,
    konno_inputs,
    odi_band,
    score_case,
    score_odi,
    score_rmdq,
    score_sbi,
    score_start_back,
)
from tests.intake.test_core_builders import make_case, positive


def test_every_instrument_carries_its_citation_and_licence_note() -> None:
    for instrument in INSTRUMENTS:
        assert instrument.citation and instrument.licence and instrument.scoring


@pytest.mark.parametrize(
    ("percent", "band"),
    [
        (0, "minimal"), (20, "minimal"), (Fraction(2001, 100), "moderate"),
        (40, "moderate"), (Fraction(4001, 100), "severe"), (60, "severe"),
        (Fraction(6001, 100), "crippled"), (80, "crippled"),
        (Fraction(8001, 100), "bed_bound_or_exaggerating"), (100, "bed_bound_or_exaggerating"),
    ],
)  # fmt: skip
def test_odi_band_edges_belong_to_the_lower_band(percent: Fraction, band: str) -> None:
    assert odi_band(percent) == band


def _odi(value: int, skipped: int = 0) -> dict[str, int | None]:
    return {s: (None if i < skipped else value) for i, s in enumerate(ODI_SECTIONS)}


@pytest.mark.parametrize(
    ("answers", "scored"),
    [(_odi(2, skipped=2), True), (_odi(2, skipped=3), False), (_odi(2, skipped=10), False)],
    ids=["eight answered is scored", "seven answered is not", "none answered is never 0%"],
)
def test_odi_is_scored_only_when_at_least_eight_sections_are_answered(
    answers: dict[str, int | None], scored: bool
) -> None:
    assert (score_odi(answers) is not None) is scored


def test_an_odi_section_left_out_counts_as_skipped() -> None:
    answers = _odi(1)
    del answers["sex_life"]
    score = score_odi(answers)
    assert score is not None and score.fraction == "9/45"


def test_an_odi_double_mark_counts_the_highest_box() -> None:
    answers: dict[str, Any] = {**_odi(2), "lifting": [1, 4]}
    score = score_odi(answers)
    assert score is not None and score.raw_sum == 20 - 2 + 4


def test_odi_refuses_an_unknown_section_or_an_out_of_range_answer() -> None:
    with pytest.raises(ValueError):
        score_odi({**_odi(1), "gardening": 2})
    with pytest.raises(ValueError):
        score_odi({**_odi(1), "lifting": 6})


def test_rmdq_counts_each_statement_once_and_refuses_numbers_outside_1_to_24() -> None:
    assert score_rmdq([3, 3, 3]) == 1
    assert score_rmdq([3, 4], not_applicable=[4]) == 1
    with pytest.raises(ValueError):
        score_rmdq([0])


def test_start_back_is_not_scored_when_an_item_is_unanswered() -> None:
    assert score_start_back([True] * 7 + [None], "extremely") is None
    assert score_start_back([True] * 8, None) is None


def test_sbi_is_not_scored_when_an_item_is_absent() -> None:
    assert score_sbi({"leg_pain": 3, "numbness_tingling": 3, "weakness": 3}) is None


@pytest.mark.parametrize(
    ("measure", "baseline", "followup", "absolute", "relative"),
    [
        ("nprs", 7, 5, True, False),
        ("nprs", 3, 2, False, True),
        ("odi", 20, 10, True, True),
        ("rmdq", 10, 6, False, True),
        ("nprs", 4, 6, False, False),
    ],
    ids=[
        "2 points but 28.6%",
        "1 point but 33%",
        "both criteria met",
        "4 RMDQ points but 40%",
        "worse is no improvement",
    ],
)
def test_minimal_important_change_reports_both_criteria(
    measure: str, baseline: float, followup: float, absolute: bool, relative: bool
) -> None:
    change = change_score(measure, baseline, followup)
    assert (change.meets_absolute_mic, change.meets_30pct) == (absolute, relative)


def test_change_from_a_zero_baseline_has_no_percentage() -> None:
    change = change_score("nprs", 0, 0)
    assert change.pct_change is None and not change.meets_30pct


# --- Konno and Cook from case data ------------------------------------------------------

KONNO_HISTORY = {
    "history.neurogenic_claudication": True,
    "history.aggravating": ["standing"],
    "history.relieving": [],
    "history.conditions": [],
}


@pytest.mark.parametrize(
    ("changes", "points"),
    [
        # 55, no diabetes +1, claudication +3, worse standing +2, extension provokes +1 = 7
        ({"patient.age": 55, "exam.extension_provokes": True}, 7),
        ({"patient.age": 55}, 6),
        ({"patient.age": 60}, 7),
        ({"patient.age": 69}, 7),
        ({"patient.age": 70}, 8),
        ({"patient.age": 55, "exam.abi": 0.95}, 9),
        ({"patient.age": 55, "exam.abi": 0.85, "exam.pedal_pulses": "present"}, 6),
        ({"patient.age": 55, "exam.pedal_pulses": "present"}, 9),
        ({"patient.age": 55, "exam.reflexes.achilles": {"left": "absent"}}, 7),
        ({"patient.age": 55, "exam.slr": positive("right")}, 4),
        ({"patient.age": 55, "history.conditions": ["diabetes"]}, 5),
        ({"patient.age": 55, "history.relieving": ["bending_forward"]}, 9),
        ({"patient.age": 55, "history.aggravating": ["standing", "bending_forward"]}, 5),
    ],
    ids=[
        "exactly 7 suggests stenosis",
        "6 does not",
        "age 60 scores 1",
        "age 69 scores 1",
        "age 70 scores 2",
        "ABI 0.95 scores 3",
        "a measured ABI below 0.9 beats present pulses",
        "present pulses stand in for an unmeasured ABI",
        "an absent Achilles reflex scores 1",
        "a positive SLR takes 2",
        "diabetes scores 0",
        "relief bending forward scores 3",
        "provoked bending forward takes 1",
    ],
)
def test_konno_points_from_case_data(changes: dict[str, Any], points: int) -> None:
    scores = score_case(make_case({**KONNO_HISTORY, **changes}))
    assert scores.konno_lss is not None
    assert scores.konno_lss.points == points
    assert scores.konno_lss.suggests_lss is (points >= 7)


@pytest.mark.parametrize(
    "missing",
    [
        "history.neurogenic_claudication",
        "history.aggravating",
        "history.relieving",
        "history.conditions",
    ],
)
def test_konno_is_not_computed_when_a_history_item_was_not_asked(missing: str) -> None:
    changes = {k: v for k, v in KONNO_HISTORY.items() if k != missing}
    assert konno_inputs(make_case(changes)) is None


COOK_ALL = {
    "history.side": "both",
    "history.leg_pain_worse_than_back": True,
    "history.aggravating": ["walking"],
    "history.relieving": ["sitting"],
}


@pytest.mark.parametrize(
    ("changes", "count"),
    [
        ({**COOK_ALL, "patient.age": 49}, 5),
        ({**COOK_ALL, "patient.age": 48}, 4),
        ({**COOK_ALL, "patient.age": 48, "history.side": "right"}, 3),
        ({"patient.age": 30}, 0),
        ({"patient.age": 30, "history.aggravating": ["standing"]}, 1),
    ],
    ids=["age 49 counts", "age 48 does not", "one side", "nothing asked", "standing counts"],
)
def test_cook_cluster_from_case_data(changes: dict[str, Any], count: int) -> None:
    case = make_case(changes)
    assert score_case(case).cook_lss.positive == count
    assert cook_inputs(case).age == changes["patient.age"]
