import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.models import Patient, fold
from clinic.views import CappedPaginator
from tests.builders import make_episode, make_patient

pytestmark = pytest.mark.django_db


def valid_form(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Zoë",
        "last_name": "Marchetti",
        "date_of_birth": "1986-04-12",
        "sex": "female",
        "email": "",
        "phone": "07700 900123",
        "notes": "",
    }
    data.update(overrides)
    return data


SEARCHES = [
    # (what the front desk types, does it find Zoë Marchetti born 12/04/1986?)
    ("Zoe", True),
    ("zoë", True),
    ("ZOE MARCH", True),
    ("marchetti zoe", True),
    ("arche", True),
    ("12/04/1986", True),
    ("1986-04-12", True),
    ("900123", True),
    ("07700 900123", True),
    ("Zoey", False),
    ("13/04/1986", False),
    ("555", False),
]


@pytest.mark.parametrize(("query", "finds"), SEARCHES)
def test_patient_search_by_name_date_of_birth_or_phone(query, finds, front_desk, client_for):
    make_patient(
        first_name="Zoë",
        last_name="Marchetti",
        date_of_birth=datetime.date(1986, 4, 12),
        phone="07700 900123",
    )
    make_patient(first_name="Daniel", last_name="Osei", phone="07700 900456")
    response = client_for(front_desk).get(reverse("patient_list"), {"q": query})
    names = [p.last_name for p in response.context["page"].object_list]
    assert ("Marchetti" in names) is finds
    assert "Osei" not in names


def test_the_search_name_is_lower_case_and_free_of_accents():
    assert fold("  Zoë  Ðoña-Müller ") == "zoe ðona-muller"


def test_the_patient_list_is_paginated(front_desk, client_for):
    for _ in range(30):
        make_patient()
    first = client_for(front_desk).get(reverse("patient_list"))
    second = client_for(front_desk).get(reverse("patient_list"), {"page": 2})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert "Page 1 of 2" in first.text


def test_the_front_desk_registers_a_patient(front_desk, client_for):
    response = client_for(front_desk).post(reverse("patient_create"), valid_form())
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == patient.get_absolute_url()
    assert patient.search_name == "zoe marchetti"


def test_a_date_of_birth_in_the_future_is_refused_and_what_was_typed_is_kept(
    front_desk, client_for
):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client_for(front_desk).post(
        reverse("patient_create"), valid_form(date_of_birth=tomorrow, notes="Prefers mornings")
    )
    assert response.status_code == 200
    assert "The date of birth is in the future." in response.text
    assert "Prefers mornings" in response.text
    assert 'value="Marchetti"' in response.text
    assert not Patient.objects.exists()


def test_a_phone_number_with_letters_is_refused(front_desk, client_for):
    response = client_for(front_desk).post(reverse("patient_create"), valid_form(phone="call me"))
    assert "Enter a phone number" in response.text
    assert not Patient.objects.exists()


def test_a_duplicate_patient_gets_a_warning_with_a_link_to_the_existing_record(
    front_desk, client_for
):
    existing = make_patient(
        first_name="Zoe", last_name="Marchetti", date_of_birth=datetime.date(1986, 4, 12)
    )
    response = client_for(front_desk).post(reverse("patient_create"), valid_form())
    assert response.status_code == 200
    assert "already registered" in response.text
    assert existing.get_absolute_url() in response.text
    assert 'name="confirm_duplicate"' in response.text
    assert Patient.objects.count() == 1


def test_a_confirmed_duplicate_is_registered(front_desk, client_for):
    make_patient(first_name="Zoë", last_name="Marchetti", date_of_birth=datetime.date(1986, 4, 12))
    form = valid_form(confirm_duplicate="on")
    response = client_for(front_desk).post(reverse("patient_create"), form)
    assert response.status_code == 302
    assert Patient.objects.count() == 2


def test_editing_a_patient_does_not_count_them_as_their_own_duplicate(front_desk, client_for):
    patient = make_patient(
        first_name="Zoë", last_name="Marchetti", date_of_birth=datetime.date(1986, 4, 12)
    )
    url = reverse("patient_edit", args=[patient.pk])
    response = client_for(front_desk).post(url, valid_form(phone="020 7946 0000"))
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.phone_digits == "02079460000"


def test_an_archived_patient_leaves_the_list_but_is_never_deleted(front_desk, client_for):
    patient = make_patient(last_name="Archivable")
    client = client_for(front_desk)
    client.post(reverse("patient_archive", args=[patient.pk]))
    patient.refresh_from_db()
    assert patient.archived
    listed = client.get(reverse("patient_list"), {"q": "Archivable"})
    assert list(listed.context["page"].object_list) == []
    with_archived = client.get(reverse("patient_list"), {"q": "Archivable", "archived": "1"})
    assert [p.pk for p in with_archived.context["page"].object_list] == [patient.pk]


def test_an_archived_patient_can_be_restored(front_desk, client_for):
    patient = make_patient(archived=True)
    client_for(front_desk).post(reverse("patient_archive", args=[patient.pk]))
    patient.refresh_from_db()
    assert not patient.archived


def test_a_practitioner_opens_an_episode(practitioner, client_for):
    patient = make_patient()
    response = client_for(practitioner).post(
        reverse("episode_create", args=[patient.pk]),
        {
            "chief_complaint": "Pain down the right leg",
            "practitioner": practitioner.pk,
            "opened": timezone.localdate().isoformat(),
        },
    )
    episode = patient.episodes.get()
    assert response["Location"] == episode.get_absolute_url()
    assert episode.practitioner == practitioner
    assert episode.status == "open"


def test_a_first_visit_more_than_six_months_ahead_is_refused(practitioner, client_for):
    patient = make_patient()
    next_year = (timezone.localdate() + datetime.timedelta(days=365)).isoformat()
    response = client_for(practitioner).post(
        reverse("episode_create", args=[patient.pk]),
        {"chief_complaint": "Pain", "opened": next_year},
    )
    assert "more than six months away" in response.text
    assert not patient.episodes.exists()


def test_only_practitioners_can_be_assigned_to_an_episode(practitioner, front_desk, client_for):
    episode = make_episode()
    response = client_for(practitioner).post(
        reverse("episode_edit", args=[episode.pk]),
        {
            "chief_complaint": "Pain",
            "practitioner": front_desk.pk,
            "opened": episode.opened.isoformat(),
            "status": "open",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def test_age_on_a_day_counts_whole_years():
    patient = Patient(date_of_birth=datetime.date(1980, 6, 15))
    assert patient.age_on(datetime.date(2020, 6, 14)) == 39
    assert patient.age_on(datetime.date(2020, 6, 15)) == 40


def test_each_row_of_the_patient_list_counts_its_own_episodes(front_desk, client_for):
    two, none = make_patient(last_name="Abara"), make_patient(last_name="Bergström")
    make_episode(patient=two)
    make_episode(patient=two)
    page = client_for(front_desk).get(reverse("patient_list")).context["page"]
    assert {p.last_name: p.episode_count for p in page.object_list} == {
        two.last_name: 2,
        none.last_name: 0,
    }


def test_a_very_long_list_counts_only_so_far_and_says_to_search(
    front_desk, client_for, monkeypatch
):
    monkeypatch.setattr(CappedPaginator, "CAP", 30)
    for _ in range(40):
        make_patient()
    client = client_for(front_desk)
    first = client.get(reverse("patient_list"))
    last = client.get(reverse("patient_list"), {"page": 2})
    assert "Page 1 of 2+" in first.text
    assert len(last.context["page"].object_list) == 5  # rows 26-30 of the 30 counted
    assert "search by name, date of birth or phone to find the others" in last.text


def test_a_search_counts_fewer_matches_and_says_to_type_more(front_desk, client_for, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "SEARCH_CAP", 30)
    for _ in range(40):
        make_patient(first_name="Zoë")
    make_patient(first_name="Ada")
    client = client_for(front_desk)
    first = client.get(reverse("patient_list"), {"q": "zoe"})
    last = client.get(reverse("patient_list"), {"q": "zoe", "page": 2})
    assert "Page 1 of 2+" in first.text
    assert len(last.context["page"].object_list) == 5  # matches 26-30 of the 30 counted
    assert "patients matching “zoe”: type more of the name" in last.text
    assert "Page 1 of 2</span>" in client.get(reverse("patient_list")).text  # all 41 counted
