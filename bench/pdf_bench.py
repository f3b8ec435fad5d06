"""Benchmark the printed documents: `python bench/pdf_bench.py [N]` (default 50 rounds).

Renders the patient copy of a typical plan (8 visits, three modalities, exercises and
advice; two A4 pages), template and PDF, without the cache, and prints the median time and
its ratio to a one-page reference PDF (a short letter in the same stylesheet and fonts)
rendered in the same run (goal: 3 times). A long plan (twelve visits, 90 exercises and 90
pieces of advice: nine pages) is timed against the two-page one (goal: 4 times), and the
progress report of the typical plan's course at its review visit (outcomes table and trend
chart: one page) against the letter (goal: 3 times, as the two-page plan).

Times are this process's CPU time (a render is single-threaded work in this process: Python,
Pango, HarfBuzz), so that other programs on a shared machine do not enter the figures, and
the documents are rendered in turn within each round (the long plan every other round), so
that what does vary (caches, frequency) touches each of them alike; the garbage collector
runs before each render, so that no render pays for collecting another's garbage (the long
plan leaves the most). Speed is measured
here, never asserted in tests.
"""

from __future__ import annotations

import datetime
import gc
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from bench.table import Figure, ratio, report  # noqa: E402
from clinic.models import Episode, Patient  # noqa: E402
from intake.core.case import RED_FLAG_QUESTIONS  # noqa: E402
from intake.models import Exam  # noqa: E402
from plans.models import approve_plan, record_diagnosis, save_draft  # noqa: E402
from plans.pdf import plan_html  # noqa: E402
from plans.render import render_pdf  # noqa: E402
from plans.visit_views import progress_html  # noqa: E402
from plans.visits import save_visit  # noqa: E402

PARAGRAPH = (
    "<p>Thank you for coming to the clinic this week. This letter sums up what we talked "
    "about, so that you have it in writing and can share it with your family or your GP if "
    "you wish. Please bring it with you to your next appointment, together with any notes "
    "you have made about how your leg has felt from day to day.</p>"
)
#: One full A4 page in the same stylesheet and fonts: a letter with a short list.
REFERENCE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Letter</title></head>'
    '<body class="letter"><header class="letterhead"><div class="clinic">'
    '<div class="clinic-name">Willow Lane Acupuncture</div><div>12 Willow Lane<br>Exampleton'
    "</div><div>Tel. 01632 960000</div></div></header>"
    '<p class="letter-date">2 March 2026</p><h1>After your visit</h1>'
    + PARAGRAPH
    * 6
    + "<ul><li>&bull;&nbsp;Walk a little, often.</li>"
    "<li>&bull;&nbsp;Use a cushion on hard seats.</li>"
    "<li>&bull;&nbsp;Note your leg pain each evening.</li></ul>"
    + PARAGRAPH
    * 3
    + '<p class="signature">Yours sincerely,<br><br><strong>Mira Okafor</strong></p>'
    "</body></html>"
)
#: A near-empty page: the fixed cost of any render, reported alongside.
BLANK = '<!doctype html><html><head><meta charset="utf-8"><title>x</title></head><p>x</p></html>'


#: A long course of home care: the printed plan runs to about ten A4 pages.
LONG_EXERCISES = [
    f"Exercise {n}: lie on your back with your knees bent and slowly slide one heel away "
    "from you, then back, ten times on each side, stopping before the leg pain returns."
    for n in range(1, 91)
]
LONG_ADVICE = [
    f"Advice {n}: change position at least every half hour when you sit, and stand up to "
    "walk a few steps; keep a note of what eases the leg and bring it to your next visit."
    for n in range(1, 91)
]


def a_typical_plan(*, long: bool = False):
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"first_name": "Mira", "last_name": "Okafor"}
    )
    patient = Patient.objects.create(
        first_name="Zoë", last_name="Marchetti", date_of_birth=datetime.date(1986, 4, 12)
    )
    episode = Episode.objects.create(patient=patient, chief_complaint="Right leg pain")
    Exam.objects.create(
        episode=episode,
        version=1,
        history={"duration_weeks": 3, "side": "right", "leg_pain_worse_than_back": True,
                 "pain_regions": ["buttock", "shin", "foot"], "leg_pain_now": 6,
                 "aggravating": ["sitting"], "trigger": "lifting", "conditions": [],
                 "red_flags": dict.fromkeys(RED_FLAG_QUESTIONS, False)},
        findings={"slr": {"right": {"result": "positive", "angle_deg": 40}},
                  "strength": {"ankle_dorsiflexion": {"right": 4, "left": 5}},
                  "sensation": {"L5": {"right": "reduced"}}},
    )  # fmt: skip
    record_diagnosis(
        episode, cause="disc_herniation", proposed_cause="disc_herniation", reason="",
        exam_version=1, by=user,
    )  # fmt: skip
    fields = {
        "modalities": [
            {"code": "acupuncture"},
            {"code": "electroacupuncture", "frequency_hz": 2, "minutes": 20},
            {"code": "cupping", "method": "stationary", "area": "Lower back"},
        ],
        "points": ["BL23", "BL25", "GB30", "BL40", "GB34", "GB39"],
        "session_minutes": 20,
        "visits_per_week": 2,
        "total_visits": 8,
        "reassess_at_visit": 4,
        "start_date": datetime.date(2026, 3, 2),
        "exercises": ["Walk at an easy pace for a few minutes several times a day."],
        "advice": ["Use a cushion on hard seats.", "Note your leg pain each evening."],
    }
    if long:
        fields |= {"total_visits": 12, "exercises": LONG_EXERCISES, "advice": LONG_ADVICE}
    return approve_plan(save_draft(episode, fields=fields, by=user), by=user)


def a_course_at_its_review(plan) -> Episode:
    """The typical plan's first four visits done, leg pain easing, the review due."""
    for number, leg in enumerate((6, 5, 4, 3), start=1):
        save_visit(
            plan.episode, number=number, date=plan.visit_dates()[number - 1],
            record={"position": "prone", "modalities": [{"code": "acupuncture"}],
                    "overrides": {}, "session_minutes": 20, "adverse_events": [],
                    "adherence": "most", "soap": {"s": "", "o": "", "a": "", "p": ""},
                    "red_flags": dict.fromkeys(RED_FLAG_QUESTIONS, False),
                    "leg_pain_before": leg, "back_pain_before": 3},
            measures={}, opened_at_version=0, by=plan.approved_by,
        )  # fmt: skip
    return plan.episode


def medians_ms(runs: dict[str, Callable[[], object]], rounds: int, *, every: dict[str, int]
               ) -> dict[str, float]:  # fmt: skip
    """Each run's median time over `rounds` rounds, the runs taken in turn within a round
    (a run in `every` only every so many rounds)."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for n in range(rounds):
        for name, run in runs.items():
            if n % every.get(name, 1):
                continue
            gc.collect()  # none of the previous document's garbage is collected in this one
            start = time.process_time()
            run()
            times[name].append((time.process_time() - start) * 1000)
    return {name: statistics.median(taken) for name, taken in times.items()}


def pages_of(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def rss_mb() -> float:
    """This process's resident memory, from /proc (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    call_command("migrate", verbosity=0)
    plan = a_typical_plan()
    long_plan = a_typical_plan(long=True)
    course = a_course_at_its_review(plan)
    render_pdf(REFERENCE, "a4")  # parse the stylesheet and load the fonts once, as a server does

    def the_plan() -> bytes:
        return render_pdf(plan_html(plan, "patient", "a4"), "a4")

    def the_long_plan() -> bytes:
        return render_pdf(plan_html(long_plan, "patient", "a4"), "a4")

    def the_progress_report() -> bytes:
        html = progress_html(course, "patient", "a4")
        assert html is not None, "the course has no review to report"
        return render_pdf(html, "a4")

    medians = medians_ms(
        {
            "reference": lambda: render_pdf(REFERENCE, "a4"),
            "plan": the_plan,
            "long": the_long_plan,
            "progress": the_progress_report,
            "blank": lambda: render_pdf(BLANK, "a4"),
        },
        n,
        every={"long": 2},
    )
    plan_ms, long_ms, reference_ms = medians["plan"], medians["long"], medians["reference"]
    pages, progress_pages = pages_of(the_long_plan()), pages_of(the_progress_report())
    print(
        f"plan PDF (patient copy, A4, {pages_of(the_plan())} pages): "
        f"median {plan_ms:.0f} ms of CPU over {n} renders"
    )
    print(f"one-page reference PDF (full letter): median {reference_ms:.0f} ms")
    print(f"long plan PDF ({pages} pages): median {long_ms:.0f} ms")
    print(
        f"progress report PDF (patient copy, {progress_pages} page(s), with its chart): "
        f"median {medians['progress']:.0f} ms"
    )
    print(f"for scale, a near-empty page: median {medians['blank']:.0f} ms")
    before = rss_mb()
    for _ in range(200):
        the_plan()
    grown = rss_mb() - before
    print(f"memory over 200 renders of the plan: {grown:+.1f} MB")
    print()
    report([
        ratio("pdf", "2-page plan PDF", plan_ms, reference_ms, 3, "1-page letter"),
        ratio("pdf", f"{pages}-page plan PDF", long_ms, plan_ms, 4, "2-page plan"),
        ratio("pdf", f"{progress_pages}-page progress report PDF, with its chart",
              medians["progress"], reference_ms, 3, "1-page letter"),
        Figure("pdf", "memory growth over 200 plan renders", grown, 20, "MB"),
    ])  # fmt: skip


if __name__ == "__main__":
    main()
