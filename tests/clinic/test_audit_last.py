"""A page records its view last, once it is rendered: on PostgreSQL the audit chain's lock
is held from the event's insert until the request commits, so a view recorded before
rendering would hold up every other request's event while this page renders."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders import make_episode
from tests.plans.builders import make_approved_plan, make_exam

pytestmark = pytest.mark.django_db

TRANSACTION = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK")


def last_statement(client, url: str) -> str:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    statements = [q["sql"] for q in captured if not q["sql"].startswith(TRANSACTION)]
    return statements[-1]


@pytest.mark.parametrize(
    "page",
    ["patient list", "patient", "episode", "exam form", "plan builder", "plan version",
     "course of care", "next visit", "dashboard", "courses"],
)  # fmt: skip
def test_each_page_writes_its_audit_event_after_everything_else(page, practitioner, client_for):
    episode = make_episode(practitioner=practitioner)
    make_exam(episode)
    plan = make_approved_plan(episode, practitioner)
    urls = {
        "patient list": reverse("patient_list"),
        "patient": episode.patient.get_absolute_url(),
        "episode": episode.get_absolute_url(),
        "exam form": reverse("exam_edit", args=[episode.pk]),
        "plan builder": reverse("plan_edit", args=[episode.pk]),
        "plan version": reverse("plan_detail", args=[plan.pk]),
        "course of care": reverse("course_detail", args=[episode.pk]),
        "next visit": reverse("visit_edit", args=[episode.pk, 1]),
        "dashboard": reverse("questionnaire_dashboard"),
        "courses": reverse("course_list"),
    }
    assert last_statement(client_for(practitioner), urls[page]).startswith(
        'INSERT INTO "clinic_auditevent"'
    )
