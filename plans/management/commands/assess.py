"""`python manage.py assess FILE`: run the clinical core on one case file.

Prints the `sciatica-assessment/1` document as JSON (indent 2), or with `--explain` the
same content as readable text. An invalid case (unreadable file, not JSON, not a valid
`sciatica-case/1`) gets one line on stderr with the JSON path and the reason, and exit
status 2; never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from intake.core.case import CaseError, parse_case
from plans.core.assessment import assessment_document

INVALID_CASE = 2


def _read(file: str) -> bytes:
    if file == "-":
        stream = getattr(sys.stdin, "buffer", None)
        return stream.read() if stream is not None else sys.stdin.read().encode()
    try:
        return Path(file).read_bytes()
    except OSError as exc:
        raise CaseError("$", f"cannot read {file}: {exc.strerror or exc}") from None


class Command(BaseCommand):
    help = "Assess a sciatica case (sciatica-case/1 JSON; '-' reads stdin)."
    # The core reads no model, URL or template: the system checks, which import every
    # view (and with them the FHIR and PDF libraries), would double the start-up.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the case JSON file, or - for standard input")
        parser.add_argument(
            "--explain", action="store_true", help="print readable text instead of JSON"
        )

    def handle(self, *args: Any, file: str, explain: bool, **options: Any) -> None:
        try:
            case = parse_case(_read(file))
        except CaseError as exc:
            message = f"invalid case: {exc.path}: {exc.reason}"
            self.stderr.write(" ".join(message.split()))  # always one line
            sys.exit(INVALID_CASE)
        document = assessment_document(case)
        if explain:
            self.stdout.write(explain_text(document))
        else:
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))


# --- readable text -------------------------------------------------------------------------


def _flags(title: str, flags: list[dict[str, Any]], lines: list[str]) -> None:
    if not flags:
        lines.append(f"{title}: none")
        return
    lines.append(f"{title}:")
    for flag in flags:
        urgency = f" ({flag['urgency']})" if "urgency" in flag else ""
        lines.append(f"  {flag['code']}{urgency}")
        lines.extend(f"    - {e}" for e in flag["evidence"])
        lines.append(f"    sources: {'; '.join(flag['sources'])}")


def _scores(s: dict[str, Any]) -> list[str]:
    def given(value: Any) -> str:
        return "-" if value is None else str(value)

    out = []
    odi = s["odi"]
    out.append(
        "ODI: not scored"
        if odi is None
        else f"ODI: {odi['percent']}% ({odi['band']}, {odi['sections_answered']} sections)"
    )
    out.append("RMDQ: not given" if s["rmdq"] is None else f"RMDQ: {s['rmdq']['score']}/24")
    sb = s["start_back"]
    out.append(
        "STarT Back: not scored"
        if sb is None
        else f"STarT Back: total {sb['total']}/9, psychosocial {sb['psychosocial']}/5, "
        f"{sb['risk']} risk"
    )
    out.append("SBI: not scored" if s["sbi"] is None else f"SBI: {s['sbi']['total']}/24")
    n = s["nprs"]
    out.append(
        f"NPRS: leg now {given(n['leg_now'])}, worst {given(n['leg_worst'])}, "
        f"best {given(n['leg_best'])}; back now {given(n['back_now'])}"
    )
    k = s["konno_lss"]
    out.append(
        "Konno LSS: not computed (history items missing)"
        if k is None
        else f"Konno LSS: {k['points']} ({'suggests' if k['suggests_lss'] else 'does not suggest'}"
        " LSS)"
    )
    out.append(f"Cook LSS cluster: {s['cook_lss']['positive']}/{s['cook_lss']['of']}")
    return out


def _plan(plan: dict[str, Any] | None, lines: list[str], disposition: str) -> None:
    if plan is None:
        if disposition == "treat":
            lines.append("Plan: none until every red-flag question has been answered")
        else:
            lines.append("Plan: none (refer instead of treating)")
        return
    lines.append(f"Plan (following {plan['cause'] or 'no clear cause'}):")
    lines.append(f"  modalities: {', '.join(plan['modalities']) or 'none'}")
    for e in plan["excluded"]:
        lines.append(
            f"  excluded {e['modality']} because {e['because']}: {e['why']} [{e['source']}]"
        )
    for p in plan["precautions"]:
        lines.append(
            f"  precaution ({', '.join(p['modalities'])}) because {p['because']}: {p['why']}"
            f" [{p['source']}]"
        )
    lines.append(
        f"  {plan['session_minutes']} min sessions, {plan['visits_per_week']} a week, "
        f"{plan['total_visits']} visits; reassess at visit {plan['reassess_at_visit']}"
    )
    lines.append(f"  points: {', '.join(plan['points']) or 'none'}")
    if plan["avoid_points"]:
        lines.append(f"  never needle: {', '.join(plan['avoid_points'])}")
    lines.extend(f"  exercise: {text}" for text in plan["exercises"])
    lines.extend(f"  advice: {text}" for text in plan["advice"])
    for r in plan["referral_reasons"]:
        lines.append(f"  refer to {r['to']}: {r['why']} [{r['source']}]")


def _review(review: dict[str, Any] | None, lines: list[str]) -> None:
    if review is None:
        return
    lines.append(
        f"Review at visit {review['at_visit']} ({review['visits_done']} done, "
        f"{review['visits_left']} left): {review['verdict']}, recommend "
        f"{review['recommendation']}"
    )
    for code, c in review["changes"].items():
        percent = "" if c["percent"] is None else f", {c['percent']:+g} %"
        meaningful = "meaningful" if c["meaningful"] else "not meaningful"
        lines.append(
            f"  {code}: {c['baseline']:g} to {c['latest']:g} ({c['change']:+g}{percent}; "
            f"{meaningful})"
        )
    lines.extend(f"  - {r['why']} [{r['source']}]" for r in review["why"])
    for event in review["adverse_events"]:
        visits = ", ".join(str(n) for n in event["at_visits"])
        lines.append(f"  adverse event {event['code']} at visit {visits}")


def explain_text(doc: dict[str, Any]) -> str:
    """The assessment document as text a practitioner reads top to bottom."""
    lines = [f"Disposition: {doc['disposition']}"]
    _flags("Red flags", doc["red_flags"], lines)
    _flags("Suspected non-spinal cause", doc["gp_flags"], lines)
    _flags("Amber flags (recorded, not blocking)", doc["amber_flags"], lines)
    lines.append(f"Chronicity: {doc['chronicity']}")
    lines.append("Scores:")
    lines.extend(f"  {line}" for line in _scores(doc["scores"]))
    lines.append("Causes, best first:")
    for rank, cause in enumerate(doc["causes"], start=1):
        points = f"{cause['points']} point{'' if abs(cause['points']) == 1 else 's'}"
        lines.append(f"  {rank}. {cause['code']}: {cause['likelihood']} ({points})")
        for e in cause["evidence"]:
            lines.append(f"       {e['effect']:+d} {e['finding']}: {e['why']} [{e['source']}]")
    root = doc["root"]
    lines.append(f"Root: {root['level'] or 'not determined'}, side {root['side'] or 'unknown'}")
    lines.extend(f"  - {e}" for e in root["evidence"])
    _plan(doc["plan"], lines, doc["disposition"])
    _review(doc.get("review"), lines)
    return "\n".join(lines)
