"""Bad input gets a clear answer (a 400 or a form error), never a server error.

The four causes the probe found each have a test; then hypothesis sends at least 500
generated bodies across every form and filter, and no answer may be a 500.
"""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic.models import Patient
from intake.exam_forms import ExamForm
from intake.forms import STEP_FORMS
from intake.models import Exam
from plans.forms import PlanForm, ReferralForm
from tests.builders import make_episode, make_patient
from tests.intake.questionnaire_builders import make_invitation, patient_client, step_url
from tests.plans.builders import make_diagnosis, make_exam

pytestmark = pytest.mark.django_db

NUL = "a\x00b"


@pytest.fixture
def staff(practitioner):
    client = Client(raise_request_exception=False)
    client.force_login(practitioner)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/patients/?q=",
        "/audit/?user=",
        "/audit/?patient=1&page=",
        "/dashboard/?q=",
    ],
)
def test_a_nul_byte_in_a_search_or_filter_is_a_bad_request(url, staff):
    assert staff.get(url + "a%00b").status_code == 400


def test_a_nul_byte_in_a_form_is_a_bad_request_and_saves_nothing(staff):
    form = {"first_name": NUL, "last_name": "Silva", "date_of_birth": "1970-02-03"}
    assert staff.post(reverse("patient_create"), form).status_code == 400
    assert not Patient.objects.exists()


def test_a_login_name_of_256_characters_is_a_form_error_not_an_attempt_on_record():
    page = Client(raise_request_exception=False).post(
        reverse("login"), {"username": "x" * 256, "password": "whatever"}
    )
    assert page.status_code == 200
    assert "at most 150 characters" in page.text
    assert not AccessAttempt.objects.exists()


def test_a_tampered_exam_version_on_an_episode_without_an_exam_saves_as_the_first(
    practitioner, staff
):
    episode = make_episode(practitioner=practitioner)
    response = staff.post(reverse("exam_edit", args=[episode.pk]), {"version": "7"})
    assert response.status_code == 302
    assert Exam.objects.get(episode=episode).version == 1


def test_an_exam_version_beyond_any_integer_is_a_form_error(practitioner, staff):
    episode = make_episode(practitioner=practitioner)
    make_exam(episode)
    response = staff.post(reverse("exam_edit", args=[episode.pk]), {"version": "9" * 30})
    assert response.status_code == 200
    assert Exam.objects.get(episode=episode).version == 1


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "x-unknown", "cp1252"])
@pytest.mark.parametrize("csrf", [False, True], ids=["signed-in", "csrf-checked"])
def test_a_form_in_another_charset_than_utf8_is_a_bad_request(charset, csrf, practitioner):
    client = Client(raise_request_exception=False, enforce_csrf_checks=csrf)
    client.force_login(practitioner)
    for url in (reverse("patient_create"), reverse("login"), reverse("questionnaire_check")):
        response = client.generic(
            "POST",
            url,
            b"first_name=Zo%EB&last_name=Silva&date_of_birth=1970-02-03",
            content_type=f"application/x-www-form-urlencoded; charset={charset}",
        )
        assert response.status_code == 400, url
        assert "could not be understood" in response.text
    assert not Patient.objects.exists()


# --- generated bad input ----------------------------------------------------------------

NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        NUL,
        "x" * 5000,
        "-1",
        "0",
        "99999999999999999999999",
        "1e309",
        "NaN",
        "2026-02-30",
        "31/31/2031",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "\ud7ff\ue000",
        "Zoë 🙂",
        "\u202e",
    ]
)
VALUES = st.one_of(NASTY, st.text(max_size=40), st.integers().map(str))


def body_for(fields: list[str]) -> st.SearchStrategy[dict[str, list[str]]]:
    names = st.sampled_from([*fields, "version", "revision", "shown", "go", "autosave"])
    return st.dictionaries(names, st.lists(VALUES, min_size=1, max_size=3), max_size=8)


EXAMPLES = 60
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
EXAM_FIELDS = list(ExamForm(questionnaire_history={}).fields)
PLAN_FIELDS = list(PlanForm(excluded={}).fields) + list(ReferralForm().fields)
PATIENT_FIELDS = ["first_name", "last_name", "date_of_birth", "sex", "email", "phone", "notes"]


def rows() -> tuple[int, ...]:
    from clinic.models import AuditEvent, Episode
    from plans.models import Diagnosis, TreatmentPlan

    models = (Patient, Episode, Exam, Diagnosis, TreatmentPlan, AuditEvent)
    return tuple(model.objects.count() for model in models)


@pytest.fixture
def room(practitioner):
    episode = make_episode(practitioner=practitioner, patient=make_patient())
    make_exam(episode)
    make_diagnosis(episode, practitioner)
    return episode


STAFF_FORMS = {
    "register a patient": (lambda e: reverse("patient_create"), PATIENT_FIELDS),
    "edit a patient": (lambda e: reverse("patient_edit", args=[e.patient_id]), PATIENT_FIELDS),
    "open an episode": (
        lambda e: reverse("episode_create", args=[e.patient_id]),
        ["chief_complaint", "opened", "status", "practitioner"],
    ),
    "edit an episode": (
        lambda e: reverse("episode_edit", args=[e.pk]),
        ["chief_complaint", "opened", "status", "practitioner"],
    ),
    "exam": (lambda e: reverse("exam_edit", args=[e.pk]), EXAM_FIELDS),
    "live assessment": (lambda e: reverse("assessment_preview", args=[e.pk]), EXAM_FIELDS),
    "diagnosis": (lambda e: reverse("diagnosis_record", args=[e.pk]), ["cause", "reason"]),
    "plan": (lambda e: reverse("plan_edit", args=[e.pk]), PLAN_FIELDS + ["approve", "save"]),
}


@pytest.mark.parametrize("form", STAFF_FORMS)
def test_generated_bodies_for_a_staff_form_never_make_a_server_error(form, room, staff):
    url_of, fields = STAFF_FORMS[form]
    url = url_of(room)

    @FUZZ
    @given(body=body_for(fields))
    def post(body):
        before = rows()
        status = staff.post(url, body).status_code
        assert status < 500, body
        if status == 400:  # refused as malformed: nothing written, not even an event
            assert rows() == before, body

    post()


@given(query=st.dictionaries(st.sampled_from(["q", "user", "patient", "page"]), VALUES))
@FUZZ
def test_generated_searches_and_filters_never_make_a_server_error(query, staff):
    for url in (reverse("patient_list"), reverse("audit_list"), reverse("questionnaire_dashboard")):
        assert staff.get(url, query).status_code < 500, query


def test_generated_bodies_for_the_patient_pages_never_make_a_server_error():
    invitation, token = make_invitation()
    patient = patient_client(token)
    patient.raise_request_exception = False
    steps = list(STEP_FORMS)

    @FUZZ
    @given(slug=st.sampled_from(steps), body=st.data())
    def post(slug, body):
        fields = list(STEP_FORMS[slug].base_fields) or ["x"]
        data = body.draw(body_for(fields))
        assert patient.post(step_url(slug), data).status_code < 500, (slug, data)

    post()


def test_generated_dates_of_birth_never_make_a_server_error():
    invitation, token = make_invitation()
    browser = Client(raise_request_exception=False)
    browser.get(reverse("questionnaire_link", args=[token]))

    @FUZZ
    @given(body=body_for(["day", "month", "year"]))
    def post(body):
        assert browser.post(reverse("questionnaire_check"), body).status_code < 500, body

    post()
