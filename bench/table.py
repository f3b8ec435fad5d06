"""One table for every benchmark: each figure beside its goal, and "met" or "not met".

Each bench script measures a thing and its reference side by side in one run and reports
`Figure`s through `report()`, which prints them; `bench/run.py` (`make bench`) runs every
script and prints all their figures as one table. A figure is either a ratio to a
reference run in the same process (the goal is "at most so many times the reference") or
an absolute reading with a unit (milliseconds of database time, megabytes, queries).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

#: Where `bench/run.py` collects the figures of the scripts it runs (one JSON per line).
FIGURES_FILE = "BENCH_FIGURES"


@dataclass(frozen=True)
class Figure:
    group: str  # "pages", "pdf", "core", "search", "start-up"
    what: str
    value: float  # the reading: a ratio when `unit` is "x", else in `unit`
    goal: float  # at most this
    unit: str = "x"
    against: str = ""  # the reference of a ratio ("minimal view", "1-page letter", ...)
    detail: str = ""  # the raw reading behind a ratio, e.g. "37.4 ms"

    @property
    def met(self) -> bool:
        return self.value <= self.goal


def ratio(group: str, what: str, ms: float, reference_ms: float, goal: float, against: str,
          unit: str = "ms") -> Figure:  # fmt: skip
    return Figure(group, what, ms / reference_ms, goal, "x", against, f"{ms:.1f} {unit}")


def line(figure: Figure) -> str:
    if figure.unit == "x":
        value, goal = f"{figure.value:.1f}x", f"<= {figure.goal:g}x"
    else:
        value, goal = f"{figure.value:.1f} {figure.unit}", f"<= {figure.goal:g} {figure.unit}"
    verdict = "met" if figure.met else "NOT MET"
    against = f"vs {figure.against}" if figure.against else ""
    reading = f"  ({', '.join(filter(None, [figure.detail, against]))})" if figure.detail else ""
    return f"{figure.what:50}{value:>12}{goal:>14}  {verdict:8}{reading}"


def header() -> str:
    return f"{'what':50}{'now':>12}{'goal':>14}  {'verdict':8}  (reading, reference)"


def report(figures: list[Figure]) -> None:
    """Print the figures; also hand them to `bench/run.py` when it is the caller."""
    print(header())
    for figure in figures:
        print(line(figure))
    if path := os.environ.get(FIGURES_FILE):
        with open(path, "a", encoding="utf-8") as out:
            for figure in figures:
                out.write(json.dumps(asdict(figure)) + "\n")


def read(path: str) -> list[Figure]:
    with open(path, encoding="utf-8") as lines:
        return [Figure(**json.loads(text)) for text in lines if text.strip()]
