"""Time the patient list and search at a clinic's scale, on the database in DATABASE_URL.

    DEBUG=1 DATABASE_URL=postgres://... manage.py seed_patients --count 100000
    DEBUG=1 DATABASE_URL=postgres://... python bench/search_bench.py

For each search the front desk types (none, a name, a phone fragment, a date of birth) it
runs the patient list's own queries (`clinic.views.patient_page`) 200 times and prints the
database time per page, median and p95, beside the goal (5 ms p95); with `--plans`, the
plan of each of those queries as PostgreSQL ran it (EXPLAIN ANALYZE). Measured here, never
asserted in tests (tests/clinic/test_search_index.py reads the plans).

`seed_patients` leaves fresh statistics behind; after changing rows by other means, run
`VACUUM ANALYZE` first or the planner works from none (autovacuum may be off on a scratch
server, as it is in CI).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from bench.table import Figure, report  # noqa: E402
from clinic.models import Patient  # noqa: E402
from clinic.views import patient_page  # noqa: E402

#: Pages timed per search: the p95 of 50 was the third-slowest page, and one stall of the
#: machine moved it by several milliseconds from run to run; of 200 it is the tenth.
RUNS = 200
#: Pages asked for before each search is timed (the first after seeding read cold pages).
WARM_UP = 5
GOAL_MS = 5.0


def database_ms(run: Callable[[], object]) -> tuple[float, int]:
    """Milliseconds spent in the database while `run` runs, and how many queries."""
    times: list[float] = []

    def timed(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            times.append((time.perf_counter() - start) * 1000)

    with connection.execute_wrapper(timed):
        run()
    return sum(times), len(times)


def queries(run: Callable[[], object]) -> list[tuple[str, Any]]:
    """The SQL that `run` sends, with its parameters."""
    sent: list[tuple[str, Any]] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        run()
    return sent


def print_plans(query: str) -> None:
    """Each query of the list's page, as PostgreSQL ran it."""
    with connection.cursor() as cursor:
        for sql, params in queries(lambda: patient_page(query, show_archived=False, number=1)):
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params)
            print("\n".join(row[0] for row in cursor.fetchall()), end="\n\n")


def main() -> None:
    total = Patient.objects.count()
    someone = Patient.objects.order_by("pk")[total // 2]
    searches = {
        "no search term": "",
        "a name (zoe)": "zoe",
        "a phone fragment": someone.phone_digits[-6:],
        "a date of birth": someone.date_of_birth.strftime("%d/%m/%Y"),
    }
    print(f"{total:,} patients on {connection.vendor}; database time per page, {RUNS} runs")
    print(f"{'search':22}{'queries':>8}{'median ms':>11}{'p95 ms':>9}{'goal':>8}  ")
    plans = {}
    figures = []
    for name, query in searches.items():
        for _ in range(WARM_UP):  # the server's caches warm, as a clinic's are by 8 a.m.
            patient_page(query, show_archived=False, number=1)
        runs = [database_ms(lambda q=query: patient_page(q, show_archived=False, number=1))
                for _ in range(RUNS)]  # fmt: skip
        per_page = [ms for ms, _ in runs]
        p95 = statistics.quantiles(per_page, n=20)[-1]
        verdict = "met" if p95 <= GOAL_MS else "not met"
        print(f"{name:22}{runs[0][1]:8}{statistics.median(per_page):11.2f}{p95:9.2f}"
              f"{GOAL_MS:7.0f}  {verdict}")  # fmt: skip
        plans[name] = query
        figures.append(Figure("search", f"patient search at {total:,}: {name}, p95", p95,
                              GOAL_MS, "ms"))  # fmt: skip
    print()
    report(figures)
    if connection.vendor == "postgresql" and "--plans" in sys.argv:
        for name, query in plans.items():
            print(f"\n-- {name}: the count, then the page with its rows' episodes")
            print_plans(query)


if __name__ == "__main__":
    main()
