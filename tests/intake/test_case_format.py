"""The case format: what loads, what is refused (with the JSON path and the reason)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from intake.core.assessment import assessment_schema
from intake.core.case import CaseError, case_schema, compiled_validator, load_case, parse_case
from plans.core.assessment import assessment_document
from tests.intake.test_core_builders import CASES, MINIMAL, make_doc, sample

SAMPLES = sorted(p.stem for p in CASES.glob("*.json"))


def test_both_schemas_are_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(case_schema())
    Draft202012Validator.check_schema(assessment_schema())


def test_a_minimal_case_with_format_age_and_duration_assesses_without_error() -> None:
    doc = assessment_document(load_case(MINIMAL))
    assert doc["disposition"] == "treat"
    assert doc["chronicity"] == "acute"
    assert [c["code"] for c in doc["causes"]] == [
        "disc_herniation",
        "deep_gluteal",
        "spondylolisthesis",
        "spinal_stenosis",
    ]
    assert doc["scores"]["odi"] is None
    assert doc["scores"]["konno_lss"] is None
    assert doc["root"] == {"level": None, "side": None, "evidence": []}


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_case_gives_an_assessment_that_matches_the_assessment_schema(
    name: str,
) -> None:
    doc = assessment_document(load_case(sample(name)))
    errors = list(Draft202012Validator(assessment_schema()).iter_errors(doc))
    assert errors == []
    assert json.loads(json.dumps(doc)) == doc  # plain JSON, nothing else


def test_the_same_case_always_gives_the_same_document() -> None:
    text = (CASES / "full-example.json").read_text()
    first = json.dumps(assessment_document(parse_case(text)))
    assert all(json.dumps(assessment_document(parse_case(text))) == first for _ in range(5))


def _containers(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return [node, *(c for v in node.values() for c in _containers(v))]
    if isinstance(node, list):
        return [node, *(c for v in node for c in _containers(v))]
    return []


@pytest.mark.parametrize("name", SAMPLES)
def test_two_documents_of_one_case_share_no_dict_or_list_so_either_can_be_changed(
    name: str,
) -> None:
    case = load_case(sample(name))
    first, second = assessment_document(case), assessment_document(case)
    assert first == second
    assert not {id(c) for c in _containers(first)} & {id(c) for c in _containers(second)}


def test_an_absent_finding_stays_none_and_differs_from_a_negative_one() -> None:
    absent = load_case(MINIMAL)
    negative = load_case(
        make_doc({"history.red_flags": {"saddle_anaesthesia": False}, "exam.slr": {}})
    )
    assert absent.history.red_flags.saddle_anaesthesia is None
    assert negative.history.red_flags.saddle_anaesthesia is False
    assert absent.history.conditions is None
    assert absent.exam.tests == {}
    assert absent.questionnaires.odi is None


def test_a_skipped_odi_section_is_left_out_of_the_answers() -> None:
    case = load_case(make_doc({"questionnaires.odi": {"pain_intensity": 2, "sex_life": None}}))
    assert case.questionnaires.odi == {"pain_intensity": 2}


REFUSED = [
    # (scenario, document changes, path, words in the reason)
    ("wrong format", {"format": "sciatica-case/2"}, "$.format", "must be"),
    ("age as text", {"patient.age": "38"}, "$.patient.age", "expected integer"),
    ("age over 120", {"patient.age": 121}, "$.patient.age", "above the maximum"),
    ("negative duration", {"history.duration_weeks": -1}, "$.history.duration_weeks", "below"),
    ("duration as bool", {"history.duration_weeks": True}, "$.history.duration_weeks",
     "expected number"),
    ("unknown top-level key", {"notes": "x"}, "$.notes", "unknown key"),
    ("unknown nested key", {"history.red_flags.headache": True},
     "$.history.red_flags.headache", "unknown key"),
    ("unknown exam test", {"exam.lasegue": {}}, "$.exam.lasegue", "unknown key"),
    ("side test without a result", {"exam.slr": {"left": {}}}, "$.exam.slr.left.result",
     "required"),
    ("angle on a test that has none", {"exam.slump": {"left": {"result": "positive",
     "angle_deg": 30}}}, "$.exam.slump.left.angle_deg", "unknown key"),
    ("a side that is not left or right", {"exam.reflexes.achilles": {"middle": "normal"}},
     "$.exam.reflexes.achilles.middle", "unknown key"),
    ("value outside a closed set", {"history.side": "up"}, "$.history.side", "not one of"),
    ("region outside the closed set", {"history.pain_regions": ["buttock", "ear"]},
     "$.history.pain_regions[1]", "not one of"),
    ("NPRS of 11", {"history.leg_pain_now": 11}, "$.history.leg_pain_now", "maximum"),
    ("ODI section of 6", {"questionnaires.odi": {"lifting": 6}}, "$.questionnaires.odi.lifting",
     "above the maximum 5"),
    ("ODI double mark as a list", {"questionnaires.odi": {"lifting": [2, 3]}},
     "$.questionnaires.odi.lifting", "expected"),
    ("STarT Back item 10", {"questionnaires.start_back": {"10": True}},
     '$.questionnaires.start_back["10"]', "unknown key"),
    ("STarT Back item 9 as a bool", {"questionnaires.start_back": {"9": True}},
     '$.questionnaires.start_back["9"]', "not one of"),
    ("RMDQ statement 25", {"questionnaires.rmdq": [1, 25]}, "$.questionnaires.rmdq[1]",
     "maximum"),
    ("MRC grade 6", {"exam.strength.hip_flexion": {"left": 6}},
     "$.exam.strength.hip_flexion.left", "maximum"),
    ("listhesis grade 5", {"imaging.listhesis_grade": 5}, "$.imaging.listhesis_grade",
     "maximum"),
    ("saddle given per side", {"exam.sensation.saddle": {"left": "reduced"}},
     "$.exam.sensation.saddle", "not one of"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "path", "words"), [r[1:] for r in REFUSED],
                         ids=[r[0] for r in REFUSED])  # fmt: skip
def test_an_invalid_case_is_refused_with_its_json_path_and_reason(
    changes: dict[str, Any], path: str, words: str
) -> None:
    with pytest.raises(CaseError) as caught:
        load_case(make_doc(changes))
    assert caught.value.path == path
    assert words in caught.value.reason
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("document", "path", "words"),
    [
        ([], "$", "expected object"),
        ({"patient": {"age": 3}, "history": {"duration_weeks": 1}}, "$.format", "required"),
        ({"format": "sciatica-case/1", "history": {"duration_weeks": 1}}, "$.patient", "required"),
        ({"format": "sciatica-case/1", "patient": {}, "history": {"duration_weeks": 1}},
         "$.patient.age", "required"),
    ],
    ids=["an array", "no format", "no patient", "no age"],
)  # fmt: skip
def test_a_document_missing_what_is_required_is_refused(
    document: Any, path: str, words: str
) -> None:
    with pytest.raises(CaseError) as caught:
        load_case(document)
    assert (caught.value.path, words in caught.value.reason) == (path, True)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "not valid JSON"),
        ("{", "not valid JSON"),
        ("not json", "not valid JSON"),
        ('{"format": NaN}', "NaN is not a JSON number"),
        ('{"format": "a", "format": "b"}', "duplicate key"),
        (b"\xff\xfe\x00", "not valid JSON"),
        ("[" * 100_000, "not valid JSON"),
    ],
    ids=["empty", "truncated", "prose", "NaN", "duplicate key", "bad bytes", "deep nesting"],
)
def test_text_that_is_not_json_is_refused_at_the_root(text: str | bytes, words: str) -> None:
    with pytest.raises(CaseError) as caught:
        parse_case(text)
    assert caught.value.path == "$"
    assert words in caught.value.reason


def test_a_whole_number_written_as_a_decimal_counts_as_an_integer() -> None:
    odi = dict.fromkeys(["pain_intensity", "personal_care", "lifting", "walking"], 2.0)
    changes = {
        "patient.age": 40.0,
        "history.leg_pain_now": 7.0,
        "questionnaires.odi": {**odi, "sitting": 2, "standing": 2, "sleeping": 2, "sex_life": 2},
        "questionnaires.rmdq": [3.0, 3],
        "exam.strength.hip_flexion": {"left": 3.0},
    }
    doc = assessment_document(load_case(make_doc(changes)))
    assert doc["scores"]["odi"] == {"percent": 40.0, "band": "moderate", "sections_answered": 8}
    assert doc["scores"]["rmdq"] == {"score": 1}
    assert doc["scores"]["nprs"]["leg_now"] == 7
    assert doc["red_flags"][0]["code"] == "progressive_deficit"


def test_a_non_finite_number_in_a_python_document_is_refused() -> None:
    with pytest.raises(CaseError) as caught:
        load_case(make_doc({"history.duration_weeks": float("nan")}))
    assert caught.value.path == "$.history.duration_weeks"


# --- generated junk: a valid assessment or a CaseError, never another exception ------------

JUNK = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(min_value=-2, max_value=30).map(float)  # 2.0 is an integer to JSON Schema
    | st.sampled_from(["", "left", "right", "positive", "reduced", "sciatica-case/1", "L5"])
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


@st.composite
def mutated_cases(draw: st.DrawFn) -> Any:
    doc = copy.deepcopy(sample(draw(st.sampled_from(SAMPLES))))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(_paths(doc)))
        junk = draw(JUNK)
        if not path:
            return junk
        *parents, last = path
        node = doc
        for key in parents:
            node = node[key]
        if draw(st.booleans()) and isinstance(node, dict):
            node[draw(st.text(max_size=6))] = junk  # add a key, perhaps an unknown one
        elif draw(st.booleans()) and isinstance(node, dict):
            del node[last]
        else:
            node[last] = junk
    return doc


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_cases())
def test_a_mutated_case_gives_an_assessment_or_a_case_error_never_another_exception(
    doc: Any,
) -> None:
    try:
        case = load_case(doc)
    except CaseError as error:
        assert error.path.startswith("$")
        assert error.reason and "\n" not in str(error)
        return
    result = assessment_document(case)
    assert list(Draft202012Validator(assessment_schema()).iter_errors(result)) == []


# --- generated valid cases: the core never fails on a case the schema accepts -----------


def _from_schema(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Documents valid under a (simple) schema: every optional key may be left out."""
    if "$ref" in schema:
        return _from_schema(defs[schema["$ref"].removeprefix("#/$defs/")], defs)
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if isinstance(kind, list):  # ["integer", "null"]
        return st.none() | _from_schema({**schema, "type": kind[0]}, defs)
    low, high = schema.get("minimum"), schema.get("maximum")
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(min_value=low, max_value=high)
    if kind == "number":
        return st.floats(min_value=low, max_value=high, allow_nan=False)
    if kind == "array":
        return st.lists(_from_schema(schema["items"], defs), max_size=5)
    if kind == "string":
        return st.dates().map(str) if schema.get("format") == "date" else st.text()
    properties = schema.get("properties", {})
    required = set(schema.get("required", ()))
    return st.fixed_dictionaries(
        {k: _from_schema(v, defs) for k, v in properties.items() if k in required},
        optional={k: _from_schema(v, defs) for k, v in properties.items() if k not in required},
    )


VALID_CASES = _from_schema(case_schema(), case_schema()["$defs"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALID_CASES)
def test_any_case_the_schema_accepts_gives_a_valid_assessment(doc: dict[str, Any]) -> None:
    result = assessment_document(load_case(doc))
    assert list(Draft202012Validator(assessment_schema()).iter_errors(result)) == []
    plan = result["plan"]
    screen_incomplete = "red_flag_screen_incomplete" in {f["code"] for f in result["amber_flags"]}
    assert (plan is None) is (result["disposition"] != "treat" or screen_incomplete)
    if plan is not None:
        barred = {e["modality"] for e in plan["excluded"]}
        assert not barred & set(plan["modalities"])
        assert not set(plan["avoid_points"]) & set(plan["points"])


def test_a_key_with_a_line_break_is_quoted_so_the_message_stays_on_one_line() -> None:
    document = {"format": "sciatica-case/1", "patient": {"age": 40}, "A\n": 1}
    with pytest.raises(CaseError) as raised:
        load_case(document)
    assert raised.value.path == '$["A\\n"]'
    assert "\n" not in str(raised.value)


# --- the fast validator says yes exactly when jsonschema does ------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mutated_cases(), VALID_CASES))
def test_the_compiled_validator_accepts_exactly_what_jsonschema_accepts(doc: Any) -> None:
    """`validate_case` trusts jsonschema-rs's yes; it must never accept what jsonschema
    refuses (the slow path then never runs), nor refuse what it accepts."""
    jsonschema_says = not list(Draft202012Validator(case_schema()).iter_errors(doc))
    assert compiled_validator().is_valid(doc) is jsonschema_says
