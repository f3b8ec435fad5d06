"""`manage.py assess FILE`: JSON out, --explain text, exit 2 with one line on a bad case."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from jsonschema import Draft202012Validator

from intake.core.assessment import assessment_schema
from tests.intake.test_core_builders import CASES, sample, screened

ROOT = Path(__file__).resolve().parent.parent.parent


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("assess", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("assess", *args, stdout=out, stderr=err)
    assert exited.value.code == 2
    assert out.getvalue() == ""
    message = err.getvalue()
    assert message.count("\n") <= 1 and message.strip()
    return message.strip()


def test_a_case_file_prints_the_assessment_as_json() -> None:
    out, err = run(str(CASES / "full-example.json"))
    doc = json.loads(out)
    assert list(Draft202012Validator(assessment_schema()).iter_errors(doc)) == []
    assert doc["causes"][0]["code"] == "disc_herniation"
    assert out.startswith('{\n  "format": "sciatica-assessment/1"')  # indent 2
    assert err == ""


def test_a_dash_reads_the_case_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO((CASES / "minimal.json").read_text()))
    out, _ = run("-")
    assert json.loads(out)["disposition"] == "treat"


def test_explain_prints_the_same_assessment_as_readable_text(tmp_path: Path) -> None:
    case = tmp_path / "VIG-01.json"
    case.write_text(json.dumps(screened(sample("VIG-01"))), encoding="utf-8")
    out, _ = run(str(case), "--explain")
    for words in (
        "Disposition: treat",
        "Red flags: none",
        "Causes, best first:",
        "1. disc_herniation: likely",
        "+1 exam.slr: Positive straight leg raise (SLR): sensitive, not specific [Devillé 2000",
        "Root: S1, side right",
        "Plan (following disc_herniation):",
        "20 min sessions, 2 a week, 6 visits; reassess at visit 4",
    ):
        assert words in out


def test_explain_shows_the_red_flag_and_no_plan() -> None:
    out, _ = run(str(CASES / "cauda-equina.json"), "--explain")
    assert "Disposition: refer_emergency" in out
    assert "cauda_equina (emergency)" in out
    assert "Plan: none (refer instead of treating)" in out


def write(tmp_path: Path, content: str | bytes) -> str:
    path = tmp_path / "case.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return str(path)


BAD_FILES: list[tuple[str, Any, str]] = [
    ("not JSON", "this is not json", "$: not valid JSON"),
    ("empty file", "", "$: not valid JSON"),
    ("binary junk", b"\x00\xff\xfe", "$: not valid JSON"),
    ("wrong type", '{"format": "sciatica-case/1", "patient": {"age": "old"}, '
     '"history": {"duration_weeks": 2}}', "$.patient.age: expected integer"),
    ("unknown key", '{"format": "sciatica-case/1", "patient": {"age": 40}, '
     '"history": {"duration_weeks": 2, "mood": "low"}}', "$.history.mood: unknown key"),
    ("out of range", '{"format": "sciatica-case/1", "patient": {"age": 40}, '
     '"history": {"duration_weeks": 2, "leg_pain_now": 12}}', "$.history.leg_pain_now"),
    ("missing duration", '{"format": "sciatica-case/1", "patient": {"age": 40}, '
     '"history": {}}', "$.history.duration_weeks: required but missing"),
    ("a list, not a case", "[1, 2]", "$: expected object"),
]  # fmt: skip


@pytest.mark.parametrize(("content", "words"), [r[1:] for r in BAD_FILES],
                         ids=[r[0] for r in BAD_FILES])  # fmt: skip
def test_an_invalid_case_exits_2_with_one_line_naming_the_path(
    tmp_path: Path, content: str | bytes, words: str
) -> None:
    message = refused(write(tmp_path, content))
    assert message.startswith("invalid case: ")
    assert words in message


def test_an_unreadable_file_exits_2(tmp_path: Path) -> None:
    assert "cannot read" in refused(str(tmp_path / "missing.json"))
    assert "cannot read" in refused(str(tmp_path))  # a directory


# --- the real command line: exit status and no traceback ----------------------------------


def manage(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "SECRET_KEY": "test-only-not-secret", "DJANGO_SETTINGS_MODULE":
           "clinic.settings"}  # fmt: skip
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "assess", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "stdin",
    [b"{", b'{"format": "sciatica-case/1"}', b'{"format": "sciatica-case/1", "x": 1}'],
    ids=["truncated JSON", "no patient", "unknown key"],
)
def test_manage_py_assess_exits_2_without_a_traceback(stdin: bytes) -> None:
    result = manage("-", stdin=stdin)
    assert result.returncode == 2
    assert result.stdout == b""
    assert b"Traceback" not in result.stderr
    assert result.stderr.decode().count("\n") == 1


def test_manage_py_assess_prints_json_for_a_valid_file() -> None:
    result = manage(str(CASES / "VIG-06.json"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["causes"][0]["code"] == "deep_gluteal"


def test_the_pages_and_manage_py_assess_load_without_the_pdf_stack() -> None:
    """WeasyPrint costs about half a second to import, and fhir.resources a third of one:
    only printing and exporting may pay for them."""
    script = (
        "import sys, django; django.setup();"
        "from django.core.management import call_command; from io import StringIO;"
        "import clinic.urls;"
        f"call_command('assess', {str(CASES / 'VIG-06.json')!r}, stdout=StringIO());"
        "print('weasyprint' in sys.modules or 'fhir.resources' in sys.modules)"
    )
    env = {**os.environ, "SECRET_KEY": "test-only-not-secret", "DJANGO_SETTINGS_MODULE":
           "clinic.settings"}  # fmt: skip
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().strip() == "False"


def test_explain_says_why_a_case_to_treat_has_no_plan_yet() -> None:
    out, _ = run(str(CASES / "VIG-01.json"), "--explain")
    assert "Disposition: treat" in out
    assert "Plan: none until every red-flag question has been answered" in out


def test_a_case_with_a_course_prints_its_review() -> None:
    path = str(CASES / "course-review.json")
    document = json.loads(run(path)[0])
    assert document["review"]["recommendation"] == "modify"
    text = run("--explain", path)[0]
    assert "Review at visit 4 (4 done, 4 left): some_change, recommend modify" in text
    assert "adverse event bruising at visit 1" in text
