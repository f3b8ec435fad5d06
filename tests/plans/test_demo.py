"""`manage.py load_demo`: the fictional clinic that `make run` shows a newcomer."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from clinic.models import Episode, Patient
from intake.core.case import load_case
from intake.models import Questionnaire
from plans.core.assessment import assessment_document
from plans.models import TreatmentPlan
from plans.pdf import plan_pdf
from plans.visits import course_case

pytestmark = pytest.mark.django_db


def load_demo(settings) -> None:
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())


def test_loading_the_demo_twice_changes_nothing(settings):
    load_demo(settings)
    counts = (Patient.objects.count(), Episode.objects.count(), TreatmentPlan.objects.count())
    load_demo(settings)
    assert counts == (6, 5, 3)
    assert (Patient.objects.count(), Episode.objects.count()) == counts[:2]
    assert TreatmentPlan.objects.count() == 3


def test_the_demo_has_one_login_per_role(settings, client):
    load_demo(settings)
    for username, password in [
        ("practitioner", "demo-practitioner"),
        ("frontdesk", "demo-frontdesk"),
        ("admin", "demo-admin"),
    ]:
        user = get_user_model().objects.get(username=username)
        assert user.groups.count() == 1
        signed_in = client.post(reverse("login"), {"username": username, "password": password})
        assert signed_in.status_code == 302, username
        client.post(reverse("logout"))


def test_the_demo_shows_care_at_each_stage(settings):
    load_demo(settings)
    plan = TreatmentPlan.objects.get(episode__patient__last_name="Osei")
    assert plan.status == "approved"
    assert "electroacupuncture" in plan.modality_codes
    assert b"%PDF" in plan_pdf(plan, "patient", "a4")[:8]
    assert Questionnaire.objects.awaiting_review().get().patient.last_name == "Marchetti"
    assert Questionnaire.objects.flagged().get().patient.last_name == "Solberg"


def test_the_demo_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("load_demo")


def test_the_demo_loader_prints_the_address_it_is_told_is_served(settings, monkeypatch):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", "--address", "http://127.0.0.1:8001/", stdout=out)
    assert "Sign in at http://127.0.0.1:8001/" in out.getvalue()
    monkeypatch.setenv("PORT", "8002")
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Sign in at http://127.0.0.1:8002/" in out.getvalue()


def test_make_run_on_another_port_serves_there_and_prints_that_address():
    root = Path(__file__).resolve().parents[2]
    make = shutil.which("make")
    assert make is not None, "make is not installed"
    dry_run = subprocess.run(  # noqa: S603 - our own Makefile, fixed arguments
        [make, "--dry-run", "--always-make", "run", "PORT=8001"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "load_demo --address http://127.0.0.1:8001/" in dry_run
    assert "runserver 127.0.0.1:8001" in dry_run
    assert "8000" not in dry_run


@pytest.mark.parametrize(
    ("patient", "done", "verdict", "recommendation"),
    [
        ("Osei", 5, "improving", "continue"),
        ("Hartmann", 4, "some_change", "modify"),
        ("Adeyemi", 6, "improving", "discharge"),
    ],
    ids=["mid-course and improving", "not improving at the review", "discharged"],
)
def test_the_demo_shows_every_state_of_a_course(patient, done, verdict, recommendation, settings):
    load_demo(settings)
    episode = Episode.objects.get(patient__last_name=patient)
    review = assessment_document(load_case(course_case(episode)))["review"]
    assert (review["visits_done"], review["verdict"], review["recommendation"]) == (
        done, verdict, recommendation)  # fmt: skip
    assert all(v.is_signed for v in episode.visits.all())


@pytest.mark.parametrize("patient", ["Osei", "Hartmann", "Adeyemi"])
def test_the_visits_heading_prints_on_the_page_of_its_calendar(patient, settings):
    from pypdf import PdfReader

    load_demo(settings)
    plan = TreatmentPlan.objects.get(
        episode__patient__last_name=patient, status=TreatmentPlan.Status.APPROVED
    )
    pages = [
        page.extract_text() or ""
        for page in PdfReader(io.BytesIO(plan_pdf(plan, "patient", "a4"))).pages
    ]
    heading = next(n for n, text in enumerate(pages) if "Your visits" in text)
    calendar = next(n for n, text in enumerate(pages) if "Visit 1" in text)
    assert heading == calendar


def test_the_demo_courses_page_asks_for_the_decision_on_the_review_not_improving(settings):
    from django.utils import timezone

    from plans.visits import open_courses

    load_demo(settings)
    found = open_courses(timezone.localdate())
    assert [line.episode.patient.last_name for line in found["review_undecided"]] == ["Hartmann"]
    assert found["overdue"] == []  # each course's next visit is today, as a clinic's would be
    assert all(line.next_slot.date == timezone.localdate() for line in found["review_undecided"])
