"""The plan proposal: modalities, exclusions, dose, points, self-care and referrals."""

from __future__ import annotations

from typing import Any

import pytest

from intake.core.assessment import assess_findings
from plans.core.propose import (
    CONDITION_RULES,
    EA_DEFAULT_HZ,
    MODALITIES,
    PREGNANCY_FORBIDDEN_POINTS,
    plan_problems,
    propose_plan,
    visit_problems,
)
from tests.intake.test_core_builders import (
    CASES,
    REMOVE,
    document,
    make_case,
    positive,
    sample,
    screened,
)

DISC = sample("VIG-01")  # disc herniation, S1, acute
GLUTEAL = sample("VIG-06")  # deep gluteal, the plan with every modality


def plan(changes: dict[str, Any] | None = None, base: dict[str, Any] = GLUTEAL) -> dict:
    proposed = document(changes, screened(base))["plan"]
    assert proposed is not None
    return proposed


def test_no_plan_when_the_assessment_refers() -> None:
    case = make_case({"history.red_flags.saddle_anaesthesia": True}, DISC)
    assert propose_plan(assess_findings(case), case) is None


@pytest.mark.parametrize(
    ("base", "cause", "modalities"),
    [
        (DISC, "disc_herniation", ["acupuncture", "electroacupuncture", "cupping"]),
        (sample("VIG-04"), "spinal_stenosis", ["acupuncture", "electroacupuncture"]),
        (GLUTEAL, "deep_gluteal", list(MODALITIES)),
        (sample("VIG-08"), "spondylolisthesis", ["acupuncture", "electroacupuncture"]),
        (sample("minimal"), None, ["acupuncture"]),
    ],
    ids=["disc", "stenosis", "deep gluteal", "spondylolisthesis", "no clear cause"],
)
def test_modalities_follow_the_leading_cause(
    base: dict[str, Any], cause: str | None, modalities: list[str]
) -> None:
    proposed = plan(base=base)
    assert proposed["cause"] == cause
    assert proposed["modalities"] == modalities


EXCLUSIONS = [
    # (scenario, changes, excluded modalities, "because")
    ("pacemaker", {"history.conditions": ["pacemaker"]}, ["electroacupuncture"], "pacemaker"),
    ("implanted device", {"history.conditions": ["implanted_electrical_device"]},
     ["electroacupuncture"], "implanted_electrical_device"),
    ("pregnancy", {"patient.pregnant": True, "patient.sex": "female"},
     ["electroacupuncture", "cupping", "gua_sha"], "pregnancy"),
    ("anticoagulants", {"history.conditions": ["anticoagulants"]}, ["cupping", "gua_sha"],
     "anticoagulants"),
    ("skin lesion at the treatment area", {"history.conditions": ["skin_lesion_treatment_area"]},
     ["cupping", "gua_sha"], "skin_lesion_treatment_area"),
    ("needle phobia", {"history.conditions": ["needle_phobia"]},
     ["acupuncture", "electroacupuncture"], "needle_phobia"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "excluded", "because"), [r[1:] for r in EXCLUSIONS],
                         ids=[r[0] for r in EXCLUSIONS])  # fmt: skip
def test_a_condition_excludes_modalities_with_its_reason(
    changes: dict[str, Any], excluded: list[str], because: str
) -> None:
    proposed = plan(changes)
    rows = [e for e in proposed["excluded"] if e["because"] == because]
    assert [e["modality"] for e in rows] == excluded
    assert all(e["why"] and e["source"] for e in rows)
    assert not set(excluded) & set(proposed["modalities"])
    assert proposed["modalities"]  # something is always left to offer here


def test_a_bleeding_disorder_excludes_every_modality_and_leaves_nothing_proposed() -> None:
    proposed = plan({"history.conditions": ["bleeding_disorder"]})
    rows = [e for e in proposed["excluded"] if e["because"] == "bleeding_disorder"]
    assert [e["modality"] for e in rows] == list(MODALITIES)
    assert "WHO 1999" in rows[0]["source"] and "Sierpina 2005" in rows[0]["source"]
    assert proposed["modalities"] == []


def test_pregnancy_is_not_inferred_from_an_unanswered_question() -> None:
    assert plan({"patient.sex": "female"})["excluded"] == []


PRECAUTIONS = [
    ("pregnancy", {"patient.pregnant": True}, "pregnancy", ["acupuncture"]),
    ("anticoagulants", {"history.conditions": ["anticoagulants"]}, "anticoagulants",
     ["acupuncture", "electroacupuncture"]),
    ("pacemaker", {"history.conditions": ["pacemaker"]}, "pacemaker",
     ["acupuncture", "cupping"]),
    ("skin lesion", {"history.conditions": ["skin_lesion_treatment_area"]},
     "skin_lesion_treatment_area", ["acupuncture", "electroacupuncture"]),
    ("metal allergy", {"history.conditions": ["metal_allergy"]}, "metal_allergy",
     ["acupuncture", "electroacupuncture"]),
    ("epilepsy", {"history.conditions": ["epilepsy"]}, "epilepsy", list(MODALITIES)),
    ("diabetes", {"history.conditions": ["diabetes"]}, "diabetes",
     ["acupuncture", "electroacupuncture"]),
    ("lymphoedema", {"history.conditions": ["lymphoedema_leg"]}, "lymphoedema_leg",
     list(MODALITIES)),
    ("peripheral vascular disease without claudication",
     {"history.conditions": ["peripheral_vascular_disease"]}, "peripheral_vascular_disease",
     ["cupping", "gua_sha"]),
    ("aged 75", {"patient.age": 75}, "older_age", ["cupping"]),
    ("needle phobia: skin techniques case by case", {"history.conditions": ["needle_phobia"]},
     "needle_phobia", ["cupping", "gua_sha"]),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "because", "modalities"), [r[1:] for r in PRECAUTIONS],
                         ids=[r[0] for r in PRECAUTIONS])  # fmt: skip
def test_a_condition_adds_a_precaution_with_its_reason(
    changes: dict[str, Any], because: str, modalities: list[str]
) -> None:
    rows = [p for p in plan(changes)["precautions"] if p["because"] == because]
    assert [m for row in rows for m in row["modalities"]] == modalities
    assert all(row["why"] and row["source"] for row in rows)


def test_metal_allergy_and_epilepsy_do_not_exclude_anything() -> None:
    assert plan({"history.conditions": ["metal_allergy", "epilepsy"]})["excluded"] == []


def test_every_condition_rule_says_why_and_cites_a_source() -> None:
    assert all(r.why and r.source and r.modalities for r in CONDITION_RULES)


def test_needle_phobia_with_a_needling_only_cause_offers_skin_techniques_case_by_case() -> None:
    proposed = plan({"history.conditions": ["needle_phobia"]}, sample("VIG-04"))
    assert proposed["modalities"] == ["cupping", "gua_sha"]
    assert proposed["points"] == []


def test_needle_phobia_and_anticoagulants_leave_nothing_to_offer_and_refer_to_physiotherapy() -> (
    None
):
    proposed = plan({"history.conditions": ["needle_phobia", "anticoagulants"]})
    assert proposed["modalities"] == []
    assert "physiotherapy" in proposed["referrals"]


def test_weeks_of_gestation_mean_pregnancy_even_without_the_pregnant_answer() -> None:
    proposed = plan({"patient.sex": "female", "patient.gestation_weeks": 20})
    assert {"electroacupuncture", "cupping"} <= {e["modality"] for e in proposed["excluded"]}
    assert "BL60" not in proposed["points"]


def test_a_pregnant_patient_is_told_to_rest_on_her_side_not_her_back() -> None:
    proposed = plan({"patient.sex": "female", "patient.pregnant": True}, DISC)
    assert any("rest on your side" in text for text in proposed["exercises"])
    assert not any("on your back" in text for text in proposed["exercises"])


def test_health_questions_left_unanswered_are_a_precaution_for_every_modality() -> None:
    proposed = plan({"history.conditions": REMOVE}, DISC)
    assert "conditions_not_asked" in [p["because"] for p in proposed["precautions"]]
    answered = plan({"history.conditions": []}, DISC)
    assert "conditions_not_asked" not in [p["because"] for p in answered["precautions"]]


def test_until_the_health_questions_are_answered_only_manual_acupuncture_is_proposed() -> None:
    proposed = plan({"history.conditions": REMOVE}, GLUTEAL)
    assert proposed["modalities"] == ["acupuncture"]
    held_back = [e for e in proposed["excluded"] if e["because"] == "conditions_not_asked"]
    assert [e["modality"] for e in held_back] == ["electroacupuncture", "cupping", "gua_sha"]
    assert "ask about a pacemaker" in held_back[0]["why"]
    asked = plan({"history.conditions": []}, GLUTEAL)
    assert asked["modalities"] == list(MODALITIES)


def test_no_plan_is_proposed_until_every_red_flag_question_is_answered() -> None:
    complete = screened(GLUTEAL)
    assert document(base=complete)["plan"] is not None
    one_unasked = document({"history.red_flags.recent_spinal_procedure": REMOVE}, complete)
    assert one_unasked["disposition"] == "treat"
    assert one_unasked["plan"] is None
    assert "red_flag_screen_incomplete" in [f["code"] for f in one_unasked["amber_flags"]]


@pytest.mark.parametrize(
    "patient",
    [{"pregnant": True}, {"gestation_weeks": 20}, {"pregnant": False, "gestation_weeks": 20}],
    ids=["pregnant", "weeks only", "'not pregnant' beside a week of gestation"],
)
def test_any_sign_of_pregnancy_counts_as_pregnant(patient: dict[str, Any]) -> None:
    proposed = plan({f"patient.{k}": v for k, v in patient.items()}, DISC)
    assert "pregnancy" in [e["because"] for e in proposed["excluded"]]


def test_pregnancy_never_suggests_a_forbidden_or_lumbosacral_point() -> None:
    proposed = plan({"patient.pregnant": True}, DISC)
    assert proposed["points"]
    assert not set(proposed["points"]) & set(proposed["avoid_points"])
    assert set(PREGNANCY_FORBIDDEN_POINTS) <= set(proposed["avoid_points"])
    assert {"BL60", "BL23", "BL25"} & set(plan(base=DISC)["points"]) == {"BL60", "BL23", "BL25"}
    assert not {"BL60", "BL23", "BL25"} & set(proposed["points"])


def test_a_one_sided_root_adds_its_distal_point() -> None:
    assert "BL62" in plan(base=DISC)["points"]  # S1
    assert "GB39" in plan({"exam.strength.great_toe_extension": {"right": 4},
                           "exam.heel_walk": {"right": "difficult"},
                           "exam.reflexes.achilles": {"right": "normal"},
                           "exam.strength.ankle_plantarflexion": {"right": 5},
                           "exam.sensation.S1": {"right": "normal"},
                           "exam.toe_walk": {"right": "normal"}}, DISC)["points"]  # fmt: skip


DOSES = [
    # (scenario, changes, minutes, per week, total, reassess)
    ("acute, usual", {"history.duration_weeks": 2}, 20, 2, 6, 4),
    ("acute, severe leg pain", {"history.duration_weeks": 2, "history.leg_pain_now": 7},
     20, 3, 6, 4),
    ("acute, mild leg pain: reassess before the last visit",
     {"history.duration_weeks": 2, "history.leg_pain_now": 3}, 20, 2, 4, 3),
    ("acute up to 5.9 weeks", {"history.duration_weeks": 5.9}, 20, 2, 6, 4),
    ("subacute from 6 weeks", {"history.duration_weeks": 6}, 22, 2, 8, 4),
    ("subacute to 12 weeks", {"history.duration_weeks": 12, "history.leg_pain_now": 8},
     22, 3, 8, 4),
    ("chronic after 12 weeks: 2 a week at the start (Tu 2024)",
     {"history.duration_weeks": 12.5}, 25, 2, 10, 5),
    ("chronic and severe by the ODI", {"history.duration_weeks": 30, "questionnaires.odi":
     dict.fromkeys(["pain_intensity", "personal_care", "lifting", "walking", "sitting",
                    "standing", "sleeping", "sex_life", "social_life", "travelling"], 3)},
     25, 3, 12, 5),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "minutes", "per_week", "total", "reassess"),
                         [r[1:] for r in DOSES], ids=[r[0] for r in DOSES])  # fmt: skip
def test_the_dose_follows_chronicity_and_severity(
    changes: dict[str, Any], minutes: int, per_week: int, total: int, reassess: int
) -> None:
    proposed = plan(changes)
    dose = (
        proposed["session_minutes"],
        proposed["visits_per_week"],
        proposed["total_visits"],
        proposed["reassess_at_visit"],
    )
    assert dose == (minutes, per_week, total, reassess)
    assert (
        plan_problems(session_minutes=minutes, total_visits=total, visits_per_week=per_week) == ()
    )


@pytest.mark.parametrize("name", sorted(p.stem for p in CASES.glob("*.json")))
def test_every_proposed_plan_is_within_the_app_ranges(name: str) -> None:
    proposed = document(base=sample(name))["plan"]
    if proposed is not None:
        ea = {"frequency_hz": EA_DEFAULT_HZ, "minutes": proposed["session_minutes"]}
        problems = plan_problems(
            session_minutes=proposed["session_minutes"],
            total_visits=proposed["total_visits"],
            visits_per_week=proposed["visits_per_week"],
            reassess_at_visit=proposed["reassess_at_visit"],
            # as the plan builder starts it, whenever electroacupuncture is proposed
            electroacupuncture=ea if "electroacupuncture" in proposed["modalities"] else None,
        )
        assert problems == ()
        assert 1 <= proposed["reassess_at_visit"] < proposed["total_visits"]


@pytest.mark.parametrize(
    ("minutes", "total", "per_week", "fields"),
    [
        (18, 4, 1, set()),
        (25, 12, 3, set()),
        (17.9, 4, 1, {"session_minutes"}),
        (26, 4, 1, {"session_minutes"}),
        (20, 3, 2, {"total_visits"}),
        (20, 13, 2, {"total_visits"}),
        (20, 8, 0.5, {"visits_per_week"}),
        (20, 8, 3.5, {"visits_per_week"}),
    ],
)
def test_plan_parameter_ranges(minutes: float, total: int, per_week: float, fields: set) -> None:
    problems = plan_problems(session_minutes=minutes, total_visits=total, visits_per_week=per_week)
    assert {f for f, _ in problems} == fields


SELF_CARE = [
    ("disc", DISC, {}, "rest on your back with your knees bent"),
    ("stenosis", sample("VIG-04"), {}, "exercise bike"),
    ("stenosis", sample("VIG-04"), {}, "shopping trolley"),
    ("deep gluteal", GLUTEAL, {}, "buttock stretch"),
    ("spondylolisthesis", sample("VIG-08"), {}, "arch your back backwards"),
    ("sitting aggravates", GLUTEAL, {}, "cushion"),
    ("lifting trigger", DISC, {}, "Lift with your knees bent"),
    ("desk work", GLUTEAL, {"history.contributing": ["sedentary_work"]}, "At a desk"),
    ("sport trigger", GLUTEAL, {}, "running or sport back up"),
    ("every plan: pain diary", sample("minimal"), {}, "from 0 to 10"),
    ("every plan: when to get help", sample("minimal"), {}, "emergency department"),
    ("every plan: fever or worse weakness", sample("minimal"), {}, "fever"),
    ("every plan: NICE's position", sample("minimal"), {}, "NG59"),
]  # fmt: skip


@pytest.mark.parametrize(("base", "changes", "words"), [r[1:] for r in SELF_CARE],
                         ids=[f"{r[0]}: {r[3]}" for r in SELF_CARE])  # fmt: skip
def test_exercises_and_advice_match_the_cause_and_the_history(
    base: dict[str, Any], changes: dict[str, Any], words: str
) -> None:
    proposed = plan(changes, base)
    assert any(words in text for text in proposed["exercises"] + proposed["advice"])


def test_stenosis_advice_is_not_given_for_a_disc() -> None:
    proposed = plan(base=DISC)
    assert not any("trolley" in text for text in proposed["advice"])


REFERRALS = [
    ("STarT Back high risk", GLUTEAL, {"questionnaires.start_back": {
        "1": False, "2": False, "3": False, "4": False, "5": True, "6": True, "7": True,
        "8": True, "9": "slightly"}}, ["physiotherapy"]),
    ("disc beyond the acute stage", DISC, {"history.duration_weeks": 8}, ["chiropractic"]),
    ("acute disc", DISC, {}, []),
    ("ODI above 40%", GLUTEAL, {"questionnaires.odi": dict.fromkeys(
        ["pain_intensity", "personal_care", "lifting", "walking", "sitting", "standing",
         "sleeping", "sex_life"], 3)}, ["gp"]),
    ("no clear cause", sample("minimal"), {}, ["gp"]),
    ("bleeding disorder: no modality left, so physiotherapy, and the GP on severity",
     GLUTEAL, {"history.conditions": ["bleeding_disorder"]}, ["physiotherapy", "gp"]),
    ("a fixed order", DISC, {"history.duration_weeks": 8, "questionnaires.odi": dict.fromkeys(
        ["pain_intensity", "personal_care", "lifting", "walking", "sitting", "standing",
         "sleeping", "sex_life"], 3)}, ["chiropractic", "gp"]),
    ("no chiropractic with a bleeding disorder", DISC, {"history.duration_weeks": 8,
     "history.conditions": ["bleeding_disorder"]}, ["physiotherapy", "gp"]),
    ("no chiropractic with blood thinners", DISC, {"history.duration_weeks": 8,
     "history.conditions": ["anticoagulants"]}, []),
    ("no chiropractic with osteoporosis", DISC, {"history.duration_weeks": 8,
     "history.conditions": ["osteoporosis"], "history.trigger": "none"}, []),
]  # fmt: skip


@pytest.mark.parametrize(("base", "changes", "referrals"), [r[1:] for r in REFERRALS],
                         ids=[r[0] for r in REFERRALS])  # fmt: skip
def test_adjunct_referrals_where_the_rules_call_for_them(
    base: dict[str, Any], changes: dict[str, Any], referrals: list[str]
) -> None:
    proposed = plan(changes, base)
    assert proposed["referrals"] == referrals
    assert [r["to"] for r in proposed["referral_reasons"]] == referrals


def test_the_plan_is_built_from_the_same_assessment_it_is_given() -> None:
    case = make_case({"exam.slr": positive("left")}, screened(DISC))
    a = assess_findings(case)
    proposed = propose_plan(a, case)
    assert proposed is not None and proposed.cause == a.leading_cause == "disc_herniation"


CAUSE_BASES = [
    ("disc_herniation", DISC),
    ("spinal_stenosis", sample("VIG-04")),
    ("deep_gluteal", GLUTEAL),
    ("spondylolisthesis", sample("VIG-08")),
]


@pytest.mark.parametrize(("cause", "base"), CAUSE_BASES, ids=[c for c, _ in CAUSE_BASES])
def test_each_cause_gets_three_home_exercises_with_how_often_and_when_to_stop(
    cause: str, base: dict[str, Any]
) -> None:
    proposed = plan(base=base)
    assert proposed["cause"] == cause
    often = ("a day", "a week", "most days", "every day", "every half hour")
    dosed = [e for e in proposed["exercises"] if "stop" in e.lower() and any(w in e for w in often)]
    assert len(dosed) >= 3, proposed["exercises"]


def test_every_exercise_row_has_a_source_and_bed_rest_is_never_advised() -> None:
    from plans.core.propose import SELF_CARE

    for row in SELF_CARE:
        assert row.source
        assert "bed rest" not in row.text.lower() or "never" in row.text.lower()
        assert "stay in bed" not in row.text.lower()


#: (session minutes, modality -> minutes given, the fields refused)
VISITS = {
    "a 20-minute session with 20 minutes' retention": (20, {"acupuncture": 20}, []),
    "two hours, an hour's retention": (120, {"acupuncture": 60}, []),
    "a session of 999 minutes": (999, {}, ["session_minutes"]),
    "retention longer than the session": (20, {"acupuncture": 30}, ["retention_minutes"]),
    "cupping longer than the session": (20, {"cupping": 25}, ["cupping_minutes"]),
    "electroacupuncture is plan_problems' to check": (20, {"electroacupuncture": 40}, []),
    "no session given yet": (None, {"acupuncture": 30}, []),
}


@pytest.mark.parametrize(("session", "given", "refused"), VISITS.values(), ids=VISITS)
def test_a_visit_record_keeps_its_minutes_within_the_session(session, given, refused):
    problems = visit_problems(session_minutes=session, given=given)
    assert [field for field, _ in problems] == refused
