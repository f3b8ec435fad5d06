"""Every page that shows, changes or archives patient data writes one audit event."""

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.models import AuditEvent
from tests.builders import make_episode, make_patient

pytestmark = pytest.mark.django_db

EPISODE = {"chief_complaint": "Pain", "status": "open"}
PATIENT_FORM = {"first_name": "Ana", "last_name": "Silva", "date_of_birth": "1970-02-03"}

# page: (url name, object in the URL, method, form data, user, action written)
PAGES = {
    "patient list": ("patient_list", None, "get", None, "front_desk", "view"),
    "patient record": ("patient_detail", "patient", "get", None, "front_desk", "view"),
    "register a patient": ("patient_create", None, "post", PATIENT_FORM, "front_desk", "create"),
    "edit form": ("patient_edit", "patient", "get", None, "front_desk", "view"),
    "edit a patient": ("patient_edit", "patient", "post", PATIENT_FORM, "front_desk", "change"),
    "archive form": ("patient_archive", "patient", "get", None, "front_desk", "view"),
    "archive a patient": ("patient_archive", "patient", "post", {}, "front_desk", "archive"),
    "new episode form": ("episode_create", "patient", "get", None, "practitioner", "view"),
    "open an episode": ("episode_create", "patient", "post", EPISODE, "practitioner", "create"),
    "episode page": ("episode_detail", "episode", "get", None, "practitioner", "view"),
    "edit an episode": ("episode_edit", "episode", "post", EPISODE, "practitioner", "change"),
}


@pytest.mark.parametrize("page", PAGES)
def test_each_patient_page_writes_one_audit_event(page, client_for, request):
    name, in_url, method, data, role, action = PAGES[page]
    episode = make_episode()
    user = request.getfixturevalue(role)
    args = {"patient": [episode.patient.pk], "episode": [episode.pk], None: []}[in_url]
    if data is not None and "opened" not in data and name.startswith("episode"):
        data = {**data, "opened": timezone.localdate().isoformat()}
    response = getattr(client_for(user), method)(reverse(name, args=args), data)
    assert response.status_code in {200, 302}

    event = AuditEvent.objects.get()
    assert (event.user, event.username, event.action) == (user, user.username, action)
    assert event.ip_address == "127.0.0.1"
    assert event.path.startswith(reverse(name, args=args))
    if in_url:
        assert event.patient == episode.patient


def test_a_refused_request_writes_one_refusal_and_nothing_else(front_desk, client_for):
    episode = make_episode()
    url = reverse("episode_edit", args=[episode.pk])
    assert client_for(front_desk).get(url).status_code == 403
    event = AuditEvent.objects.get()
    assert (event.action, event.user, event.path, event.patient) == ("deny", front_desk, url, None)


def test_the_search_typed_is_part_of_the_audit_event(front_desk, client_for):
    client_for(front_desk).get(reverse("patient_list"), {"q": "Marchetti"})
    assert AuditEvent.objects.get().detail == "patient list; search: Marchetti"


def test_audit_events_cannot_be_changed_or_deleted(front_desk, client_for):
    client_for(front_desk).get(reverse("patient_list"))
    event = AuditEvent.objects.get()
    event.action = "export"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="export")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().action == "view"


def test_the_administrator_filters_the_trail_by_patient_and_by_user(
    administrator, front_desk, practitioner, client_for
):
    seen, other = make_patient(), make_patient()
    client_for(front_desk).get(reverse("patient_detail", args=[seen.pk]))
    client_for(practitioner).get(reverse("patient_detail", args=[seen.pk]))
    client_for(practitioner).get(reverse("patient_detail", args=[other.pk]))
    client = client_for(administrator)

    by_patient = client.get(reverse("audit_list"), {"patient": seen.pk}).context["page"]
    by_user = client.get(reverse("audit_list"), {"user": "practitioner"}).context["page"]

    assert {e.username for e in by_patient.object_list} == {"frontdesk", "practitioner"}
    assert {e.patient for e in by_user.object_list} == {seen, other}


def test_the_audit_trail_is_read_only_in_django_admin(administrator, client_for):
    make_patient()
    client = client_for(administrator)
    client.get(reverse("patient_list"))  # administrator lacks the role: no event
    assert client.get(reverse("admin:clinic_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:clinic_auditevent_add")).status_code == 403


def test_behind_a_proxy_the_audit_trail_records_the_address_the_proxy_passes_on(
    front_desk, client_for, settings
):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    client_for(front_desk).get(reverse("patient_list"), HTTP_X_REAL_IP="203.0.113.7")
    assert AuditEvent.objects.get().ip_address == "203.0.113.7"


def test_the_audit_trail_names_what_was_seen_in_words(administrator, practitioner, client_for):
    episode = make_episode()
    client_for(practitioner).get(reverse("episode_detail", args=[episode.pk]))
    AuditEvent.objects.create(action="print", object_type="treatmentplan", object_id="7")
    page = client_for(administrator).get(reverse("audit_list"))
    assert "treatment plan #7" in page.text
    assert f"episode #{episode.pk}" in page.text
    assert "audit trail; patient any, user any" in page.text


@pytest.mark.parametrize(
    ("name", "in_url", "role"),
    [("patient_edit", "patient", "front_desk"), ("episode_edit", "episode", "practitioner")],
)
def test_a_form_sent_back_with_errors_still_writes_one_event(
    name, in_url, role, client_for, request
):
    episode = make_episode()
    args = [episode.patient.pk if in_url == "patient" else episode.pk]
    user = request.getfixturevalue(role)
    page = client_for(user).post(
        reverse(name, args=args), {"first_name": "", "chief_complaint": ""}
    )
    assert page.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.action, event.detail) == ("view", "edit form, not saved")
