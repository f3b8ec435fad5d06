"""Sources are cited as published (author, year, journal or guideline), never as a file.

The clinical core was written from working notes kept outside this repository; a reader
of the code, the rules document or a printed plan cannot open those notes, so no rule row,
string or comment may point at them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from intake.core import classify, instruments, redflags
from plans.core import propose, rules_doc

ROOT = Path(__file__).resolve().parents[1]
NOT_IN_THIS_REPOSITORY = re.compile(
    r"clinical[- ]reference|case-format\.md|shared/domain", re.IGNORECASE
)

RULE_ROWS = [
    *redflags.RED_FLAG_RULES,
    *redflags.AMBER_FLAG_RULES,
    *redflags.GP_FLAG_RULES,
    *classify.CAUSE_RULES,
    *classify.ROOT_RULES,
    *propose.MODALITY_ROWS,
    *propose.CONDITION_RULES,
    *propose.SELF_CARE,
    *propose.REFERRAL_ROWS,
    propose.CONDITIONS_NOT_ASKED,
    *redflags.URGENT_ADVICE,
    *propose.EVIDENCE_ROWS,
]
OTHER_SOURCES = {
    "chronicity": classify.CHRONICITY_SOURCE,
    "minimal important change": instruments.MIC_SOURCE,
    "dose": propose.DOSE_SOURCE,
    "points": propose.POINTS_SOURCE,
    "pregnancy points": propose.PREGNANCY_POINTS_SOURCE,
    **{inst.code: inst.citation for inst in instruments.INSTRUMENTS},
}
APP_FILES = sorted(
    path
    for folder in ("intake", "plans", "clinic", "templates", "bench")
    for path in (ROOT / folder).rglob("*")
    if path.suffix in {".py", ".html", ".txt", ".js"} and "migrations" not in path.parts
)


@pytest.mark.parametrize("row", RULE_ROWS, ids=lambda r: type(r).__name__)
def test_every_rule_row_cites_a_published_source_or_a_project_rule(row: object) -> None:
    assert not NOT_IN_THIS_REPOSITORY.search(row.source), row.source


@pytest.mark.parametrize(("name", "source"), OTHER_SOURCES.items(), ids=list(OTHER_SOURCES))
def test_instrument_chronicity_dose_and_point_sources_cite_no_file(name: str, source: str) -> None:
    assert not NOT_IN_THIS_REPOSITORY.search(source), f"{name}: {source}"


def test_the_rules_document_cites_no_file_outside_the_repository() -> None:
    assert not NOT_IN_THIS_REPOSITORY.search(rules_doc.render())


def test_no_string_or_comment_in_the_app_cites_a_file_outside_the_repository() -> None:
    assert APP_FILES, "no application files found"
    offending = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in APP_FILES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if NOT_IN_THIS_REPOSITORY.search(line)
    ]
    assert not offending, "\n".join(offending)
