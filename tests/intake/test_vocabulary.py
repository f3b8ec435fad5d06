"""The vocabulary is the one list of codes in Python, and it says what the schemas say.

The schemas are walked, not copied: every enum (and every set of property names that is
a closed set, such as the red-flag questions) is found in the schema and compared with
the vocabulary that lists it, in order. A new enum in a schema fails the test until it is
given a vocabulary or named below as one the Python code never lists.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from clinic.models import Patient
from intake import questionnaire
from intake.core import classify, redflags
from intake.core import vocabulary as v
from intake.core.case import SCHEMA_DIR, RedFlagAnswers
from plans import forms as plan_forms
from plans import pdf
from plans.core import propose


def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


CASE = _schema("sciatica-case-1.json")
ASSESSMENT = _schema("sciatica-assessment-1.json")


def _resolve(node: Any, schema: dict[str, Any]) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = schema["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node


def _walk(node: Any, schema: dict[str, Any], path: str = "") -> Iterator[tuple[str, Any]]:
    """Every (path, node) under `node`: "history.pain_regions[]", "scores.odi.band", ..."""
    node = _resolve(node, schema)
    yield path, node
    for name, child in node.get("properties", {}).items():
        yield from _walk(child, schema, f"{path}.{name}" if path else name)
    if "items" in node:
        yield from _walk(node["items"], schema, f"{path}[]")
    for branch in node.get("oneOf", ()):
        yield from _walk(branch, schema, path)


def _enums(schema: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    return {
        path: tuple(value for value in node["enum"] if value is not None)
        for path, node in _walk(schema, schema)
        if "enum" in node
    }


def _node(schema: dict[str, Any], path: str) -> dict[str, Any]:
    return dict(_walk(schema, schema))[path]


def _properties(schema: dict[str, Any], path: str) -> tuple[str, ...]:
    return tuple(_node(schema, path)["properties"])


CASE_ENUMS = _enums(CASE)
ASSESSMENT_ENUMS = _enums(ASSESSMENT)

#: Which vocabulary lists the codes of each enum (paths as `_walk` names them).
CASE_VOCABULARIES = {
    "history.onset": v.ONSETS,
    "history.trigger": v.TRIGGERS,
    "history.side": v.LEG_SIDES,
    "history.pain_regions[]": v.PAIN_REGIONS,
    "history.symptoms[]": v.SYMPTOMS,
    "history.aggravating[]": v.ACTIVITIES,
    "history.relieving[]": v.ACTIVITIES,
    "history.conditions[]": v.CONDITIONS,
    "history.contributing[]": v.CONTRIBUTING,
    "questionnaires.start_back.9": v.BOTHERSOMENESS,
    "exam.*.*.result": v.RESULTS,
    "exam.reflexes.*.*": v.REFLEX_GRADES,
    "exam.sensation.saddle": v.SENSATION_GRADES,
    "exam.sensation.*.*": v.SENSATION_GRADES,
    "exam.*_walk.*": v.WALK_GRADES,
    "exam.step_off": v.PRESENCE,
    "exam.midline_sill": v.PRESENCE,
    "exam.romberg": v.ROMBERG_RESULTS,
    "exam.plantar_response.*": v.PLANTAR_RESPONSES,
    "exam.ankle_clonus.*": v.CLONUS,
    "exam.pedal_pulses": v.PULSES,
    "imaging.modality": v.IMAGING,
    "imaging.disc_herniation_level": v.DISC_LEVELS,
    "imaging.stenosis": v.STENOSIS_GRADES,
    "course.visits[].adverse_events[]": v.ADVERSE_EVENTS,
    "course.measures[].global_change": v.GLOBAL_CHANGES,
}
ASSESSMENT_VOCABULARIES = {
    "disposition": v.DISPOSITIONS,
    "red_flags[].code": v.RED_FLAGS,
    "scores.odi.band": v.ODI_BANDS,
    "causes[].code": v.CAUSES,
    "root.level": v.DERMATOMES,
    "plan.cause": v.CAUSES,
    "plan.modalities[]": v.MODALITIES,
    "plan.excluded[].modality": v.MODALITIES,
    "plan.precautions[].modalities[]": v.MODALITIES,
    "plan.referrals[]": v.REFERRAL_TARGETS,
    "plan.referral_reasons[].to": v.REFERRAL_TARGETS,
    "review.verdict": v.REVIEW_VERDICTS,
    "review.recommendation": v.REVIEW_RECOMMENDATIONS,
    "review.adverse_events[].code": v.ADVERSE_EVENTS,
}
#: Enums with no vocabulary: Python never lists these codes as a set (the rules return
#: them one at a time), or the set is checked on its own below.
NOT_IN_THE_VOCABULARY = {
    "patient.sex",  # the clinic's Patient.Sex, checked below
    "chronicity",
    "causes[].likelihood",
    "scores.start_back.risk",
    "red_flags[].urgency",  # part of URGENCIES, checked below
    "referral_to",  # REFERRAL_DESTINATIONS, checked below
    "root.side",  # part of LEG_SIDES, checked below
}


def _matches(path: str, pattern: str) -> bool:
    """`*` stands for one name in the path: "exam.*_walk.*" matches "exam.heel_walk.left"."""
    return re.fullmatch(re.escape(pattern).replace(r"\*", "[^.]*"), path) is not None


def _vocabulary_for(path: str, table: dict[str, v.Vocabulary]) -> v.Vocabulary | None:
    found = [vocabulary for pattern, vocabulary in table.items() if _matches(path, pattern)]
    assert len(found) <= 1, f"{path} matches more than one vocabulary"
    return found[0] if found else None


@pytest.mark.parametrize(
    ("path", "codes", "table"),
    [(path, codes, CASE_VOCABULARIES) for path, codes in CASE_ENUMS.items()]
    + [(path, codes, ASSESSMENT_VOCABULARIES) for path, codes in ASSESSMENT_ENUMS.items()],
)
def test_every_schema_enum_is_its_vocabulary_in_the_same_order(
    path: str, codes: tuple[str, ...], table: dict[str, v.Vocabulary]
) -> None:
    vocabulary = _vocabulary_for(path, table)
    if vocabulary is None:
        assert path in NOT_IN_THE_VOCABULARY, f"{path}: give it a vocabulary"
        return
    assert vocabulary.codes == codes, path


def test_every_vocabulary_path_still_names_an_enum_of_the_schema() -> None:
    for table, enums in (
        (CASE_VOCABULARIES, CASE_ENUMS),
        (ASSESSMENT_VOCABULARIES, ASSESSMENT_ENUMS),
    ):
        for pattern in table:
            assert any(_matches(path, pattern) for path in enums), pattern
    for path in NOT_IN_THE_VOCABULARY:
        assert path in CASE_ENUMS or path in ASSESSMENT_ENUMS, path


@pytest.mark.parametrize(
    ("path", "vocabulary"),
    [
        ("history.red_flags", v.RED_FLAG_QUESTIONS),
        ("course.visits[].new_red_flags", v.RED_FLAG_QUESTIONS),
        ("questionnaires.odi", v.ODI_SECTIONS),
        ("questionnaires.sbi", v.SBI_ITEMS),
        ("exam.reflexes", v.REFLEXES),
        ("exam.strength", v.MUSCLES),
    ],
)
def test_closed_sets_of_property_names_are_their_vocabulary(
    path: str, vocabulary: v.Vocabulary
) -> None:
    assert _properties(CASE, path) == vocabulary.codes


def test_the_dermatomes_are_the_sensation_fields_besides_the_saddle() -> None:
    assert tuple(p for p in _properties(CASE, "exam.sensation") if p != "saddle") == (
        v.DERMATOMES.codes
    )


def test_the_side_tests_are_the_exam_fields_with_a_result_on_each_side() -> None:
    exam = CASE["properties"]["exam"]["properties"]
    with_result = tuple(
        name
        for name, node in exam.items()
        if node.get("$ref", "").removeprefix("#/$defs/") in ("side_test", "slr_test")
    )
    assert with_result == v.SIDE_TESTS.codes


def test_every_finding_recorded_per_side_has_exactly_the_two_sides() -> None:
    sided = [
        (path, tuple(node["properties"]))
        for path, node in _walk(CASE, CASE)
        if "left" in node.get("properties", {})
    ]
    assert sided
    for path, sides in sided:
        assert sides == v.SIDES.codes, path


def test_the_typed_red_flag_answers_are_the_red_flag_questions() -> None:
    fields = tuple(f.name for f in dataclasses.fields(RedFlagAnswers))
    assert fields == v.RED_FLAG_QUESTIONS.codes


def test_sets_held_elsewhere_agree_with_the_schemas() -> None:
    assert CASE_ENUMS["patient.sex"] == tuple(Patient.Sex.values)
    assert ASSESSMENT_ENUMS["red_flags[].urgency"] == redflags.URGENCIES
    assert {r.urgency for r in redflags.RED_FLAG_RULES} == set(redflags.URGENCIES)
    assert ASSESSMENT_ENUMS["referral_to"] == v.REFERRAL_DESTINATIONS.codes
    assert set(redflags.REFERRAL_TO.values()) == set(v.REFERRAL_DESTINATIONS.codes)
    assert set(ASSESSMENT_ENUMS["red_flags[].urgency"]) < set(v.URGENCIES.codes)
    assert set(ASSESSMENT_ENUMS["root.side"]) < set(v.LEG_SIDES.codes)


# --- the vocabularies themselves -----------------------------------------------------------

VOCABULARIES = {name: value for name, value in vars(v).items() if isinstance(value, v.Vocabulary)}


def test_no_vocabulary_repeats_a_code() -> None:
    for name, vocabulary in VOCABULARIES.items():
        assert len(vocabulary.codes) == len(set(vocabulary.codes)), name


def test_every_term_has_the_clinicians_words() -> None:
    for name, vocabulary in VOCABULARIES.items():
        for term in vocabulary:
            assert term.code and term.clinician.strip(), (name, term)


def test_a_vocabulary_has_the_patients_words_for_every_term_or_for_none() -> None:
    for name, vocabulary in VOCABULARIES.items():
        worded = {bool(term.patient and term.patient.strip()) for term in vocabulary}
        assert len(worded) == 1, name


def test_the_patients_order_is_an_order_of_the_same_codes() -> None:
    for name, vocabulary in VOCABULARIES.items():
        assert sorted(vocabulary.patient_order) == sorted(vocabulary.codes), name


def test_a_patient_order_that_loses_a_code_is_refused() -> None:
    with pytest.raises(ValueError, match="patient_order"):
        v.Vocabulary(v.Term("a", "A", "A"), v.Term("b", "B", "B"), patient_order=("a",))


def test_a_code_without_patients_words_is_not_shown_to_a_patient() -> None:
    with pytest.raises(KeyError):
        v.MODALITIES.patient("cupping")


def test_choices_are_the_codes_with_the_readers_words() -> None:
    assert v.ONSETS.choices() == [("sudden", "Sudden"), ("gradual", "Gradual")]
    assert v.ONSETS.choices("patient") == [
        ("sudden", "Suddenly"),
        ("gradual", "Gradually, over days or weeks"),
    ]


# --- the tables keyed by code --------------------------------------------------------------


def test_tables_that_say_something_about_each_code_cover_exactly_their_vocabulary() -> None:
    assert {r.code for r in redflags.RED_FLAG_RULES} == set(v.RED_FLAGS.codes)
    assert tuple(pdf.EXPECT) == v.MODALITIES.codes
    assert tuple(questionnaire.ODI) == v.ODI_SECTIONS.codes
    assert tuple(propose.POINTS_BY_CAUSE) == (*v.CAUSES.codes, None)
    assert tuple(row.cause for row in propose.MODALITY_ROWS) == (*v.CAUSES.codes, None)
    assert set(propose.NEEDLING) | set(propose.SKIN) == set(v.MODALITIES.codes)
    assert set(plan_forms.DETAIL_FIELDS) <= set(v.MODALITIES.codes)
    assert set(plan_forms.DEFAULT_AREAS) <= set(v.MODALITIES.codes)


def test_the_rules_name_only_codes_of_the_vocabulary() -> None:
    assert {rule.cause for rule in classify.CAUSE_RULES} == set(v.CAUSES.codes)
    assert {rule.level for rule in classify.ROOT_RULES} == set(v.DERMATOMES.codes)
    assert {rule.code for rule in redflags.RED_FLAG_RULES} == set(v.RED_FLAGS.codes)
    assert {rule.code for rule in redflags.AMBER_FLAG_RULES} == set(v.AMBER_FLAGS.codes)
    assert {rule.code for rule in redflags.GP_FLAG_RULES} == set(v.GP_FLAGS.codes)
    assert {rule.to for rule in propose.REFERRAL_ROWS} <= set(v.REFERRAL_TARGETS.codes)


def test_the_safety_questions_are_grouped_from_the_red_flag_questions() -> None:
    grouped = (*questionnaire.RED_FLAGS_NOTICED, *questionnaire.RED_FLAGS_HISTORY)
    assert sorted(grouped) == sorted(v.RED_FLAG_QUESTIONS.codes)
    assert set(questionnaire.EMERGENCY_SIGNS) <= set(questionnaire.RED_FLAGS_NOTICED)


def test_disc_levels_read_as_a_clinician_writes_them() -> None:
    assert [words for _, words in v.DISC_LEVELS.choices()] == ["L3-L4", "L4-L5", "L5-S1"]
