"""Benchmark the staff and patient pages: `python bench/pages_bench.py [N]` (default 50).

Loads the demo clinic into an in-memory SQLite database, signs in as the practitioner and
times N requests of each page through Django's test client, beside the same number of
requests of a minimal view that returns "ok" through the same middleware (the reference,
run in the same process, so the ratio holds whatever the machine). Each request is timed
in CPU time of this process (`time.process_time()`: the database is in-memory SQLite in
the same process, so nothing is waited for), which other work on a busy machine does not
inflate as it does wall-clock time. Prints the median of
each, its ratio to the reference and the goal. Speed is measured here, never asserted in
tests.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.table import Figure, ratio, report  # noqa: E402
from clinic.models import Episode  # noqa: E402
from intake import patient_views  # noqa: E402
from intake.models import create_invitation  # noqa: E402

settings.ROOT_URLCONF = "bench.pages_urls"
settings.ALLOWED_HOSTS = ["testserver"]

#: (page, ratio to the minimal view that is the goal), from the speed issue.
GOALS = {
    "patient list": 5,
    "patient record": 5,
    "episode": 5,
    "dashboard": 5,
    "exam form": 10,
    "plan builder": 6,
    "visit record form": 10,  # as large a form as the exam, the issue says: its goal
    "questionnaire step": 5,
}


#: "Unchanged" with a long course: within this ratio of the page before (noise included).
GROWN_GOAL = 1.2


def grow(episode: Episode) -> None:
    """The episode at the end of a long course: 10 plan versions and 100 visits recorded."""
    from django.contrib.auth import get_user_model

    from plans.models import approve_plan, revise_plan
    from tests.plans.builders import make_visits

    practitioner = get_user_model().objects.get(username="practitioner")
    while episode.plans.count() < 10:
        approve_plan(revise_plan(episode.plans.first(), by=practitioner), by=practitioner)
    make_visits(episode, practitioner, *([5] * (100 - episode.visits.count())), sign=True)


#: Statements per staff page, from the speed issue (the session, the user and their roles
#: included; transaction control is not counted). PostgreSQL adds one: the audit chain's lock.
QUERY_GOAL = 8
TRANSACTION = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def queries(client: Client, url: str) -> float:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        get(client, url)()
    return float(sum(not q["sql"].startswith(TRANSACTION) for q in captured))


def cpu_ms(run: Callable[[], object]) -> float:
    start = time.process_time()
    run()
    return (time.process_time() - start) * 1000


def median_ms(run: Callable[[], object], n: int) -> float:
    return statistics.median(cpu_ms(run) for _ in range(n))


#: Requests of one kind timed in a row, before the other kind's turn.
BLOCK = 5


def paired_ms(
    run: Callable[[], object], reference: Callable[[], object], n: int
) -> tuple[float, float]:
    """Median CPU ms of `run` and of `reference`, timed in turns of BLOCK requests each.

    Taking turns puts both in the same moments of the run, so a machine that slows down or
    speeds up halfway (other work on the other core, a frequency change) moves both figures
    and not their ratio; a turn of several requests lets each be timed as a server would
    serve it many times over, with its own code and data in the processor's caches.
    """
    pages: list[float] = []
    references: list[float] = []
    while len(pages) < n:
        pages += [cpu_ms(run) for _ in range(BLOCK)]
        references += [cpu_ms(reference) for _ in range(BLOCK)]
    return statistics.median(pages), statistics.median(references)


def get(client: Client, url: str) -> Callable[[], object]:
    def run() -> object:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return run


def pages() -> dict[str, tuple[Client, str]]:
    """Each page with a client allowed to see it."""
    from django.contrib.auth import get_user_model

    staff = Client()
    staff.force_login(get_user_model().objects.get(username="practitioner"))
    planned = Episode.objects.get(patient__last_name="Osei")
    flagged = Episode.objects.get(patient__last_name="Solberg")
    next_visit = planned.visits.count() + 1
    patient = Client()
    invitation, _ = create_invitation(flagged, by=None)
    session = patient.session
    session[patient_views.SESSION_INVITATION] = invitation.pk
    session[patient_views.SESSION_LINK_HASH] = invitation.token_hash
    session[patient_views.SESSION_VERIFIED] = invitation.pk
    session.save()
    return {
        "patient list": (staff, reverse("patient_list")),
        "patient record": (staff, planned.patient.get_absolute_url()),
        "episode": (staff, planned.get_absolute_url()),
        "dashboard": (staff, reverse("questionnaire_dashboard")),
        "exam form": (staff, reverse("exam_edit", args=[planned.pk])),
        "plan builder": (staff, reverse("plan_edit", args=[planned.pk])),
        "visit record form": (staff, reverse("visit_edit", args=[planned.pk, next_visit])),
        "questionnaire step": (patient, reverse("questionnaire_step", args=["pain"])),
    }


def course_pages(episode: Episode) -> dict[str, str]:
    """The course's staff pages, whose statements are counted too (not timed)."""
    signed = episode.visits.filter(signed_at__isnull=False).order_by("number").first()
    assert signed is not None, "the demo's planned episode has a signed visit"
    return {
        "course of care": reverse("course_detail", args=[episode.pk]),
        "a signed visit": reverse("visit_edit", args=[episode.pk, signed.number]),
        "progress report": reverse("progress_report", args=[episode.pk, "clinician"]),
    }


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    call_command("migrate", verbosity=0)
    call_command("load_demo", allow_production=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    every = pages()
    staff, _ = every["patient list"]
    reference = get(staff, "/bench/ok/")
    for client, url in every.values():  # warm the template and URL caches, as a server is
        get(client, url)()
    reference()
    print(f"pages: median CPU ms of {n} requests through the test client, in-memory SQLite,")
    print("each page's requests in turn with as many of the minimal view's")
    print(f"{'page':22}{'ms':>8}{'ok view':>9}{'x ok view':>11}{'goal':>7}")
    figures = []
    for name, (client, url) in every.items():
        ms, ref = paired_ms(get(client, url), reference, n)
        print(f"{name:22}{ms:8.2f}{ref:9.2f}{ms / ref:11.1f}{GOALS[name]:7}")
        figures.append(ratio("pages", name, ms, ref, GOALS[name], "minimal view"))
    counted = {name: url for name, (client, url) in every.items() if client is staff}
    counted |= course_pages(Episode.objects.get(patient__last_name="Osei"))
    statements = [
        Figure("queries", f"SQL statements, {name}", queries(staff, url), QUERY_GOAL, "queries")
        for name, url in counted.items()
    ]
    # The episode before and after its course grows, each beside the minimal view (the
    # two cannot take turns: growing it changes the database), compared as those ratios.
    plain, plain_ref = paired_ms(get(staff, every["episode"][1]), reference, n)
    grow(Episode.objects.get(patient__last_name="Osei"))
    grown, grown_ref = paired_ms(get(staff, every["episode"][1]), reference, n)
    print(
        f"episode page with 100 visits and 10 plan versions: {grown:.2f} ms, ok view "
        f"{grown_ref:.2f} ms (before: {plain:.2f} ms, ok view {plain_ref:.2f} ms)"
    )
    figures.append(Figure("pages", "episode, 100 visits and 10 plan versions",
                          (grown / grown_ref) / (plain / plain_ref), GROWN_GOAL, "x",
                          "the same page before, each against the minimal view",
                          f"{grown:.1f} ms"))  # fmt: skip
    print()
    report(figures + statements)


if __name__ == "__main__":
    main()
