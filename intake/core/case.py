"""The case format `sciatica-case/1`: frozen dataclasses, and a loader that validates.

One case holds everything known about one episode of sciatica. The JSON Schema in
`intake/core/schemas/sciatica-case-1.json` is the authority: `load_case()` validates
against it (Draft 2020-12, unknown keys are errors) and answers a bad document with a
`CaseError` carrying the JSON path and the reason. An absent finding stays `None` ("not
asked / not tested"), which is never the same as a negative finding.

Pure: no Django import.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from intake.core import vocabulary
from intake.core.frozen import slot_init

CASE_FORMAT = "sciatica-case/1"
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
CASE_SCHEMA_PATH = SCHEMA_DIR / "sciatica-case-1.json"

# The code lists live in the vocabulary; these names are kept for the modules that read them.
SIDES = vocabulary.SIDES.codes
ODI_SECTIONS = vocabulary.ODI_SECTIONS.codes
SBI_ITEMS = vocabulary.SBI_ITEMS.codes
RED_FLAG_QUESTIONS = vocabulary.RED_FLAG_QUESTIONS.codes
SIDE_TESTS = vocabulary.SIDE_TESTS.codes
MUSCLES = vocabulary.MUSCLES.codes
REFLEXES = vocabulary.REFLEXES.codes
DERMATOMES = vocabulary.DERMATOMES.codes

T = TypeVar("T")


class CaseError(ValueError):
    """A case document that is not a valid `sciatica-case/1`.

    `path` is a JSON path into the document (`$` is the whole document) and `reason`
    says what is wrong there, in one line.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


# --- the dataclasses -------------------------------------------------------------------


def on_sides(left: bool, right: bool) -> tuple[str, ...]:
    """The sides, left first, on which a finding is true: ("left", "right"), ("left",), ...."""
    if left:
        return ("left", "right") if right else ("left",)
    return ("right",) if right else ()


@dataclass(frozen=True, slots=True)
class Sided(Generic[T]):
    """One finding recorded per side; `None` on a side that was not examined."""

    left: T | None = None
    right: T | None = None

    def get(self, side: str) -> T | None:
        return self.left if side == "left" else self.right

    def sides_where(self, value: object) -> tuple[str, ...]:
        return tuple(s for s in SIDES if self.get(s) == value)


@dataclass(frozen=True, slots=True)
class TestResult:
    result: str  # "positive" | "negative"
    angle_deg: float | None = None  # SLR only


@dataclass(frozen=True, slots=True)
class Patient:
    age: int
    sex: str | None = None
    pregnant: bool | None = None
    gestation_weeks: float | None = None


@slot_init
@dataclass(frozen=True, slots=True)
class RedFlagAnswers:
    """Answers to the explicit red-flag questions (NICE CKS: ask, do not wait to be told)."""

    saddle_anaesthesia: bool | None = None
    bladder_dysfunction: bool | None = None
    bowel_dysfunction: bool | None = None
    sexual_dysfunction_new: bool | None = None
    bilateral_leg_symptoms_new: bool | None = None
    progressive_weakness: bool | None = None
    fever_or_chills: bool | None = None
    unexplained_weight_loss: bool | None = None
    history_of_cancer: bool | None = None
    iv_drug_use: bool | None = None
    immunosuppression: bool | None = None
    long_term_corticosteroids: bool | None = None
    significant_trauma: bool | None = None
    night_pain_unrelieved: bool | None = None
    recent_spinal_procedure: bool | None = None

    def answered_yes(self) -> tuple[str, ...]:
        """The questions answered yes, in the order of `RED_FLAG_QUESTIONS`."""
        answers = self.answers()
        if not any(answers):  # the usual case, asked for every assessment: no walk
            return ()
        return tuple(q for q, a in zip(RED_FLAG_QUESTIONS, answers, strict=True) if a is True)

    def unanswered(self) -> tuple[str, ...]:
        """The questions with no answer yet (absent is not "no"), in the same order."""
        answers = self.answers()
        if None not in answers:  # the usual case once the screen is done: no walk
            return ()
        return tuple(q for q, a in zip(RED_FLAG_QUESTIONS, answers, strict=True) if a is None)

    def answers(self) -> tuple[bool | None, ...]:
        """All fifteen answers, in the order of `RED_FLAG_QUESTIONS` (a test holds the two
        to it). Spelled out: read in Python, the slots cost a fifth of `attrgetter`'s
        lookups, and every assessment reads them two or three times."""
        return (
            self.saddle_anaesthesia,
            self.bladder_dysfunction,
            self.bowel_dysfunction,
            self.sexual_dysfunction_new,
            self.bilateral_leg_symptoms_new,
            self.progressive_weakness,
            self.fever_or_chills,
            self.unexplained_weight_loss,
            self.history_of_cancer,
            self.iv_drug_use,
            self.immunosuppression,
            self.long_term_corticosteroids,
            self.significant_trauma,
            self.night_pain_unrelieved,
            self.recent_spinal_procedure,
        )


@dataclass(frozen=True, slots=True)
class History:
    duration_weeks: float
    onset: str | None = None
    trigger: str | None = None
    side: str | None = None
    pain_regions: frozenset[str] | None = None
    leg_pain_worse_than_back: bool | None = None
    symptoms: frozenset[str] | None = None
    aggravating: frozenset[str] | None = None
    relieving: frozenset[str] | None = None
    neurogenic_claudication: bool | None = None
    # NPRS (Numeric Pain Rating Scale), 0-10.
    leg_pain_now: int | None = None
    leg_pain_worst: int | None = None
    leg_pain_best: int | None = None
    back_pain_now: int | None = None
    red_flags: RedFlagAnswers = field(default_factory=RedFlagAnswers)
    conditions: frozenset[str] | None = None
    contributing: frozenset[str] | None = None

    def has_condition(self, condition: str) -> bool:
        return self.conditions is not None and condition in self.conditions


@dataclass(frozen=True, slots=True)
class StartBackAnswers:
    """Keele STarT Back items; items 1-8 True when the patient agrees."""

    items: tuple[bool | None, ...] = (None,) * 8  # items 1..8
    bothersomeness: str | None = None  # item 9


@dataclass(frozen=True, slots=True)
class Questionnaires:
    # ODI section name -> 0-5; a skipped or absent section is not in the mapping.
    odi: Mapping[str, int] | None = None
    start_back: StartBackAnswers | None = None
    rmdq: tuple[int, ...] | None = None
    # SBI item -> 0-6; a missing item is not in the mapping.
    sbi: Mapping[str, int] | None = None


@dataclass(frozen=True, slots=True)
class Exam:
    tests: Mapping[str, Sided[TestResult]] = field(default_factory=dict)
    reflexes: Mapping[str, Sided[str]] = field(default_factory=dict)
    strength: Mapping[str, Sided[int]] = field(default_factory=dict)
    sensation: Mapping[str, Sided[str]] = field(default_factory=dict)  # L4, L5, S1
    saddle_sensation: str | None = None
    step_off: str | None = None
    midline_sill: str | None = None
    extension_provokes: bool | None = None
    flexion_relieves: bool | None = None
    wide_based_gait: bool | None = None
    romberg: str | None = None
    plantar_response: Sided[str] | None = None  # flexor, extensor (Babinski), equivocal
    ankle_clonus: Sided[str] | None = None  # absent, present (sustained)
    pedal_pulses: str | None = None
    heel_walk: Sided[str] | None = None
    toe_walk: Sided[str] | None = None
    temperature_c: float | None = None
    abi: float | None = None  # ankle-brachial index

    def test_sides(self, test: str, result: str) -> tuple[str, ...]:
        """The sides on which `test` was recorded with `result` (empty if not tested)."""
        found = self.tests.get(test)
        if found is None:
            return ()
        left, right = found.left, found.right
        return on_sides(left is not None and left.result == result,
                     right is not None and right.result == result)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Imaging:
    modality: str | None = None
    disc_herniation_level: str | None = None
    stenosis: str | None = None
    listhesis_grade: int | None = None


@dataclass(frozen=True, slots=True)
class CourseVisit:
    """One visit of the course as the review reads it (case format: course.visits[])."""

    number: int
    date: str  # ISO date
    leg_pain_before: int | None = None
    leg_pain_after: int | None = None
    back_pain_before: int | None = None
    back_pain_after: int | None = None
    adverse_events: tuple[str, ...] = ()
    new_red_flags: RedFlagAnswers = field(default_factory=RedFlagAnswers)


@dataclass(frozen=True, slots=True)
class Measure:
    """The outcome measures answered again during the course (course.measures[])."""

    at_visit: int
    date: str
    leg_pain_now: int | None = None
    back_pain_now: int | None = None
    odi: Mapping[str, int] | None = None
    sbi: Mapping[str, int] | None = None
    global_change: str | None = None


@dataclass(frozen=True, slots=True)
class Course:
    planned_visits: int
    review_at_visit: int
    visits: tuple[CourseVisit, ...] = ()  # by number
    measures: tuple[Measure, ...] = ()  # by visit


@dataclass(frozen=True, slots=True)
class Case:
    patient: Patient
    history: History
    questionnaires: Questionnaires = field(default_factory=Questionnaires)
    exam: Exam = field(default_factory=Exam)
    imaging: Imaging = field(default_factory=Imaging)
    course: Course | None = None


# --- validation ------------------------------------------------------------------------


@cache
def case_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(CASE_SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    """The schema with every local `$ref` replaced by its definition (none is recursive).

    Same meaning, but validation no longer resolves references: about twice as fast.
    """
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and len(node) == 1:
            return _inline_refs(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(item, defs) for item in node]
    return node


@cache
def _validator() -> Draft202012Validator:
    schema = case_schema()
    return Draft202012Validator(_inline_refs(schema, schema.get("$defs", {})))


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_JSON_TYPES = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
    (type(None), "null"),
)


def json_path(parts: Iterable[str | int]) -> str:
    """`$.history.aggravating[2]`; keys that are not identifiers are quoted: `$.x["1"]`."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENTIFIER.fullmatch(part):
            out += f".{part}"
        else:
            out += f"[{json.dumps(part)}]"
    return out


def _json_type(value: object) -> str:
    for python_type, name in _JSON_TYPES:
        if isinstance(value, python_type):
            return name
    return type(value).__name__


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= 40 else text[:37] + "..."


def _explain(error: ValidationError) -> CaseError:
    """Turn one jsonschema error into a one-line path + reason."""
    path = list(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    kind = error.validator if isinstance(error.validator, str) else None  # jsonschema's Unset
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = schema.get("properties", {})
        unknown = sorted(k for k in error.instance if k not in allowed)
        key = unknown[0] if unknown else "?"
        return CaseError(json_path([*path, key]), "unknown key")
    if kind == "required" and isinstance(error.instance, dict):
        required = error.validator_value if isinstance(error.validator_value, list) else []
        missing = [k for k in required if k not in error.instance]
        key = missing[0] if missing else "?"
        return CaseError(json_path([*path, key]), "required but missing")
    return CaseError(json_path(path), _reason(kind, error.validator_value, error.instance))


def _reason(kind: str | None, expected: Any, instance: object) -> str:
    if kind == "type":
        wanted = " or ".join(expected) if isinstance(expected, list) else expected
        return f"expected {wanted}, got {_json_type(instance)} {_short(instance)}"
    if kind == "enum":
        return f"{_short(instance)} is not one of: {', '.join(map(str, expected))}"
    if kind == "const":
        return f"must be {_short(expected)}, got {_short(instance)}"
    if kind == "minimum":
        return f"{_short(instance)} is below the minimum {expected}"
    if kind == "maximum":
        return f"{_short(instance)} is above the maximum {expected}"
    return f"invalid value {_short(instance)} ({kind})"


@cache
def compiled_validator() -> jsonschema_rs.Validator:
    """The same schema compiled by jsonschema-rs: it only says yes or no, a hundred times
    faster than building jsonschema's error tree, which is kept for the reason why."""
    return jsonschema_rs.validator_for(case_schema())


def validate_case(document: object) -> None:
    """Raise `CaseError` (path + reason) unless `document` is a valid `sciatica-case/1`."""
    if compiled_validator().is_valid(document):
        return
    # Both implement JSON Schema 2020-12; the slower one names the path and the reason,
    # and has the last word if the two ever disagree.
    error = best_match(_validator().iter_errors(document))
    if error is not None:
        raise _explain(error)


# --- loading ---------------------------------------------------------------------------


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {json.dumps(key)}")
        out[key] = value
    return out


def parse_case(text: str | bytes) -> Case:
    """Parse JSON text and load it as a case; bad JSON is a `CaseError` at `$`."""
    try:
        document = json.loads(
            text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys
        )
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise CaseError("$", f"not valid JSON: {exc.msg} ({where})") from None
    except (ValueError, RecursionError) as exc:  # NaN, duplicate keys, undecodable bytes
        raise CaseError("$", f"not valid JSON: {exc}") from None
    return load_case(document)


def load_case(document: object) -> Case:
    """Validate a parsed JSON document and build the frozen `Case`."""
    try:
        validate_case(document)
    except RecursionError:
        raise CaseError("$", "document is nested too deeply") from None
    assert isinstance(document, dict)  # guaranteed by the schema
    return _build_case(document)


def _finite(value: float | int | None, path: str) -> float | None:
    if value is None:
        return None
    if not math.isfinite(value):
        raise CaseError(path, f"{value} is not a finite number")
    return float(value)


def _int(value: int | float | None) -> int | None:
    """JSON Schema counts 2.0 as an integer; the core works with exact ints."""
    return None if value is None else int(value)


def _set(values: list[str] | None) -> frozenset[str] | None:
    return None if values is None else frozenset(values)


def _sided(raw: dict[str, Any] | None) -> Sided[Any] | None:
    if raw is None:
        return None
    return Sided(left=raw.get("left"), right=raw.get("right"))


def _test(raw: dict[str, Any] | None, path: str) -> TestResult | None:
    if raw is None:
        return None
    return TestResult(raw["result"], _finite(raw.get("angle_deg"), path + ".angle_deg"))


def _build_case(doc: dict[str, Any]) -> Case:
    p = doc["patient"]
    patient = Patient(
        age=int(p["age"]),
        sex=p.get("sex"),
        pregnant=p.get("pregnant"),
        gestation_weeks=_finite(p.get("gestation_weeks"), "$.patient.gestation_weeks"),
    )
    h = doc["history"]
    history = History(
        duration_weeks=_finite(h["duration_weeks"], "$.history.duration_weeks") or 0.0,
        onset=h.get("onset"),
        trigger=h.get("trigger"),
        side=h.get("side"),
        pain_regions=_set(h.get("pain_regions")),
        leg_pain_worse_than_back=h.get("leg_pain_worse_than_back"),
        symptoms=_set(h.get("symptoms")),
        aggravating=_set(h.get("aggravating")),
        relieving=_set(h.get("relieving")),
        neurogenic_claudication=h.get("neurogenic_claudication"),
        leg_pain_now=_int(h.get("leg_pain_now")),
        leg_pain_worst=_int(h.get("leg_pain_worst")),
        leg_pain_best=_int(h.get("leg_pain_best")),
        back_pain_now=_int(h.get("back_pain_now")),
        red_flags=RedFlagAnswers(**h.get("red_flags", {})),
        conditions=_set(h.get("conditions")),
        contributing=_set(h.get("contributing")),
    )

    q = doc.get("questionnaires", {})
    start_back = None
    if "start_back" in q:
        sb = q["start_back"]
        start_back = StartBackAnswers(
            items=tuple(sb.get(str(n)) for n in range(1, 9)), bothersomeness=sb.get("9")
        )
    questionnaires = Questionnaires(
        odi=(
            None
            if "odi" not in q
            else {k: int(v) for k, v in q["odi"].items() if v is not None}  # null = skipped
        ),
        start_back=start_back,
        rmdq=None if "rmdq" not in q else tuple(int(i) for i in q["rmdq"]),
        sbi=None if "sbi" not in q else {k: int(v) for k, v in q["sbi"].items() if v is not None},
    )

    e = doc.get("exam", {})
    tests: dict[str, Sided[TestResult]] = {}
    for name in SIDE_TESTS:
        if name in e:
            raw = e[name]
            base = f"$.exam.{name}"
            tests[name] = Sided(
                left=_test(raw.get("left"), base + ".left"),
                right=_test(raw.get("right"), base + ".right"),
            )
    sensation = e.get("sensation", {})
    exam = Exam(
        tests=tests,
        reflexes={k: Sided(**v) for k, v in e.get("reflexes", {}).items()},
        strength={
            k: Sided(_int(v.get("left")), _int(v.get("right")))
            for k, v in e.get("strength", {}).items()
        },
        sensation={k: Sided(**v) for k, v in sensation.items() if k != "saddle"},
        saddle_sensation=sensation.get("saddle"),
        step_off=e.get("step_off"),
        midline_sill=e.get("midline_sill"),
        extension_provokes=e.get("extension_provokes"),
        flexion_relieves=e.get("flexion_relieves"),
        wide_based_gait=e.get("wide_based_gait"),
        romberg=e.get("romberg"),
        plantar_response=_sided(e.get("plantar_response")),
        ankle_clonus=_sided(e.get("ankle_clonus")),
        pedal_pulses=e.get("pedal_pulses"),
        heel_walk=_sided(e.get("heel_walk")),
        toe_walk=_sided(e.get("toe_walk")),
        temperature_c=_finite(e.get("temperature_c"), "$.exam.temperature_c"),
        abi=_finite(e.get("abi"), "$.exam.abi"),
    )
    i = doc.get("imaging", {})
    imaging = Imaging(
        modality=i.get("modality"),
        disc_herniation_level=i.get("disc_herniation_level"),
        stenosis=i.get("stenosis"),
        listhesis_grade=_int(i.get("listhesis_grade")),
    )
    return Case(patient, history, questionnaires, exam, imaging, _course(doc.get("course")))


def _answered(items: dict[str, int | None] | None) -> dict[str, int] | None:
    return None if items is None else {k: int(v) for k, v in items.items() if v is not None}


def _course(c: dict[str, Any] | None) -> Course | None:
    if c is None:
        return None
    visits = tuple(
        CourseVisit(
            number=int(v["number"]),
            date=v["date"],
            leg_pain_before=_int(v.get("leg_pain_before")),
            leg_pain_after=_int(v.get("leg_pain_after")),
            back_pain_before=_int(v.get("back_pain_before")),
            back_pain_after=_int(v.get("back_pain_after")),
            adverse_events=tuple(v.get("adverse_events", ())),
            new_red_flags=RedFlagAnswers(**v.get("new_red_flags", {})),
        )
        for v in c.get("visits", ())
    )
    measures = tuple(
        Measure(
            at_visit=int(m["at_visit"]),
            date=m["date"],
            leg_pain_now=_int(m.get("leg_pain_now")),
            back_pain_now=_int(m.get("back_pain_now")),
            odi=_answered(m.get("questionnaires", {}).get("odi")),
            sbi=_answered(m.get("questionnaires", {}).get("sbi")),
            global_change=m.get("global_change"),
        )
        for m in c.get("measures", ())
    )
    return Course(
        planned_visits=int(c["planned_visits"]),
        review_at_visit=int(c["review_at_visit"]),
        visits=tuple(sorted(visits, key=lambda v: v.number)),
        measures=tuple(sorted(measures, key=lambda m: m.at_visit)),
    )
