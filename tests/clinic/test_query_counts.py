"""Pages run a fixed number of queries, however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders import make_episode, make_patient, with_audit

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_patient_list_query_count_does_not_grow_with_the_number_of_patients(
    front_desk, client_for
):
    client = client_for(front_desk)
    url = reverse("patient_list")
    make_episode(patient=make_patient())
    with_one = queries_for(client, url)
    # 1-2 the session and the user (the session keeps the user's roles: clinic.auth)
    # 3 the count of patients for the pages, at most 2,001 (CappedPaginator)
    # 4 this page of patients, each with its number of episodes
    # 5 the audit event
    assert with_one == with_audit(5)
    for _ in range(20):
        make_episode(patient=make_patient())
    assert queries_for(client, url) == with_one


def test_the_patient_record_query_count_does_not_grow_with_the_number_of_episodes(
    front_desk, practitioner, client_for
):
    client = client_for(front_desk)
    patient = make_patient()
    make_episode(patient=patient, practitioner=practitioner)
    url = reverse("patient_detail", args=[patient.pk])
    with_one = queries_for(client, url)
    # 1-2 the session and the user (the session keeps the user's roles: clinic.auth)
    # 3 the patient
    # 4 the episodes with their practitioners
    # 5 the audit event (last, once the page is rendered: audit.shown)
    assert with_one == with_audit(5)
    for _ in range(10):
        make_episode(patient=patient, practitioner=practitioner)
    assert queries_for(client, url) == with_one


def test_the_audit_trail_query_count_does_not_grow_with_the_number_of_events(
    administrator, front_desk, client_for
):
    patients = [make_patient() for _ in range(10)]
    desk = client_for(front_desk)
    desk.get(reverse("patient_detail", args=[patients[0].pk]))
    client = client_for(administrator)
    with_one = queries_for(client, reverse("audit_list"))
    # 1-2 the session and the user (the session keeps the user's roles: clinic.auth)
    # 3 the audit event (recorded first: the page counts its own)
    # 4 the count of events, for the pages
    # 5 the usernames for the filter
    # 6 this page of events with their patients
    assert with_one == with_audit(6)
    for patient in patients:
        desk.get(reverse("patient_detail", args=[patient.pk]))
    assert queries_for(client, reverse("audit_list")) == with_one
