"""The load run (`make load`): the clinic's pages under concurrent use, served as in production.

    python bench/load.py                                   # a temporary SQLite file
    LOAD_DATABASE_URL=postgres://.../scratch python bench/load.py   # a scratch PostgreSQL
    python bench/load.py --seconds 20 --clients 4 --pdfs superseded
    python bench/load.py --rate 4                          # paced clients, 4 requests/s each

It migrates a scratch database and loads the demo clinic into it (`migrate`, `load_demo`;
on PostgreSQL the database must exist and be a scratch one: the demo logins are added to
it), collects the static files, and starts gunicorn with the project's gunicorn.conf.py,
2 workers, DEBUG off, on a free loopback port. From this process (not the server's), each
client signs in as the demo practitioner with the password (the demo accounts have no
second factor and the demo clinic does not require one: nothing is bypassed), opens the
patient's questionnaire link and confirms the date of birth, as a patient does, and then
asks in turn for the patient list, an episode and a questionnaire step for `--seconds`:
first alone, then while one more client prints plan PDFs in a loop, without pause.

By default the clients ask without pause, each again the moment its answer is in (the
speed issue's "4 concurrent clients"): the server is saturated, and a page waits behind
every other client's request, so the fifth client's requests add to each page's time
(about a quarter more when they cost what a page does), whatever they are. `--rate N`
paces the clients instead: each asks at N requests a second on average, each request due
at a random time (exponential gaps) and timed from when it was due, so that a request held
up behind a slow answer counts its wait; the run then measures the capacity first and
prints the pace as a share of it. The printing client asks without pause unless
`--pdf-rate` paces it: against paced clients it keeps one of the 2 workers busy all the
time, so that the pages share the other.

By default (`--pdfs current`) it prints the current version of every approved plan in the
demo, each variant on each paper in turn, as the front desk does: served from the copies
kept, which are rendered before the run as approving a plan in the builder renders them
(the demo's plans are approved outside it), so that none is rendered while the run
measures. The worst case, `--pdfs superseded`, prints a superseded version, which is
rendered on every request (marked superseded), so that each print is the full cost of
WeasyPrint in a worker.

Prints the pace, then per page and for each run requests per second, p50, p95 and errors,
and the ratio of p95 with the PDFs printing to p95 without; the goals (p95 <= 100 ms on
the list and episode pages, no errors, <= 1.3x while PDFs print) are reported through
bench/table.py.
It takes about a minute and a half; `make bench` runs it when LOAD_DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.table import Figure, report  # noqa: E402

WORKERS = 2
PAGES = ("patient list", "episode", "questionnaire step")
PDF = "plan PDF"
GOAL_P95_MS = 100.0  # the list and episode pages, from the speed issue
GOAL_RATIO = 1.3  # p95 while PDFs print, to p95 without
SLICE_SECONDS = 5.0
#: Requests a second each client asks for, on average, by default: 0, each client asks
#: again the moment its answer is in (the issue's "4 concurrent clients"). `--rate 4` paces
#: them: with 4 clients, 16 a second, about a quarter of what 2 workers answer here.
RATE = 0.0
CAPACITY_SECONDS = 5.0
PRINTED = {
    "superseded": "a superseded version's, rendered on every request",
    "current": "the current versions', each variant and paper",
}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class Demo:
    """What the clients ask for, found in the demo clinic once it is loaded."""

    urls: dict[str, str]  # page -> path
    pdfs: dict[str, tuple[str, ...]]  # "superseded", "current" -> the PDFs' paths
    link: str  # the questionnaire link's path, with its token
    born: tuple[int, int, int]  # the patient's date of birth (day, month, year)


def prepare(workdir: Path, database_url: str) -> tuple[dict[str, str], Demo]:
    """The server's environment, and the demo clinic loaded into its database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback, no TLS proxy in front
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "GUNICORN_WORKERS": str(WORKERS),
        "GUNICORN_ACCESS_LOG": str(workdir / "access.log"),
        "GUNICORN_ERROR_LOG": "-",  # with Django's log, in server.log
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse

    from clinic.models import Episode
    from intake.models import create_invitation
    from plans.models import PlanPdf, TreatmentPlan, approve_plan, revise_plan
    from plans.pdf import keep_printed_copies, variants_for

    quiet = open(os.devnull, "w")  # noqa: SIM115  (closed below)
    call_command("migrate", verbosity=0)
    call_command("load_demo", allow_production=True, stdout=quiet)
    call_command("collectstatic", interactive=False, verbosity=0)
    quiet.close()
    planned = Episode.objects.get(patient__last_name="Osei")
    flagged = Episode.objects.get(patient__last_name="Solberg")
    _, token = create_invitation(flagged, by=None)
    # A version replaced by a newer one is printed afresh each time (marked superseded).
    revised = Episode.objects.get(patient__last_name="Hartmann")
    old = revised.plans.filter(status=TreatmentPlan.Status.APPROVED).get()
    practitioner = revised.practitioner
    approve_plan(revise_plan(old, by=practitioner), by=practitioner)
    born = flagged.patient.date_of_birth
    urls = {
        "patient list": reverse("patient_list"),
        "episode": planned.get_absolute_url(),
        "questionnaire step": reverse("questionnaire_step", args=["pain"]),
    }
    current = TreatmentPlan.objects.filter(status=TreatmentPlan.Status.APPROVED).order_by("pk")
    # The demo's plans are approved outside the builder: keep their copies as approving one
    # in the builder does (plans.pdf.print_ahead), so that no print of them renders.
    for plan in current:
        keep_printed_copies(plan.pk)
    pdfs = {
        "superseded": (reverse("plan_print", args=[old.pk, "patient", "a4"]),),
        "current": tuple(
            reverse("plan_print", args=[plan.pk, variant, paper])
            for plan in current
            for variant in variants_for(plan)
            for paper in PlanPdf.Paper.values
        ),
    }
    link = reverse("questionnaire_link", args=[token])
    demo = Demo(urls, pdfs, link, (born.day, born.month, born.year))
    connection.close()
    return env, demo


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], port: int, log: IO[bytes]) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(  # noqa: S603 - our own server, our own arguments
        [str(gunicorn), "clinic.wsgi", "--config", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=log,
        stderr=subprocess.STDOUT,  # Django's own log (errors with their traceback) too
    )
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 30 s")


class Browser:
    """One person's browser: its own connection and cookies; redirects not followed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
            content = response.read()
        except (http.client.HTTPException, OSError):
            self.connection.close()  # the next request opens a new connection
            raise
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in cookie.lower():
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        if response.will_close:
            self.connection.close()
        return response.status, dict(response.headers.items()), content

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """Post the form on `path` with its CSRF token, as the browser would."""
        status, _, page = self.get(path)
        found = CSRF.search(page.decode())
        if status != 200 or found is None:
            raise SystemExit(f"No form at {path} (status {status})")
        return self.request("POST", path, {"csrfmiddlewaretoken": found.group(1), **fields})


def sign_in(port: int, demo: Demo) -> Browser:
    """The practitioner's sign-in and the patient's link, as each does it."""
    browser = Browser(port)
    login = "/accounts/login/"
    status, headers, _ = browser.post_form(
        login, {"username": "practitioner", "password": "demo-practitioner"}
    )
    if status != 302 or headers.get("Location", "").startswith(login):
        raise SystemExit(f"Signing in as the demo practitioner failed (status {status})")
    status, headers, _ = browser.get(demo.urls["patient list"])
    if status != 200:  # e.g. sent to the second step: the demo accounts have no device
        raise SystemExit(f"The patient list answered {status} {headers.get('Location', '')}")
    status, headers, _ = browser.get(demo.link)
    check = headers.get("Location", "")
    if status != 302:
        raise SystemExit(f"The questionnaire link did not open (status {status})")
    day, month, year = demo.born
    status, _, _ = browser.post_form(
        check, {"day": str(day), "month": str(month), "year": str(year)}
    )
    if status != 302:
        raise SystemExit(f"The date of birth was not accepted (status {status})")
    return browser


@dataclass
class Readings:
    """Milliseconds per request and errors, per page, over the slices of one condition."""

    ms: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[tuple[str, str]] = field(default_factory=Counter)  # (page, what) -> times
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, ms: float, error: str = "") -> None:
        with self.lock:
            self.ms.setdefault(page, []).append(ms)
            if error:
                self.errors[page, error] += 1

    def errors_on(self, page: str) -> int:
        return sum(n for (on, _), n in self.errors.items() if on == page)


#: One request a client makes: (page, path, the content type expected).
Ask = tuple[str, str, str]


def timed(browser: Browser, ask: Ask, readings: Readings, due: float | None = None) -> None:
    """One request, timed from when it was `due` (by default, now) to its last byte."""
    page, path, expect = ask
    start = time.perf_counter() if due is None else due
    error = ""
    try:
        status, headers, _ = browser.get(path)
        if status != 200:
            error = f"status {status} {headers.get('Location', '')}".strip()
        elif not headers.get("Content-Type", "").startswith(expect):
            error = f"not {expect}"
    except (http.client.HTTPException, OSError) as failure:
        error = type(failure).__name__
    readings.add(page, (time.perf_counter() - start) * 1000, error)


@dataclass(frozen=True)
class Pace:
    """How often the clients ask: `rate` requests a second each, on average, or without
    pause when 0. `seed` draws the same arrivals for the slices with and without PDFs."""

    rate: float
    seed: int = 0


def client(
    browser: Browser, asks: Iterator[Ask], until: float, readings: Readings, pace: Pace, name: str
) -> None:
    """One client's requests, in turn, until `until`. Without pause (rate 0), each as soon as
    the last answer is in (a closed loop). At a rate, each request is due at a random time
    (exponential gaps: a Poisson stream, as people who do not wait on one another) and is
    timed from when it was due, so that one held up behind a slow answer counts its wait."""
    if not pace.rate:
        while time.perf_counter() < until:
            timed(browser, next(asks), readings)
        return
    arrivals = random.Random(f"{name}:{pace.seed}")  # noqa: S311 - a schedule, not a secret
    due = time.perf_counter() + arrivals.expovariate(pace.rate)
    while due < until:
        if (wait := due - time.perf_counter()) > 0:
            time.sleep(wait)
        timed(browser, next(asks), readings, due)
        due += arrivals.expovariate(pace.rate)


def run(
    browsers: list[Browser],
    demo: Demo,
    seconds: float,
    *,
    pdfs: Iterator[str] | None,
    readings: Readings,
    pace: Pace,
    printing: Pace = Pace(0),
) -> None:
    """The clients for `seconds` at `pace`, each in its own thread asking for PAGES in turn;
    with `pdfs`, one more printing them in turn at `printing` (by default without pause)."""
    started = time.perf_counter()
    until = started + seconds
    threads = []
    for number, browser in enumerate(browsers[:-1]):
        pages = ((page, demo.urls[page], "text/html") for page in itertools.cycle(PAGES))
        threads.append(
            threading.Thread(
                target=client, args=(browser, pages, until, readings, pace, str(number))
            )
        )
    if pdfs is not None:
        prints = ((PDF, path, "application/pdf") for path in pdfs)
        threads.append(
            threading.Thread(
                target=client, args=(browsers[-1], prints, until, readings, printing, "printer")
            )
        )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    readings.seconds += time.perf_counter() - started


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def print_run(title: str, readings: Readings) -> None:
    print(f"\n{title}")
    print(f"{'page':32}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    for page in (*PAGES, PDF):
        if not (values := readings.ms.get(page)):
            continue
        print(
            f"{page:32}{len(values) / readings.seconds:8.1f}{statistics.median(values):9.1f}"
            f"{p95(values):9.1f}{readings.errors_on(page):8}"
        )
    for (page, what), times in sorted(readings.errors.items()):
        print(f"  error on {page}: {what} ({times}x)")


def asking(pace: Pace) -> str:
    return f"at {pace.rate:g}/s" if pace.rate else "without pause"


def figures(alone: Readings, with_pdfs: Readings, clients: int, pace: Pace) -> list[Figure]:
    found = []
    for page in ("patient list", "episode"):
        found.append(
            Figure(
                "load",
                f"{page}, {clients} clients {asking(pace)} + PDFs, p95",
                p95(with_pdfs.ms[page]),
                GOAL_P95_MS,
                "ms",
            )
        )
        ratio = p95(with_pdfs.ms[page]) / p95(alone.ms[page])
        found.append(
            Figure(
                "load",
                f"{page}, p95 while PDFs print",
                ratio,
                GOAL_RATIO,
                "x",
                "without PDFs",
                f"{p95(alone.ms[page]):.1f} ms alone",
            )
        )
    errors = alone.errors.total() + with_pdfs.errors.total()
    found.append(Figure("load", "errors, with and without PDFs", errors, 0, "errors"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description="The load run: gunicorn, concurrent clients.")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--pdfs", choices=("current", "superseded"), default="current")
    parser.add_argument(
        "--rate",
        type=float,
        default=RATE,
        help="requests a second per client, on average; 0: each without pause (saturated)",
    )
    parser.add_argument(
        "--pdf-rate",
        type=float,
        default=0.0,
        help="PDFs a second the printing client asks for, on average; 0: without pause",
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="sciatica-load-"))
    database_url = os.environ.get("LOAD_DATABASE_URL") or f"sqlite:///{workdir / 'db.sqlite3'}"
    server = None
    log = open(workdir / "server.log", "wb")  # noqa: SIM115  (closed below)
    try:
        env, demo = prepare(workdir, database_url)
        port = free_port()
        server = start_server(env, port, log)
        browsers = [sign_in(port, demo) for _ in range(args.clients + 1)]
        # Warm up: each worker imports and fills its caches (superseded: renders a PDF).
        pdfs = itertools.cycle(demo.pdfs[args.pdfs])
        run(browsers, demo, 3, pdfs=pdfs, readings=Readings(), pace=Pace(0))
        database = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        if args.rate:
            # What the server answers when the same clients ask without pause, alone.
            flat_out = Readings()
            run(browsers, demo, CAPACITY_SECONDS, pdfs=None, readings=flat_out, pace=Pace(0))
            capacity = sum(map(len, flat_out.ms.values())) / flat_out.seconds
            total = args.rate * args.clients
            pace_text = (
                f"each at {args.rate:g} requests/s on average (Poisson arrivals; each request "
                f"timed from when it was due), {total:g}/s in all: {total / capacity:.0%} of "
                f"the {capacity:.0f}/s the server answered them without pause"
            )
        else:
            pace_text = "each without pause (a closed loop: the server saturated)"
        print(
            f"gunicorn, {WORKERS} workers, DEBUG off, {database}; {args.clients} clients "
            f"asking for {', '.join(PAGES)} in turn, {pace_text}; {args.seconds:g} s without "
            f"PDFs and {args.seconds:g} s with, in alternating slices of {SLICE_SECONDS:g} s; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs before the run; "
            f"PDFs printed {asking(Pace(args.pdf_rate))} by one more client: "
            f"{PRINTED[args.pdfs]} ({len(demo.pdfs[args.pdfs])} in turn)"
        )
        alone, with_pdfs = Readings(), Readings()
        # Alternating, so that a neighbour busy on the machine for a while slows both alike;
        # a slice without PDFs and the one with them draw the same arrivals.
        slices = max(1, round(args.seconds / SLICE_SECONDS))
        for number in range(slices):
            pace, printing = Pace(args.rate, seed=number), Pace(args.pdf_rate, seed=number)
            run(browsers, demo, args.seconds / slices, pdfs=None, readings=alone, pace=pace)
            run(
                browsers,
                demo,
                args.seconds / slices,
                pdfs=pdfs,
                readings=with_pdfs,
                pace=pace,
                printing=printing,
            )
        clients = f"{args.clients} clients {asking(pace)}"
        print_run(clients, alone)
        print_run(
            f"{clients}, and one printing plan PDFs ({args.pdfs}) {asking(printing)}", with_pdfs
        )
        print(f"\n{'p95 while PDFs print / alone':32}")
        for page in PAGES:
            print(f"{page:32}{p95(with_pdfs.ms[page]) / p95(alone.ms[page]):8.2f}x")
        print()
        report(figures(alone, with_pdfs, args.clients, Pace(args.rate)))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        log.close()
        errors = (workdir / "server.log").read_text(errors="replace")
        if "Traceback" in errors or "ERROR" in errors:
            print(f"\nThe end of the server's log:\n{errors[-3000:]}")
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
