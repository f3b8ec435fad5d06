"""Time `manage.py assess` from a cold start: `python bench/startup_bench.py`.

Runs `manage.py assess` on one sample case as a new process, best of five, beside a new
process that only calls `django.setup()` with the same settings (the reference), and
counts the PDF stack's modules that the command imported (goal: none, since it makes no
PDF). Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.table import Figure, ratio, report  # noqa: E402

CASE = ROOT / "tests" / "intake" / "cases" / "VIG-01.json"
SETUP = "import django; django.setup()"
#: Run the command in-process, then list the PDF stack's modules it pulled in.
ASSESS = (
    "import sys, django; django.setup();"
    "from django.core.management import call_command;"
    f"call_command('assess', {str(CASE)!r}, stdout=open('/dev/null', 'w'));"
    "print(sum(m.split('.')[0] in ('weasyprint', 'pydyf', 'tinycss2', 'cssselect2')"
    " for m in sys.modules))"
)
RUNS = 5


def best_ms(command: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def main() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "clinic.settings", "DEBUG": "1"}
    env.setdefault("DATABASE_URL", "sqlite://:memory:")
    setup = best_ms([sys.executable, "-c", SETUP], env)
    assess = best_ms([sys.executable, "manage.py", "assess", str(CASE)], env)
    pdf_modules = subprocess.run(
        [sys.executable, "-c", ASSESS], env=env, cwd=ROOT, check=True, capture_output=True,
        text=True,
    ).stdout.split()[-1]  # fmt: skip
    report([
        ratio("start-up", "manage.py assess start-up", assess, setup, 2, "django.setup()"),
        Figure("start-up", "PDF modules imported by manage.py assess", float(pdf_modules), 0,
               "modules"),
    ])  # fmt: skip


if __name__ == "__main__":
    main()
