"""Time `manage.py assess` from a cold start: `python bench/startup_bench.py`.

Runs `manage.py assess` on one sample case as a new process, in turns with a new process
that only calls `django.setup()` with the same settings (the reference), ten of each, and
takes the least CPU time (user and system) each child used: what other work on the machine
does to a run lengthens its wall time far more than its CPU time, and taking turns puts
both in the same moments. Counts the PDF stack's modules that the command imported (goal:
none, since it makes no PDF). Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
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
RUNS = 10


def cpu_ms(command: list[str], env: dict[str, str]) -> float:
    """The CPU time (user and system) of one run of `command` as a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000


def main() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "clinic.settings", "DEBUG": "1"}
    env.setdefault("DATABASE_URL", "sqlite://:memory:")
    commands = {
        "setup": [sys.executable, "-c", SETUP],
        "assess": [sys.executable, "manage.py", "assess", str(CASE)],
    }
    runs: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(RUNS):
        for name, command in commands.items():
            runs[name].append(cpu_ms(command, env))
    setup, assess = min(runs["setup"]), min(runs["assess"])
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
