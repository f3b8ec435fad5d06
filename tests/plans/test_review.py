"""The review of a course: each verdict and recommendation, as a table of named scenarios.

Baseline: leg pain 6, back pain 3, ODI 40 % (every section 2), SBI 12; a course of 8
visits with the review at visit 4.
"""

from typing import Any

import pytest

from intake.core.case import load_case
from plans.core.assessment import assessment_document
from plans.core.review import Thresholds, compare, review
from tests.plans.builders import L5_DISC_FINDINGS, L5_DISC_HISTORY

ODI_SECTIONS = ("pain_intensity", "personal_care", "lifting", "walking", "sitting",
                "standing", "sleeping", "sex_life", "social_life", "travelling")  # fmt: skip


def odi(each: int) -> dict[str, int]:
    return dict.fromkeys(ODI_SECTIONS, each)


def sbi(each: int) -> dict[str, int]:
    return dict.fromkeys(("leg_pain", "numbness_tingling", "weakness", "pain_while_sitting"), each)


def visit(number: int, leg: int | None = None, **more: Any) -> dict[str, Any]:
    found = {"number": number, "date": f"2026-03-{number + 1:02d}", **more}
    if leg is not None:
        found["leg_pain_before"] = leg
    return found


def measure(at: int, leg: int | None = None, odi_each: int | None = None, **more: Any):
    found: dict[str, Any] = {"at_visit": at, "date": f"2026-03-{at + 1:02d}", **more}
    if leg is not None:
        found["leg_pain_now"] = leg
    if odi_each is not None:
        found["questionnaires"] = {"odi": odi(odi_each)}
    return found


def case(visits: list[dict[str, Any]], measures: list[dict[str, Any]] = (), planned: int = 8):
    return load_case({
        "format": "sciatica-case/1",
        "patient": {"age": 41},
        "history": L5_DISC_HISTORY,
        "questionnaires": {"odi": odi(2), "sbi": sbi(3)},
        "exam": L5_DISC_FINDINGS,
        "course": {"planned_visits": planned, "review_at_visit": 4, "visits": visits,
                   "measures": list(measures)},
    })  # fmt: skip


def visits(*legs: int) -> list[dict[str, Any]]:
    return [visit(n, leg) for n, leg in enumerate(legs, start=1)]


# scenario: (case, verdict, recommendation)
SCENARIOS = {
    "visit 2, leg pain down 3 points: improving, continue": (
        case(visits(6, 3)), "improving", "continue"),
    "visit 2, no change yet: before the review, continue": (
        case(visits(6, 6)), "no_change", "continue"),
    "review visit, leg pain down 1 (17 %): some change, modify": (
        case(visits(6, 6, 6, 5)), "some_change", "modify"),
    "review visit, nothing better: no change, modify": (
        case(visits(6, 6, 6, 6)), "no_change", "modify"),
    "after the review, still nothing: modify": (
        case(visits(6, 6, 6, 6, 6)), "no_change", "modify"),
    "end of the course, no meaningful change: refer": (
        case(visits(6, 6, 6, 6, 6, 6, 6, 5)), "some_change", "refer"),
    "end of the course, improving: discharge": (
        case(visits(6, 5, 4, 3, 3, 2, 2, 2)), "improving", "discharge"),
    "leg pain up 2 points: worse, refer": (
        case(visits(6, 8)), "worse", "refer"),
    "a red flag new at a visit: refer whatever the pain": (
        case([visit(1, 6), visit(2, 2, new_red_flags={"saddle_anaesthesia": True})]),
        "improving", "refer"),
    "ODI down 20 points (40 to 20 %) with leg pain unchanged: improving": (
        case(visits(6, 6, 6, 6), [measure(4, leg=6, odi_each=1)]),
        "improving", "continue"),
    "worse on ODI, better on leg pain: worse wins": (
        case(visits(6, 3), [measure(2, leg=3, odi_each=4)]), "worse", "refer"),
    "nothing re-measured (no pain scores given): no change, continue before the review": (
        case([visit(1), visit(2)]), "no_change", "continue"),
}  # fmt: skip


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_each_scenario_gets_its_verdict_and_recommendation(scenario: str) -> None:
    the_case, verdict, recommendation = SCENARIOS[scenario]
    result = review(the_case)
    assert result is not None
    assert (result.verdict, result.recommendation) == (verdict, recommendation)
    assert all(reason.why and reason.source for reason in result.why)


def test_the_absolute_and_the_30_percent_thresholds_are_reported_and_either_counts() -> None:
    small_baseline = compare("leg_pain", 3, 2)  # 1 point, 33 %: meaningful by percent only
    large_baseline = compare("odi", 80, 68)  # 12 points, 15 %: meaningful by points only
    below_both = compare("leg_pain", 8, 7)  # 1 point, 12.5 %
    assert (small_baseline.meaningful, round(small_baseline.percent or 0)) == (True, -33)
    assert (large_baseline.meaningful, large_baseline.change) == (True, -12)
    assert below_both.meaningful is False


def test_the_thresholds_are_settings_a_clinic_may_change() -> None:
    assert compare("odi", 40, 34).meaningful is False
    assert compare("odi", 40, 34, Thresholds(odi=6)).meaningful is True


def test_a_case_without_a_course_has_no_review() -> None:
    plain = {"format": "sciatica-case/1", "patient": {"age": 41}, "history": L5_DISC_HISTORY}
    document = assessment_document(load_case(plain))
    assert "review" not in document


def test_the_assessment_carries_the_review_and_a_new_red_flag_refers_the_patient() -> None:
    flagged = case([visit(1, 6), visit(2, 5, new_red_flags={"saddle_anaesthesia": True})])
    document = assessment_document(flagged)
    assert document["review"]["recommendation"] == "refer"
    assert document["review"]["new_red_flags"] == ["saddle_anaesthesia"]
    assert document["disposition"] == "refer_emergency"
    assert document["plan"] is None


def test_the_changes_and_adverse_events_are_in_the_review() -> None:
    course = [visit(1, 6, adverse_events=["bruising"]), visit(2, 4, adverse_events=["bruising"])]
    document = assessment_document(case(course, [measure(2, leg=4, odi_each=1)]))
    changes = document["review"]["changes"]
    assert changes["leg_pain"] == {"baseline": 6, "latest": 4, "change": -2, "percent": -33.3,
                                   "meaningful": True}  # fmt: skip
    assert changes["odi"]["change"] == -20
    assert document["review"]["adverse_events"] == [{"code": "bruising", "at_visits": [1, 2]}]
    assert (document["review"]["visits_done"], document["review"]["visits_left"]) == (2, 6)
