"""Benchmark the clinical core: `python bench/assess_bench.py [N]` (default 10,000 cases).

Reports microseconds per case for loading (JSON parse + schema validation + dataclasses),
for the findings alone (`assess_findings()`), and for the whole document (`assess()`: findings
+ plan, then to dict), each with its
ratio to a reference run side by side: `json.loads` + `json.dumps` of the same case text.
Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.table import Figure, report  # noqa: E402
from intake.core.assessment import assess_findings  # noqa: E402
from intake.core.case import RED_FLAG_QUESTIONS, parse_case  # noqa: E402
from plans.core.assessment import assess, assessment_to_dict  # noqa: E402
from plans.core.propose import propose_plan  # noqa: E402

CASES = ROOT / "tests" / "intake" / "cases"
#: Rounds: in each, every run below is timed once, in turn, so that the reference and the
#: core see the same moments of the machine; each keeps its fastest round, the one least
#: disturbed by other work (as `timeit` advises: the slower readings are interference).
ROUNDS = 15


def fastest_rounds(runs: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Seconds of the fastest of ROUNDS rounds of each run, the runs taken in turn."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(ROUNDS):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def screened(text: str) -> str:
    """The case with every red-flag question answered (unasked ones "no"): no plan is
    proposed before the screen is complete, and the bench measures the proposal too."""
    document = json.loads(text)
    history = document.setdefault("history", {})
    answers = history.setdefault("red_flags", {})
    for question in RED_FLAG_QUESTIONS:
        answers.setdefault(question, False)
    return json.dumps(document)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    samples = [screened(p.read_text(encoding="utf-8")) for p in sorted(CASES.glob("*.json"))]
    texts = [samples[i % len(samples)] for i in range(n)]
    cases = [parse_case(t) for t in texts]
    assessments = [assess_findings(c) for c in cases]

    def reference() -> None:
        for t in texts:
            json.dumps(json.loads(t))

    def load() -> None:
        for t in texts:
            parse_case(t)

    def assess_only() -> None:
        for c in cases:
            assess_findings(c)

    def document() -> None:
        for c in cases:
            assessment_to_dict(assess(c))

    def plan_only() -> None:
        for a, c in zip(assessments, cases, strict=True):
            propose_plan(a, c)

    seconds = fastest_rounds({
        "reference: json.loads + json.dumps": reference,
        "load (parse + validate + build)": load,
        "findings only (assess_findings)": assess_only,
        "plan only (propose_plan)": plan_only,
        "assess + plan + to dict": document,
    })  # fmt: skip
    ref = seconds["reference: json.loads + json.dumps"]
    print(f"{n:,} cases ({len(samples)} sample cases in rotation), fastest of {ROUNDS} rounds")
    print(f"{'':34}{'total s':>9}{'us/case':>10}{'x reference':>13}")
    for name, taken in seconds.items():
        print(f"{name:34}{taken:9.3f}{taken / n * 1e6:10.1f}{taken / ref:13.2f}")
    load_s = seconds["load (parse + validate + build)"]
    document_s = seconds["assess + plan + to dict"]
    print()
    report([
        Figure("core", "loading one case (parse, validate, build)", load_s / ref, 3, "x",
               "json.loads + json.dumps", f"{load_s / n * 1e6:.0f} us"),
        Figure("core", "assess + plan + to dict, per case", document_s / n * 1e6, 60, "us",
               "json.loads + json.dumps", f"{document_s / ref:.2f}x"),
    ])  # fmt: skip


if __name__ == "__main__":
    main()
