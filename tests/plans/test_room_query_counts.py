"""Each treatment-room page runs a fixed number of queries, whatever the number of visits,
findings or versions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.models import ClinicSettings
from intake.models import Exam
from plans.models import revise_plan
from tests.builders import make_episode, with_audit
from tests.plans.builders import (
    L5_DISC_FINDINGS,
    make_approved_plan,
    make_diagnosis,
    make_exam,
    make_visits,
)

pytestmark = pytest.mark.django_db

MORE_FINDINGS = {
    **L5_DISC_FINDINGS,
    "crossed_slr": {"left": {"result": "negative"}},
    "fair": {"left": {"result": "negative"}, "right": {"result": "negative"}},
    "kemp": {"right": {"result": "positive"}},
    "reflexes": {"patellar": {"left": "normal", "right": "normal"},
                 "achilles": {"left": "normal", "right": "normal"}},
    "step_off": "absent",
    "pedal_pulses": "present",
}  # fmt: skip


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    if DUMP:
        print(url, *(q["sql"][:150] for q in captured.captured_queries), sep="\n  ")
    return len(captured)


DUMP = False


def grow(episode, practitioner, versions: int = 4) -> None:
    """More findings, more diagnoses, more plan versions, a longer course, more visits."""
    Exam.objects.filter(episode=episode).update(findings=MORE_FINDINGS, version=7)
    make_visits(episode, practitioner, 6, 5, sign=True)
    make_visits(episode, practitioner, 4)
    for _ in range(3):
        make_diagnosis(episode, practitioner)
    for _ in range(versions):
        latest = episode.plans.first()
        draft = revise_plan(latest, by=practitioner)
        draft.total_visits, draft.visits_per_week, draft.reassess_at_visit = 12, 3, 6
        draft.save()
        from plans.models import approve_plan

        approve_plan(draft, by=practitioner)


@pytest.fixture
def episode(practitioner):
    episode = make_episode(practitioner=practitioner)
    make_exam(episode)
    make_approved_plan(episode, practitioner, total_visits=4, reassess_at_visit=2)
    return episode


def with_visits(episode):
    """The episode with visit 1 signed, so that the addenda are read (none at first)."""
    if not episode.visits.exists():
        make_visits(episode, episode.practitioner, 6, sign=True)
        ClinicSettings.load()  # the clinic's one row, as in any running clinic
    return episode


PAGES = {
    "exam form": lambda e: reverse("exam_edit", args=[e.pk]),
    "plan builder": lambda e: reverse("plan_edit", args=[e.pk]),
    "plan version": lambda e: reverse("plan_detail", args=[e.plans.order_by("version")[0].pk]),
    "episode page with the clinical panel": lambda e: reverse("episode_detail", args=[e.pk]),
    "course of care": lambda e: reverse("course_detail", args=[with_visits(e).pk]),
    "the next visit's record": lambda e: reverse(
        "visit_edit", args=[with_visits(e).pk, e.visits.count() + 1]
    ),
    "a signed visit": lambda e: reverse("visit_edit", args=[with_visits(e).pk, 1]),
    "progress report": lambda e: reverse("progress_report", args=[with_visits(e).pk, "clinician"]),
}


# Every signed-in page runs 1-2: the session and the user; the session keeps the user's
# roles and permissions (clinic.auth). The session is not written: a request renews it
# once a minute at most (clinic.middleware.renew_idle_session).
QUERIES = {
    # 3 the episode with its patient, questionnaire, exam and the exam's author, and its
    #   working diagnosis with who recorded it
    # 4 the audit event (last, once the page is rendered: audit.shown)
    "exam form": 4,
    # 3 the episode with its patient, practitioner, questionnaire, exam and the exam's author,
    #   its working diagnosis with who recorded it and its latest review decision (to refer?)
    # 4 the latest version: the draft being built, if any (a draft is always the latest),
    #   and the plan in force when the latest is an approved plan (one more query if not)
    # 5-6 the course: the visits and the patient's follow-ups
    # 7 the audit event
    "plan builder": 7,
    # 3 the plan with its episode, patient, practitioner, author and approver
    # 4 every version of the plan with its approver
    # 5 the count of visits done
    # 6 the audit event
    "plan version": 6,
    # 3 the episode with its patient, practitioner, questionnaire (none here, so no links
    #   or files are read) and exam with its author, which both panels read, its working
    #   diagnosis and its count of visits done and unsigned
    # 4 the plan versions, as the list shows them
    # 5 the audit event
    "episode page with the clinical panel": 5,
    # 3 the episode with its patient, practitioner, questionnaire, exam, approved plan in
    #   force and latest review decision with who made it
    # 4 the visits with their plan and who signed and saved them
    # 5 the follow-ups the patient answered at home
    # 6 the audit event, last
    "course of care": 6,
    "the next visit's record": 6,
    # 3-5 as the course page, 6 the audit event, 7 the signed visit's addenda with who
    # wrote them
    "a signed visit": 7,
    # 3-5 as the course page, 6 the clinic's settings (letterhead), 7 the audit event
    "progress report": 7,
}


@pytest.mark.parametrize("page", PAGES)
def test_the_query_count_does_not_grow_with_findings_visits_or_versions(
    page, episode, practitioner, client_for
):
    client = client_for(practitioner)
    before = queries_for(client, PAGES[page](episode))
    assert before == with_audit(QUERIES[page])
    grow(episode, practitioner)
    assert queries_for(client, PAGES[page](episode)) == before


def test_the_episode_page_for_the_front_desk_reads_the_same_whatever_the_versions(
    episode, practitioner, front_desk, client_for
):
    client = client_for(front_desk)
    url = reverse("episode_detail", args=[episode.pk])
    before = queries_for(client, url)
    # 1-2 the session and the user (the session keeps the user's roles: clinic.auth)
    # 3 the episode with its patient, practitioner, questionnaire (none here: no links or
    #   files are read), exam and count of visits done
    # 4 the printable plan versions, as the list shows them (no diagnosis or drafts)
    # 5 the audit event
    assert before == with_audit(5)
    grow(episode, practitioner)
    assert queries_for(client, url) == before


def test_printing_a_cached_pdf_does_not_grow_with_the_number_of_visits(
    episode, practitioner, client_for
):
    client = client_for(practitioner)
    short = episode.plans.get()
    long = make_approved_plan(make_episode(), practitioner, total_visits=12, visits_per_week=3)
    for plan in (short, long):
        client.get(reverse("plan_print", args=[plan.pk, "patient", "a4"]))  # render and cache
    counts = [
        queries_for(client, reverse("plan_print", args=[plan.pk, "patient", "a4"]))
        for plan in (short, long)
    ]
    # 1-2 the session and the user (the session keeps the user's roles: clinic.auth)
    # 3 the cached PDF with its plan, episode and patient (plans.pdf.stored_copy)
    # 4 the audit event
    assert counts[0] == with_audit(4)
    assert counts[0] == counts[1]
