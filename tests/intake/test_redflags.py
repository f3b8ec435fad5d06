"""Red flags refer, amber flags are recorded, vascular claudication goes to the GP."""

from __future__ import annotations

from typing import Any

import pytest

from intake.core.case import RED_FLAG_QUESTIONS
from intake.core.redflags import (
    AMBER_FLAG_RULES,
    FLAG_NAMES,
    GP_FLAG_RULES,
    RED_FLAG_RULES,
    flag_facts,
    screen,
)
from tests.intake.test_core_builders import SCREENED, assessed, document, make_case, sample

#: Each question answered "yes" on its own: (flag, urgency). Suspected infection, a
#: worsening deficit and major trauma are same day; risk factors alone within days.
RED_FLAG_ANSWER = {
    "saddle_anaesthesia": ("cauda_equina", "emergency"),
    "bladder_dysfunction": ("cauda_equina", "emergency"),
    "bowel_dysfunction": ("cauda_equina", "emergency"),
    "sexual_dysfunction_new": ("cauda_equina", "emergency"),
    "bilateral_leg_symptoms_new": ("cauda_equina", "emergency"),
    "progressive_weakness": ("progressive_deficit", "same_day"),
    "fever_or_chills": ("infection", "same_day"),
    "iv_drug_use": ("infection", "same_day"),
    "immunosuppression": ("infection", "within_days"),
    "recent_spinal_procedure": ("infection", "within_days"),
    "history_of_cancer": ("malignancy", "same_day"),  # VIG-01 has a root deficit: MSCC
    "unexplained_weight_loss": ("malignancy", "within_days"),
    "night_pain_unrelieved": ("malignancy", "within_days"),
    "significant_trauma": ("fracture", "same_day"),
    "long_term_corticosteroids": ("fracture", "within_days"),
}
REFERRAL_TO = {"emergency": "emergency_department", "same_day": "same_day_doctor",
               "within_days": "gp"}  # fmt: skip


def test_every_red_flag_question_of_the_form_has_a_rule() -> None:
    assert set(RED_FLAG_ANSWER) == set(RED_FLAG_QUESTIONS)


@pytest.mark.parametrize(("question", "code", "urgency"),
                         [(q, *found) for q, found in RED_FLAG_ANSWER.items()])  # fmt: skip
def test_a_yes_on_the_red_flag_screen_refers_with_its_urgency_and_no_plan(
    question: str, code: str, urgency: str
) -> None:
    doc = document({f"history.red_flags.{question}": True}, base=sample("VIG-01"))
    assert [f["code"] for f in doc["red_flags"]] == [code]
    assert doc["red_flags"][0]["urgency"] == urgency
    expected = "refer_emergency" if urgency == "emergency" else "refer_urgent"
    assert doc["disposition"] == expected
    assert doc["referral_to"] == REFERRAL_TO[urgency]
    assert doc["plan"] is None
    assert any(question in e for e in doc["red_flags"][0]["evidence"])


@pytest.mark.parametrize("question", RED_FLAG_QUESTIONS)
@pytest.mark.parametrize("answer", [True, False, None])
def test_a_row_that_reads_a_question_applies_only_when_it_is_answered_yes(
    question: str, answer: bool | None
) -> None:
    answers = {} if answer is None else {question: answer}
    case = make_case({"history.red_flags": answers})
    assert case.history.red_flags.answers()[RED_FLAG_QUESTIONS.index(question)] is answer
    for rule in RED_FLAG_RULES:
        if rule.finding.startswith("history.red_flags.") and "+" not in rule.finding:
            expected = rule.finding == f"history.red_flags.{question}" and answer is True
            assert rule.applies(case) is expected


def test_a_no_on_every_red_flag_question_raises_no_flag() -> None:
    answers = dict.fromkeys(RED_FLAG_QUESTIONS, False)
    assert assessed({"history.red_flags": answers}).red_flags == ()


EXAM_RED_FLAGS = [
    # (scenario, changes, codes, disposition)
    ("saddle sensation reduced", {"exam.sensation.saddle": "reduced"}, ["cauda_equina"],
     "refer_emergency"),
    ("saddle sensation absent", {"exam.sensation.saddle": "absent"}, ["cauda_equina"],
     "refer_emergency"),
    ("saddle sensation normal", {"exam.sensation.saddle": "normal"}, [], "treat"),
    ("dorsiflexion 3/5 on one side (foot drop)",
     {"exam.strength.ankle_dorsiflexion": {"right": 3, "left": 5}}, ["progressive_deficit"],
     "refer_urgent"),
    ("a key muscle 4/5 is not a red flag", {"exam.strength.ankle_dorsiflexion": {"right": 4}},
     [], "treat"),
    ("a key muscle 0/5", {"exam.strength.knee_extension": {"left": 0}},
     ["progressive_deficit"], "refer_urgent"),
    ("3/5 in both legs", {"exam.strength.ankle_dorsiflexion": {"right": 3},
                          "exam.strength.ankle_plantarflexion": {"left": 2}},
     ["cauda_equina", "progressive_deficit"], "refer_emergency"),
    ("temperature 38.0", {"exam.temperature_c": 38.0}, ["infection"], "refer_urgent"),
    ("temperature 37.9", {"exam.temperature_c": 37.9}, [], "treat"),
    ("lifting at 66 in a man", {"patient.age": 66, "patient.sex": "male",
                                "history.trigger": "lifting"}, ["fracture"], "refer_urgent"),
    ("lifting at 66 in a woman", {"patient.age": 66, "patient.sex": "female",
                                  "history.trigger": "lifting"}, [], "treat"),
    ("lifting at 76 in a woman", {"patient.age": 76, "patient.sex": "female",
                                  "history.trigger": "lifting"}, ["fracture"], "refer_urgent"),
    ("minor trauma with osteoporosis", {"patient.age": 45, "history.trigger": "trauma",
                                        "history.conditions": ["osteoporosis"]},
     ["fracture"], "refer_urgent"),
    ("osteoporosis without trauma or lifting", {"history.conditions": ["osteoporosis"],
                                               "history.trigger": "sport"}, [], "treat"),
    ("emergency outranks urgent", {"history.red_flags.fever_or_chills": True,
                                   "history.red_flags.bladder_dysfunction": True},
     ["cauda_equina", "infection"], "refer_emergency"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "codes", "disposition"), [r[1:] for r in EXAM_RED_FLAGS],
                         ids=[r[0] for r in EXAM_RED_FLAGS])  # fmt: skip
def test_exam_signs_and_combined_flags_refer(
    changes: dict[str, Any], codes: list[str], disposition: str
) -> None:
    doc = document(changes, SCREENED)
    assert [f["code"] for f in doc["red_flags"]] == codes
    assert doc["disposition"] == disposition
    assert (doc["plan"] is None) is (disposition != "treat")


AMBER = [
    ("over 50", {"patient.age": 51}, "age_over_50"),
    ("under 20", {"patient.age": 19}, "age_under_20"),
    ("more than a month", {"history.duration_weeks": 4.5}, "no_improvement_after_1_month"),
    ("chronic bilateral claudication", {"history.side": "both",
     "history.neurogenic_claudication": True}, "chronic_bilateral_claudication"),
    ("older for fracture", {"patient.age": 70, "patient.sex": "male"}, "older_for_fracture"),
    ("osteoporosis", {"history.conditions": ["osteoporosis"]}, "osteoporosis"),
    ("diabetes", {"history.conditions": ["diabetes"]}, "diabetes"),
    ("a red-flag question left unanswered", {"history.red_flags": {"saddle_anaesthesia": False}},
     "red_flag_screen_incomplete"),
    ("symptoms in both legs", {"history.side": "both"}, "bilateral_symptoms"),
    ("claudication with pulses not checked", {"history.neurogenic_claudication": True},
     "pulses_not_checked"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "code"), [r[1:] for r in AMBER], ids=[r[0] for r in AMBER])
def test_an_amber_flag_is_recorded_without_blocking_the_plan(
    changes: dict[str, Any], code: str
) -> None:
    doc = document(changes, SCREENED)
    assert code in [f["code"] for f in doc["amber_flags"]]
    assert doc["disposition"] == "treat"
    # An unanswered red-flag question withholds the plan until it is asked.
    assert (doc["plan"] is None) is (code == "red_flag_screen_incomplete")


@pytest.mark.parametrize(
    ("changes", "amber"),
    [({"patient.age": 50}, "age_over_50"), ({"patient.age": 20}, "age_under_20"),
     ({"history.duration_weeks": 4}, "no_improvement_after_1_month")],
    ids=["age 50", "age 20", "exactly 4 weeks"],
)  # fmt: skip
def test_amber_flag_boundaries_are_not_flags(changes: dict[str, Any], amber: str) -> None:
    assert amber not in [f.code for f in assessed(changes).amber_flags]


def test_a_complete_red_flag_screen_answered_no_raises_no_screening_flag() -> None:
    answered_no = {"history.red_flags": dict.fromkeys(RED_FLAG_QUESTIONS, False)}
    assert "red_flag_screen_incomplete" not in [f.code for f in assessed(answered_no).amber_flags]


def test_claudication_with_pulses_checked_raises_no_pulse_flag() -> None:
    checked = {"history.neurogenic_claudication": True, "exam.pedal_pulses": "present"}
    assert "pulses_not_checked" not in [f.code for f in assessed(checked).amber_flags]


def test_three_amber_flags_in_typical_stenosis_do_not_refer() -> None:
    doc = document(base=sample("VIG-04"))
    assert {"age_over_50", "no_improvement_after_1_month", "chronic_bilateral_claudication"} <= {
        f["code"] for f in doc["amber_flags"]
    }
    assert doc["disposition"] == "treat"


VASCULAR = [
    ("absent pulses", {"exam.pedal_pulses": "absent"}, "refer_gp"),
    ("reduced pulses", {"exam.pedal_pulses": "reduced"}, "refer_gp"),
    ("ABI below 0.9", {"exam.abi": 0.89}, "refer_gp"),
    ("ABI of 0.9", {"exam.abi": 0.9}, "treat"),
    ("known peripheral vascular disease", {"history.conditions":
                                           ["peripheral_vascular_disease"]}, "refer_gp"),
    ("present pulses", {"exam.pedal_pulses": "present"}, "treat"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "disposition"), [r[1:] for r in VASCULAR],
                         ids=[r[0] for r in VASCULAR])  # fmt: skip
def test_claudication_with_poor_circulation_refers_to_a_gp(
    changes: dict[str, Any], disposition: str
) -> None:
    doc = document({"history.neurogenic_claudication": True, **changes}, SCREENED)
    assert doc["disposition"] == disposition
    assert (doc["plan"] is None) is (disposition == "refer_gp")
    assert doc["red_flags"] == []


def test_absent_pulses_without_claudication_are_not_vascular_claudication() -> None:
    assert document({"exam.pedal_pulses": "absent"})["disposition"] == "treat"


def test_a_red_flag_outranks_suspected_vascular_claudication() -> None:
    doc = document(base=sample("vascular-claudication"))
    assert doc["disposition"] == "refer_gp"
    doc = document(
        {"history.red_flags.history_of_cancer": True}, base=sample("vascular-claudication")
    )
    assert doc["disposition"] == "refer_urgent"


@pytest.mark.parametrize("rule", RED_FLAG_RULES + AMBER_FLAG_RULES + GP_FLAG_RULES)
def test_every_flag_rule_says_why_and_cites_a_source(rule: Any) -> None:
    assert rule.why and rule.source and rule.finding


def test_every_flag_has_a_name_for_the_practitioner() -> None:
    codes = {rule.code for rule in RED_FLAG_RULES + AMBER_FLAG_RULES + GP_FLAG_RULES}
    assert codes <= set(FLAG_NAMES)


# --- urgency that matches the danger, and the mimics ---------------------------------------

URGENCY_SCENARIOS = [
    # (scenario, changes, flag, urgency, disposition, referral_to)
    ("brisk reflexes in both legs", {"exam.reflexes.patellar": {"left": "brisk",
     "right": "brisk"}}, "myelopathy", "same_day", "refer_urgent", "same_day_doctor"),
    ("brisk on one side only is not a UMN sign", {"exam.reflexes.patellar": {"left": "brisk",
     "right": "normal"}}, None, None, "treat", None),
    ("extensor plantar response", {"exam.plantar_response": {"right": "extensor"}},
     "myelopathy", "same_day", "refer_urgent", "same_day_doctor"),
    ("equivocal plantar is not a flag", {"exam.plantar_response": {"right": "equivocal"}},
     None, None, "treat", None),
    ("sustained ankle clonus", {"exam.ankle_clonus": {"left": "present"}}, "myelopathy",
     "same_day", "refer_urgent", "same_day_doctor"),
    ("wide-based gait, abnormal Romberg and a brisk reflex", {"exam.wide_based_gait": True,
     "exam.romberg": "abnormal", "exam.reflexes.achilles": {"left": "brisk"}}, "myelopathy",
     "same_day", "refer_urgent", "same_day_doctor"),
    ("wide-based gait and Romberg without brisk reflexes: stenosis, not UMN",
     {"exam.wide_based_gait": True, "exam.romberg": "abnormal"}, None, None, "treat", None),
    ("a past cancer alone: within days", {"history.red_flags.history_of_cancer": True},
     "malignancy", "within_days", "refer_urgent", "gp"),
    ("a past cancer with a weak muscle: cord compression, same day",
     {"history.red_flags.history_of_cancer": True,
      "exam.strength.ankle_dorsiflexion": {"left": 4}}, "malignancy", "same_day",
     "refer_urgent", "same_day_doctor"),
    ("a past cancer with weakness getting worse", {"history.red_flags.history_of_cancer": True,
     "history.red_flags.progressive_weakness": True}, "malignancy", "same_day",
     "refer_urgent", "same_day_doctor"),
    ("major trauma: same day", {"history.red_flags.significant_trauma": True}, "fracture",
     "same_day", "refer_urgent", "same_day_doctor"),
    ("long-term steroids: within days", {"history.red_flags.long_term_corticosteroids": True},
     "fracture", "within_days", "refer_urgent", "gp"),
    ("fever: same day", {"history.red_flags.fever_or_chills": True}, "infection", "same_day",
     "refer_urgent", "same_day_doctor"),
    ("injecting drugs: same day", {"history.red_flags.iv_drug_use": True}, "infection",
     "same_day", "refer_urgent", "same_day_doctor"),
    ("immunosuppression alone: within days", {"history.red_flags.immunosuppression": True},
     "infection", "within_days", "refer_urgent", "gp"),
    ("a key muscle 3/5: same day", {"exam.strength.ankle_dorsiflexion": {"left": 3}},
     "progressive_deficit", "same_day", "refer_urgent", "same_day_doctor"),
    ("cauda equina stays emergency", {"history.red_flags.saddle_anaesthesia": True},
     "cauda_equina", "emergency", "refer_emergency", "emergency_department"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "flag", "urgency", "disposition", "referral_to"),
                         [r[1:] for r in URGENCY_SCENARIOS],
                         ids=[r[0] for r in URGENCY_SCENARIOS])  # fmt: skip
def test_each_red_flag_has_the_urgency_of_its_danger(
    changes: dict[str, Any], flag: str | None, urgency: str | None, disposition: str,
    referral_to: str | None,
) -> None:  # fmt: skip
    doc = document(changes)
    found = {f["code"]: f["urgency"] for f in doc["red_flags"]}
    assert found.get(flag) == urgency if flag else found == {}
    assert doc["disposition"] == disposition
    assert doc.get("referral_to") == referral_to


def test_the_most_urgent_row_sets_the_flag_urgency() -> None:
    doc = document({"history.red_flags.immunosuppression": True,
                    "history.red_flags.fever_or_chills": True})  # fmt: skip
    assert [(f["code"], f["urgency"]) for f in doc["red_flags"]] == [("infection", "same_day")]


def test_every_red_flag_rule_has_an_urgency() -> None:
    assert all(rule.urgency in ("emergency", "same_day", "within_days") for rule in RED_FLAG_RULES)


#: Exertional leg pain eased by standing still, recorded without the claudication box.
ON_WALKING = {"history.aggravating": ["walking"], "history.relieving": ["standing"]}

VASCULAR_AS_RECORDED = [
    ("walking, eased standing still, absent pulses", {**ON_WALKING,
     "exam.pedal_pulses": "absent"}, "refer_gp"),
    ("walking, eased by rest, ABI 0.7", {"history.aggravating": ["walking"],
     "history.relieving": ["rest"], "exam.abi": 0.7}, "refer_gp"),
    ("walking, eased standing, known PVD", {**ON_WALKING, "history.conditions":
     ["peripheral_vascular_disease"]}, "refer_gp"),
    ("eased by sitting as well: neurogenic, not this rule", {"history.aggravating":
     ["walking"], "history.relieving": ["standing", "sitting"],
     "exam.pedal_pulses": "absent"}, "treat"),
    ("walking, eased standing, pulses present", {**ON_WALKING,
     "exam.pedal_pulses": "present"}, "treat"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "disposition"), [r[1:] for r in VASCULAR_AS_RECORDED],
                         ids=[r[0] for r in VASCULAR_AS_RECORDED])  # fmt: skip
def test_vascular_claudication_as_it_is_recorded_refers_to_a_gp(
    changes: dict[str, Any], disposition: str
) -> None:
    doc = document({"history.neurogenic_claudication": False, **changes})
    assert doc["disposition"] == disposition
    assert doc.get("referral_to") == ("gp" if disposition == "refer_gp" else None)


@pytest.mark.parametrize(("age", "disposition"), [(15, "refer_gp"), (16, "treat")])
def test_under_16_goes_to_the_gp_with_no_plan(age: int, disposition: str) -> None:
    doc = document({"patient.age": age}, SCREENED)
    assert doc["disposition"] == disposition
    assert (doc["plan"] is None) is (disposition == "refer_gp")


EVERY_SCENARIO = [
    *((r[0], r[1]) for r in EXAM_RED_FLAGS + AMBER + VASCULAR + VASCULAR_AS_RECORDED),
    *((f"{question} yes", {f"history.red_flags.{question}": True}) for question in RED_FLAG_ANSWER),
    ("under 16", {"patient.age": 15}),
]


@pytest.mark.parametrize("changes", [r[1] for r in EVERY_SCENARIO],
                         ids=[r[0] for r in EVERY_SCENARIO])  # fmt: skip
def test_the_screen_cites_exactly_the_rows_that_apply_in_table_order(
    changes: dict[str, Any],
) -> None:
    case = make_case(changes, SCREENED)
    facts = flag_facts(case)
    assert facts <= {r.when for r in RED_FLAG_RULES + AMBER_FLAG_RULES + GP_FLAG_RULES}
    found = screen(case)
    for flags, rules in [(found.red_flags, RED_FLAG_RULES), (found.amber_flags, AMBER_FLAG_RULES),
                         (found.gp_flags, GP_FLAG_RULES)]:  # fmt: skip
        cited = [e for f in sorted(flags, key=lambda f: [r.code for r in rules].index(f.code))
                 for e in f.evidence]  # fmt: skip
        assert cited == [r.evidence for r in rules if r.applies(case)]
