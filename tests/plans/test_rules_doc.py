"""docs/clinical-rules.md is generated from the rule tables and must match them."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.core import classify, instruments, redflags
from plans.core import propose, rules_doc


def test_the_committed_rules_document_matches_the_generator() -> None:
    assert rules_doc.DOC_PATH.read_text(encoding="utf-8") == rules_doc.render(), (
        "docs/clinical-rules.md is out of date: run python -m plans.core.rules_doc --write"
    )


def test_check_passes_on_the_committed_file_and_fails_on_a_changed_one(tmp_path: Path) -> None:
    assert rules_doc.main(["--check"]) == 0
    stale = tmp_path / "clinical-rules.md"
    stale.write_text(rules_doc.render().replace("+3", "+4", 1), encoding="utf-8")
    assert rules_doc.main(["--check", "--path", str(stale)]) == 1
    assert rules_doc.main(["--check", "--path", str(tmp_path / "missing.md")]) == 1


def test_write_then_check_round_trips(tmp_path: Path) -> None:
    target = tmp_path / "docs" / "rules.md"
    assert rules_doc.main(["--write", "--path", str(target)]) == 0
    assert rules_doc.main(["--check", "--path", str(target)]) == 0


RULES = [
    *redflags.RED_FLAG_RULES,
    *redflags.AMBER_FLAG_RULES,
    *redflags.GP_FLAG_RULES,
    *classify.CAUSE_RULES,
    *classify.ROOT_RULES,
    *propose.CONDITION_RULES,
    *propose.MODALITY_ROWS,
    *propose.SELF_CARE,
    *propose.REFERRAL_ROWS,
]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{type(r).__name__}")
def test_every_rule_is_listed_with_its_source(rule: object) -> None:
    text = rules_doc.render()
    why = getattr(rule, "why", None) or getattr(rule, "text")  # noqa: B009
    assert rules_doc._cell(why) in text
    assert rules_doc._cell(rule.source) in text


def test_every_instrument_is_listed_with_its_citation_and_licence() -> None:
    text = rules_doc.render()
    for instrument in instruments.INSTRUMENTS:
        assert instrument.citation in text and instrument.licence in text
