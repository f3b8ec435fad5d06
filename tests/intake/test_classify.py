"""Cause ranking, chronicity and root level: one named scenario per rule."""

from __future__ import annotations

from typing import Any

import pytest

from intake.core.classify import (
    CAUSE_RULES,
    CAUSES,
    FACTS,
    ROOT_RULES,
    chronicity,
    facts_of,
    find_root,
    likelihood,
    rank_causes,
)
from intake.core.instruments import score_case
from tests.intake.test_core_builders import (
    MINIMAL,
    REMOVE,
    assessed,
    document,
    make_case,
    negative,
    positive,
    sample,
)

# Enough history for the Konno tool to be computed (claudication, factors, conditions).
ASKED = {
    "history.neurogenic_claudication": False,
    "history.aggravating": [],
    "history.relieving": [],
    "history.conditions": [],
}
STENOSIS = {
    "patient.age": 72,
    "history.neurogenic_claudication": True,
    "history.aggravating": ["walking", "standing"],
    "history.relieving": ["sitting", "bending_forward"],
    "history.conditions": [],
    "history.side": "both",
    "history.leg_pain_worse_than_back": True,
    "exam.pedal_pulses": "present",
}

RULE_SCENARIOS = [
    # (scenario, changes, cause, finding, effect)
    ("positive SLR", {"exam.slr": positive("right")}, "disc_herniation", "exam.slr", 1),
    ("negative SLR", {"exam.slr": negative("left", "right")}, "disc_herniation", "exam.slr", -3),
    ("positive crossed SLR", {"exam.crossed_slr": positive("left")}, "disc_herniation",
     "exam.crossed_slr", 3),
    ("positive slump", {"exam.slump": positive("left")}, "disc_herniation", "exam.slump", 2),
    ("negative slump", {"exam.slump": negative("left")}, "disc_herniation", "exam.slump", -1),
    ("leg worse than back", {"history.leg_pain_worse_than_back": True}, "disc_herniation",
     "history.leg_pain_worse_than_back", 2),
    ("pain below the knee", {"history.pain_regions": ["calf"]}, "disc_herniation",
     "history.pain_regions", 1),
    ("one-sided root deficit", {"exam.reflexes.achilles": {"left": "absent"}},
     "disc_herniation", "root", 2),
    ("femoral nerve stretch with an L4 root", {"exam.femoral_nerve_stretch": positive("left"),
     "exam.reflexes.patellar": {"left": "reduced"}}, "disc_herniation",
     "exam.femoral_nerve_stretch + root", 2),
    ("claudication against a disc", {"history.neurogenic_claudication": True},
     "disc_herniation", "history.neurogenic_claudication", -2),
    ("imaged disc herniation", {"imaging.disc_herniation_level": "L4-L5"}, "disc_herniation",
     "imaging.disc_herniation_level", 2),
    ("Konno 7 or more", STENOSIS, "spinal_stenosis", "scores.konno_lss", 4),
    ("Konno 5 or less", ASKED, "spinal_stenosis", "scores.konno_lss", -2),
    ("Cook 4 of 5, Konno not scored", {**STENOSIS, "history.conditions": REMOVE},
     "spinal_stenosis", "scores.cook_lss", 3),
    ("Cook 0 of 5, all asked, Konno not scored", {**ASKED, "history.conditions": REMOVE,
     "history.side": "left",
     "history.leg_pain_worse_than_back": False}, "spinal_stenosis", "scores.cook_lss", -2),
    ("neurogenic claudication", {"history.neurogenic_claudication": True}, "spinal_stenosis",
     "history.neurogenic_claudication", 2),
    ("no neurogenic claudication", {"history.neurogenic_claudication": False},
     "spinal_stenosis", "history.neurogenic_claudication", -2),
    ("both legs", {"history.side": "both"}, "spinal_stenosis", "history.side", 3),
    ("no pain when seated (Suri LR 7.4)", {"history.relieving": ["sitting"]},
     "spinal_stenosis", "history.relieving + history.aggravating", 3),
    ("relieved bending forward on exam", {"exam.flexion_relieves": True}, "spinal_stenosis",
     "history.relieving + exam.flexion_relieves", 3),
    ("wide-based gait", {"exam.wide_based_gait": True}, "spinal_stenosis",
     "exam.wide_based_gait", 4),
    ("abnormal Romberg", {"exam.romberg": "abnormal"}, "spinal_stenosis", "exam.romberg", 2),
    ("older than 70", {"patient.age": 71}, "spinal_stenosis", "patient.age", 1),
    ("younger than 60", {"patient.age": 59}, "spinal_stenosis", "patient.age", -1),
    ("imaged stenosis", {"imaging.stenosis": "severe"}, "spinal_stenosis", "imaging.stenosis",
     2),
    ("buttock pain", {"history.pain_regions": ["buttock", "low_back"]}, "deep_gluteal",
     "history.pain_regions", 1),
    ("sciatic notch tenderness", {"exam.sciatic_notch_tenderness": positive("left")},
     "deep_gluteal", "exam.sciatic_notch_tenderness", 2),
    ("piriformis tenderness", {"exam.piriformis_tenderness": positive("left")},
     "deep_gluteal", "exam.piriformis_tenderness", 1),
    ("worse sitting", {"history.aggravating": ["sitting"]}, "deep_gluteal",
     "history.aggravating", 1),
    ("active piriformis test", {"exam.active_piriformis": positive("left")}, "deep_gluteal",
     "exam.active_piriformis", 2),
    ("seated piriformis stretch", {"exam.seated_piriformis_stretch": positive("left")},
     "deep_gluteal", "exam.seated_piriformis_stretch", 2),
    ("bedside FAIR", {"exam.fair": positive("left")}, "deep_gluteal", "exam.fair", 1),
    ("both piriformis tests negative", {"exam.active_piriformis": negative("left"),
     "exam.seated_piriformis_stretch": negative("left")}, "deep_gluteal",
     "exam.active_piriformis + exam.seated_piriformis_stretch", -2),
    ("active piriformis negative alone", {"exam.active_piriformis": negative("left")},
     "deep_gluteal", "exam.active_piriformis", -1),
    ("normal neurological exam", {"exam.reflexes.achilles": {"left": "normal"},
     "exam.strength.ankle_dorsiflexion": {"left": 5}}, "deep_gluteal",
     "exam.reflexes + exam.strength + exam.sensation", 1),
    ("SLR and slump negative", {"exam.slr": negative("left"), "exam.slump": negative("left")},
     "deep_gluteal", "exam.slr + exam.slump", 1),
    ("a root deficit", {"exam.reflexes.patellar": {"left": "reduced"}}, "deep_gluteal", "root",
     -2),
    ("no back pain", {"history.pain_regions": ["buttock"]}, "deep_gluteal",
     "history.pain_regions + history.back_pain_now", 1),
    ("step-off", {"exam.step_off": "present"}, "spondylolisthesis", "exam.step_off", 3),
    ("no step-off", {"exam.step_off": "absent"}, "spondylolisthesis", "exam.step_off", -1),
    ("midline sill", {"exam.midline_sill": "present"}, "spondylolisthesis",
     "exam.midline_sill", 3),
    ("extension provokes", {"history.aggravating": ["bending_backward"]}, "spondylolisthesis",
     "exam.extension_provokes + history.aggravating", 1),
    ("back worse than leg", {"history.leg_pain_worse_than_back": False}, "spondylolisthesis",
     "history.leg_pain_worse_than_back", 1),
    ("imaged slip", {"imaging.listhesis_grade": 1}, "spondylolisthesis",
     "imaging.listhesis_grade", 3),
]  # fmt: skip


def test_every_cause_rule_has_a_scenario() -> None:
    table = {(r.cause, r.finding, r.effect) for r in CAUSE_RULES}
    assert table == {row[2:] for row in RULE_SCENARIOS}
    assert len(table) == len(CAUSE_RULES)


@pytest.mark.parametrize(("changes", "cause", "finding", "effect"),
                         [r[1:] for r in RULE_SCENARIOS],
                         ids=[r[0] for r in RULE_SCENARIOS])  # fmt: skip
def test_a_finding_moves_its_cause_with_the_reason_and_source(
    changes: dict[str, Any], cause: str, finding: str, effect: int
) -> None:
    scored = {c["code"]: c for c in document(changes)["causes"]}[cause]
    matching = [e for e in scored["evidence"] if (e["finding"], e["effect"]) == (finding, effect)]
    assert len(matching) == 1
    assert matching[0]["why"] and matching[0]["source"]
    assert scored["points"] == sum(e["effect"] for e in scored["evidence"])


def test_every_fact_a_row_names_is_a_fact_the_case_is_read_for() -> None:
    for rule in CAUSE_RULES:
        assert set(rule.when) | set(rule.unless) <= FACTS.keys(), rule.why
        assert rule.when, rule.why


SAMPLES = ["VIG-01", "VIG-04", "VIG-06", "VIG-08", "full-example", "vascular-claudication"]


@pytest.mark.parametrize(("changes", "base"),
                         [(r[1], MINIMAL) for r in RULE_SCENARIOS]
                         + [({}, sample(name)) for name in SAMPLES],
                         ids=[r[0] for r in RULE_SCENARIOS] + SAMPLES)  # fmt: skip
def test_the_ranking_cites_exactly_the_rows_that_apply_in_table_order(
    changes: dict[str, Any], base: dict[str, Any]
) -> None:
    case = make_case(changes, base=base)
    scores, root = score_case(case), find_root(case)
    facts = facts_of(case, scores, root)
    assert facts <= FACTS.keys()
    cited = {c.code: list(c.evidence) for c in rank_causes(case, scores, root)}
    for cause in CAUSES:
        rows = [r.evidence for r in CAUSE_RULES if r.cause == cause and r.applies(facts)]
        assert cited[cause] == rows


TYPICAL = [
    ("disc: positive SLR and crossed SLR with leg pain below the knee",
     {"exam.slr": positive("left"), "exam.crossed_slr": positive("right"),
      "history.leg_pain_worse_than_back": True, "history.pain_regions": ["calf"]},
     "disc_herniation"),
    ("stenosis: claudication, worse standing, better bending forward, older", STENOSIS,
     "spinal_stenosis"),
    ("deep gluteal: buttock pain on sitting, positive piriformis tests, normal SLR",
     {"history.pain_regions": ["buttock"], "history.aggravating": ["sitting"],
      "exam.active_piriformis": positive("right"),
      "exam.seated_piriformis_stretch": positive("right"), "exam.slr": negative("right")},
     "deep_gluteal"),
    ("spondylolisthesis: step-off and sill sign, back-dominant, extension provokes",
     {"exam.step_off": "present", "exam.midline_sill": "present",
      "history.leg_pain_worse_than_back": False, "exam.extension_provokes": True},
     "spondylolisthesis"),
    ("stenosis over spondylolisthesis when claudication dominates",
     {**STENOSIS, "imaging.listhesis_grade": 1, "exam.step_off": "present"}, "spinal_stenosis"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "cause"), [r[1:] for r in TYPICAL],
                         ids=[r[0] for r in TYPICAL])  # fmt: skip
def test_each_cause_leads_on_its_typical_findings(changes: dict[str, Any], cause: str) -> None:
    a = assessed(changes)
    assert a.causes[0].code == cause
    assert a.causes[0].likelihood == "likely"
    assert a.leading_cause == cause
    assert a.causes[0].points > a.causes[1].points


def test_all_four_causes_are_always_ranked() -> None:
    assert sorted(c.code for c in assessed().causes) == sorted(CAUSES)


def test_ties_follow_the_fixed_order_never_chance() -> None:
    a = assessed({"patient.age": 65})  # nothing points anywhere: all four score 0
    assert [c.points for c in a.causes] == [0, 0, 0, 0]
    assert [c.code for c in a.causes] == list(CAUSES)
    assert a.leading_cause is None


@pytest.mark.parametrize(
    ("points", "words"),
    [(6, "likely"), (5, "possible"), (3, "possible"), (2, "unlikely"), (-4, "unlikely")],
)
def test_likelihood_words_by_points(points: int, words: str) -> None:
    assert likelihood(points) == words


@pytest.mark.parametrize(
    ("weeks", "stage"),
    [(0, "acute"), (5.9, "acute"), (6, "subacute"), (12, "subacute"), (12.1, "chronic"),
     (52, "chronic")],
)  # fmt: skip
def test_chronicity_boundaries_at_6_and_12_weeks(weeks: float, stage: str) -> None:
    assert chronicity(weeks) == stage
    assert assessed({"history.duration_weeks": weeks}).chronicity == stage


ROOTS = [
    ("L4 from the knee reflex and quadriceps", {"exam.reflexes.patellar": {"left": "reduced"},
     "exam.strength.knee_extension": {"left": 4}}, "L4", "left"),
    ("L4 from a femoral nerve stretch", {"exam.femoral_nerve_stretch": positive("right")},
     "L4", "right"),
    ("L5 from dorsiflexion, EHL and heel walking",
     {"exam.strength.ankle_dorsiflexion": {"right": 4},
      "exam.strength.great_toe_extension": {"right": 4},
      "exam.heel_walk": {"right": "difficult"}}, "L5", "right"),
    ("L5 from hip abduction and dermatome", {"exam.strength.hip_abduction": {"left": 4},
     "exam.sensation.L5": {"left": "reduced"}}, "L5", "left"),
    ("S1 from ankle reflex, plantarflexion, dermatome and toe walking",
     {"exam.reflexes.achilles": {"right": "absent"},
      "exam.strength.ankle_plantarflexion": {"right": 4},
      "exam.sensation.S1": {"right": "reduced"}, "exam.toe_walk": {"right": "difficult"}},
     "S1", "right"),
    ("the same deficit on both sides points to no single root",
     {"exam.reflexes.achilles": {"left": "reduced", "right": "reduced"}}, None, "both"),
    ("S1 on both sides, worse on one, still points to S1",
     {"exam.reflexes.achilles": {"left": "reduced", "right": "reduced"},
      "exam.strength.ankle_plantarflexion": {"right": 4}}, "S1", "both"),
    ("a tie between L5 and S1 points to no single root",
     {"exam.sensation.L5": {"left": "reduced"}, "exam.sensation.S1": {"left": "reduced"}},
     None, "left"),
    ("normal findings point to no root", {"exam.reflexes.achilles": {"left": "normal"},
     "exam.strength.ankle_dorsiflexion": {"left": 5}}, None, "left"),
    ("a brisk reflex is not a root sign", {"exam.reflexes.achilles": {"left": "brisk"}},
     None, "left"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "level", "side"), [r[1:] for r in ROOTS],
                         ids=[r[0] for r in ROOTS])  # fmt: skip
def test_the_root_level_from_reflex_myotome_and_dermatome_patterns(
    changes: dict[str, Any], level: str | None, side: str
) -> None:
    root = assessed({"history.side": "left", **changes}).root
    assert (root.level, root.side) == (level, side)
    assert bool(root.evidence) is (level is not None)


def test_every_root_level_has_rules_with_sources() -> None:
    assert {r.level for r in ROOT_RULES} == {"L4", "L5", "S1"}
    assert all(r.source and r.why for r in ROOT_RULES)


def test_an_alternating_side_without_root_signs_gives_no_side() -> None:
    assert assessed({"history.side": "alternating"}).root.side is None


# --- weights that follow the evidence, upper-lumbar discs, UMN signs ------------------------

#: A textbook L4 radiculopathy (Harrison's): anterior thigh and medial shin pain, a reduced
#: knee reflex, weak knee extension, numb medial calf, a positive femoral nerve stretch
#: and a negative SLR (insensitive at L3-4).
L4_RADICULOPATHY = {
    "patient.age": 52,
    "history.side": "left",
    "history.pain_regions": ["anterior_thigh", "knee", "shin"],
    "history.leg_pain_worse_than_back": True,
    "exam.reflexes.patellar": {"left": "reduced", "right": "normal"},
    "exam.strength.knee_extension": {"left": 4, "right": 5},
    "exam.sensation.L4": {"left": "reduced", "right": "normal"},
    "exam.femoral_nerve_stretch": positive("left"),
    "exam.slr": negative("left", "right"),
}


def test_a_textbook_l4_radiculopathy_is_a_likely_disc_not_cause_unclear() -> None:
    doc = document(L4_RADICULOPATHY)
    assert doc["root"]["level"] == "L4"
    best = doc["causes"][0]
    assert (best["code"], best["likelihood"]) == ("disc_herniation", "likely")
    assert not any(e["finding"] == "exam.slr" for e in best["evidence"])


def test_a_negative_slr_still_counts_against_a_disc_at_l5() -> None:
    doc = document({"exam.slr": negative("left"), "exam.heel_walk": {"left": "difficult"},
                    "exam.strength.ankle_dorsiflexion": {"left": 4}})  # fmt: skip
    disc = {c["code"]: c for c in doc["causes"]}["disc_herniation"]
    assert ("exam.slr", -3) in [(e["finding"], e["effect"]) for e in disc["evidence"]]


def test_a_crossed_slr_weighs_clearly_more_than_an_slr() -> None:
    weights = {r.finding: r.effect for r in CAUSE_RULES if r.effect > 0}
    assert weights["exam.crossed_slr"] >= 3 * weights["exam.slr"]


def test_every_cause_rule_keeps_its_likelihood_ratio_beside_it() -> None:
    assert all(r.lr for r in CAUSE_RULES)


def stenosis_findings(changes: dict[str, Any]) -> list[str]:
    cause = {c["code"]: c for c in document(changes)["causes"]}["spinal_stenosis"]
    return [e["finding"] for e in cause["evidence"]]


def test_no_history_item_counts_twice_for_stenosis_when_konno_holds_it() -> None:
    found = stenosis_findings(STENOSIS)
    assert "scores.konno_lss" in found
    assert "history.neurogenic_claudication" not in found
    assert "patient.age" not in found
    assert "history.relieving + exam.flexion_relieves" not in found
    assert "scores.cook_lss" not in found


def test_a_young_person_does_not_suggest_stenosis_from_items_true_of_anyone_healthy() -> None:
    # Konno 7 at 30: no diabetes 1, pulses 3, worse standing 2, extension 1, no claudication.
    young = {**ASKED, "patient.age": 30, "exam.pedal_pulses": "present",
             "history.aggravating": ["standing", "bending_backward"]}  # fmt: skip
    doc = document(young)
    assert doc["scores"]["konno_lss"] == {"points": 7, "suggests_lss": True}
    assert "scores.konno_lss" not in stenosis_findings(young)
    assert {c["code"]: c for c in doc["causes"]}["spinal_stenosis"]["likelihood"] == "unlikely"


def test_gait_and_romberg_do_not_count_for_stenosis_with_upper_motor_neuron_signs() -> None:
    ataxic = {"exam.wide_based_gait": True, "exam.romberg": "abnormal"}
    assert {"exam.wide_based_gait", "exam.romberg"} <= set(stenosis_findings(ataxic))
    with_umn = {**ataxic, "exam.plantar_response": {"left": "extensor"}}
    assert not {"exam.wide_based_gait", "exam.romberg"} & set(stenosis_findings(with_umn))
