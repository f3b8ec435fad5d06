"""`make bench`: run every benchmark and print one table of figures against their goals.

    python bench/run.py            # the table only
    python bench/run.py -v         # each script's own output too

Every figure is measured beside its reference in the same run (a minimal view through the
same middleware, a one-page letter, the JSON round trip of the same case), so a ratio holds
on a slower or busier machine; absolute readings (database milliseconds, megabytes) say
so in their unit. The patient search runs at 100,000 patients on PostgreSQL when
BENCH_DATABASE_URL names a database that `manage.py seed_patients` filled (CI does), and
the load run (`bench/load.py`, about a minute and a half) on PostgreSQL when
LOAD_DATABASE_URL names a scratch database for it (CI does); without them, those parts
are skipped and say so. The scripts exit 0 whatever they measure:
figures are printed, not judged, and the table ends with how many goals were met.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.table import FIGURES_FILE, header, line, read  # noqa: E402

SCRIPTS = ["pages_bench.py", "pdf_bench.py", "assess_bench.py", "startup_bench.py"]


def run(script: str, env: dict[str, str], verbose: bool) -> None:
    done = subprocess.run(
        [sys.executable, str(HERE / script)], env=env, capture_output=True, text=True
    )
    if verbose or done.returncode:
        print(f"\n== {script}\n{done.stdout}{done.stderr}", end="")
    if done.returncode:
        print(f"{script} failed (exit {done.returncode}); its figures are missing below")


def interpreter() -> str:
    """Which Python ran the figures: the core's are absolute microseconds, and two builds
    of the same CPython version can run the same instructions at different speeds."""
    return f"Python {platform.python_version()} ({os.path.realpath(sys.executable)})"


def main() -> None:
    verbose = "-v" in sys.argv
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as handle:
        figures_path = handle.name
    env = {**os.environ, FIGURES_FILE: figures_path}
    env.pop("DATABASE_URL", None)  # each script picks its own database
    for script in SCRIPTS:
        run(script, env, verbose)
    search = os.environ.get("BENCH_DATABASE_URL")
    if search:
        run("search_bench.py", {**env, "DATABASE_URL": search, "DEBUG": "1"}, verbose)
    load = os.environ.get("LOAD_DATABASE_URL")
    if load:
        run("load.py", {**env, "LOAD_DATABASE_URL": load}, verbose)
    figures = read(figures_path)
    os.unlink(figures_path)
    print()
    print(interpreter())
    print(header())
    group = None
    for figure in figures:
        if figure.group != group:
            group = figure.group
            print(f"-- {group}")
        print(line(figure))
    if not search:
        print("-- search: skipped (set BENCH_DATABASE_URL to a database seed_patients filled)")
    if not load:
        print("-- load run: skipped (set LOAD_DATABASE_URL to a scratch PostgreSQL database)")
    met = sum(f.met for f in figures)
    print(f"\n{met} of {len(figures)} goals met")


if __name__ == "__main__":
    main()
