"""Plain builders for case documents, shared by the clinical-core tests (no tests here)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from intake.core.assessment import Findings, assess_findings
from intake.core.case import RED_FLAG_QUESTIONS, Case, load_case
from plans.core.assessment import assessment_document

CASES = Path(__file__).resolve().parent / "cases"

MINIMAL: dict[str, Any] = {
    "format": "sciatica-case/1",
    "patient": {"age": 40},
    "history": {"duration_weeks": 3},
}


def screened(base: dict[str, Any]) -> dict[str, Any]:
    """`base` with every red-flag question it leaves unasked answered "no": no plan is
    proposed until the screen is complete."""
    doc = copy.deepcopy(base)
    flags = doc.setdefault("history", {}).setdefault("red_flags", {})
    for question in RED_FLAG_QUESTIONS:
        flags.setdefault(question, False)
    return doc


def sample(name: str) -> dict[str, Any]:
    """A sample case document from tests/intake/cases/<name>.json."""
    return json.loads((CASES / f"{name}.json").read_text(encoding="utf-8"))


#: A change's value that removes the key: "not asked".
REMOVE = object()


#: MINIMAL with the whole red-flag screen answered "no".
SCREENED: dict[str, Any] = screened(MINIMAL)


def make_doc(changes: dict[str, Any] | None = None, base: dict[str, Any] = MINIMAL) -> dict:
    """A case document: `base` with dotted-path changes, e.g. {"patient.age": 70}."""
    doc = copy.deepcopy(base)
    for dotted, value in (changes or {}).items():
        *parents, last = dotted.split(".")
        node = doc
        for key in parents:
            node = node.setdefault(key, {})
        if value is REMOVE:
            node.pop(last, None)
        else:
            node[last] = value
    return doc


def make_case(changes: dict[str, Any] | None = None, base: dict[str, Any] = MINIMAL) -> Case:
    return load_case(make_doc(changes, base))


def assessed(changes: dict[str, Any] | None = None, base: dict[str, Any] = MINIMAL) -> Findings:
    return assess_findings(make_case(changes, base))


def document(changes: dict[str, Any] | None = None, base: dict[str, Any] = MINIMAL) -> dict:
    return assessment_document(make_case(changes, base))


def positive(*sides: str) -> dict[str, dict[str, str]]:
    return {side: {"result": "positive"} for side in sides}


def negative(*sides: str) -> dict[str, dict[str, str]]:
    return {side: {"result": "negative"} for side in sides}
