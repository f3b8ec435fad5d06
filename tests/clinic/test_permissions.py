"""Who may open which page: anonymous, the wrong role and the right role, for every page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.builders import PASSWORD, make_episode, make_patient, make_user

# page: (url name, needs an object, a role that may not open it, a role that may)
PAGES = {
    "patient list": ("patient_list", None, "administrator", "front_desk"),
    "register a patient": ("patient_create", None, "administrator", "front_desk"),
    "patient record": ("patient_detail", "patient", "administrator", "front_desk"),
    "edit a patient": ("patient_edit", "patient", "administrator", "front_desk"),
    "archive a patient": ("patient_archive", "patient", "administrator", "front_desk"),
    "open an episode": ("episode_create", "patient", "administrator", "front_desk"),
    "episode page": ("episode_detail", "episode", "administrator", "practitioner"),
    "edit an episode": ("episode_edit", "episode", "front_desk", "practitioner"),
    "audit trail": ("audit_list", None, "practitioner", "administrator"),
    "change password": ("password_change", None, None, "front_desk"),
}


def url_for(name: str, needs: str | None) -> str:
    if needs is None:
        return reverse(name)
    episode = make_episode()
    return reverse(name, args=[episode.pk if needs == "episode" else episode.patient.pk])


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(page, client_for):
    name, needs, _wrong, _right = PAGES[page]
    url = url_for(name, needs)
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("page", [p for p in PAGES if PAGES[p][2]])
def test_the_wrong_role_is_refused(page, client_for, request):
    name, needs, wrong, _right = PAGES[page]
    url = url_for(name, needs)
    response = client_for(request.getfixturevalue(wrong)).get(url)
    assert response.status_code == 403
    assert "Not available for your role" in response.text


@pytest.mark.parametrize("page", PAGES)
def test_the_right_role_opens_the_page(page, client_for, request):
    name, needs, _wrong, right = PAGES[page]
    url = url_for(name, needs)
    response = client_for(request.getfixturevalue(right)).get(url)
    assert response.status_code == 200


def test_the_login_page_is_the_only_page_open_to_anonymous_visitors(client, db):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("home")).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_front_desk_opens_an_episode_for_a_new_patient_and_can_then_make_a_link(
    front_desk, practitioner, client_for
):
    patient = make_patient()
    client = client_for(front_desk)
    record = client.get(reverse("patient_detail", args=[patient.pk]))
    assert reverse("episode_create", args=[patient.pk]) in record.text
    first_visit = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(
        reverse("episode_create", args=[patient.pk]),
        {
            "chief_complaint": "Pain down my left leg",
            "practitioner": practitioner.pk,
            "opened": first_visit.isoformat(),
        },
    )
    episode = patient.episodes.get()
    assert response["Location"] == episode.get_absolute_url()
    assert (episode.practitioner, episode.opened, episode.status) == (
        practitioner,
        first_visit,
        "open",
    )
    page = client.get(episode.get_absolute_url())
    assert reverse("invitation_create", args=[episode.pk]) in page.text


def test_front_desk_opening_an_episode_sets_no_clinical_field(front_desk, client_for):
    patient = make_patient()
    client_for(front_desk).post(
        reverse("episode_create", args=[patient.pk]),
        {
            "chief_complaint": "Pain",
            "opened": timezone.localdate().isoformat(),
            "status": "closed",
        },
    )
    assert patient.episodes.get().status == "open"


def test_front_desk_sees_no_link_to_clinical_pages(front_desk, client_for):
    episode = make_episode()
    episode_page = client_for(front_desk).get(reverse("episode_detail", args=[episode.pk]))
    assert reverse("episode_edit", args=[episode.pk]) not in episode_page.text


def test_the_clinic_administrator_cannot_make_anyone_a_superuser(administrator, client_for):
    administrator.is_superuser = False
    client = client_for(administrator)
    url = reverse("admin:auth_user_change", args=[administrator.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.text
    assert 'name="user_permissions"' not in page.text


def test_superusers_are_not_listed_for_the_clinic_administrator(administrator, client_for):
    superuser = make_user(username="root-account", is_superuser=True, is_staff=True)
    response = client_for(administrator).get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 200
    assert superuser.username not in response.text


def test_pages_with_patient_data_are_never_cached(front_desk, client_for):
    episode = make_episode()
    response = client_for(front_desk).get(reverse("patient_detail", args=[episode.patient.pk]))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_five_wrong_passwords_pause_sign_in_for_that_account(front_desk, client):
    for _ in range(5):
        client.post(reverse("login"), {"username": "frontdesk", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "frontdesk", "password": PASSWORD})
    assert response.status_code == 429
    assert "Sign-in paused" in response.text
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_says_so_and_keeps_the_username(front_desk, client):
    response = client.post(reverse("login"), {"username": "frontdesk", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text
    assert 'value="frontdesk"' in response.text


def test_the_clinic_administrator_chooses_the_questionnaires_in_clinic_admin(
    administrator, practitioner, client_for
):
    url = reverse("admin:intake_intakesettings_changelist")
    assert client_for(administrator).get(url, follow=True).status_code == 200
    assert client_for(practitioner).get(url).status_code == 302  # not staff: admin login


@pytest.mark.parametrize("settings_name", ["clinic_clinicsettings", "intake_intakesettings"])
def test_a_settings_page_in_clinic_admin_opens_its_single_row(
    settings_name, administrator, client_for
):
    client = client_for(administrator)
    listed = client.get(reverse(f"admin:{settings_name}_changelist"))
    assert listed.status_code == 302
    assert client.get(listed["Location"]).status_code == 200
