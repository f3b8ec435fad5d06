"""The patient's own page between visits: the link rules, what it shows, the follow-up."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinic.models import AuditEvent
from plans.visits import CourseLink, FollowUp, Visit, create_course_link
from tests.builders import make_episode, make_patient
from tests.intake.questionnaire_builders import shown_on
from tests.plans.builders import (
    L5_DISC_HISTORY,
    make_approved_plan,
    make_diagnosis,
    make_exam,
    make_visits,
)

pytestmark = pytest.mark.django_db

BORN = datetime.date(1975, 5, 17)


@pytest.fixture
def episode(practitioner):
    episode = make_episode(practitioner=practitioner, patient=make_patient(date_of_birth=BORN))
    make_exam(episode)
    make_approved_plan(episode, practitioner)
    return episode


def opened(episode, practitioner, born=BORN) -> Client:
    _link, token = create_course_link(episode, by=practitioner)
    client = Client()
    assert client.get(reverse("course_link", args=[token]))["Location"] == reverse(
        "course_link_check"
    )
    client.post(reverse("course_link_check"),
                {"day": born.day, "month": born.month, "year": born.year})  # fmt: skip
    return client


def test_the_page_needs_the_date_of_birth_first(episode, practitioner):
    _link, token = create_course_link(episode, by=practitioner)
    client = Client()
    client.get(reverse("course_link", args=[token]))
    response = client.get(reverse("course_home"))
    assert response["Location"] == reverse("course_link_check")


def test_the_date_of_birth_page_says_it_opens_the_treatment_not_a_questionnaire(
    episode, practitioner
):
    _link, token = create_course_link(episode, by=practitioner)
    client = Client()
    client.get(reverse("course_link", args=[token]))
    page = client.get(reverse("course_link_check")).text
    assert '<h1 class="h3">Your treatment</h1>' in page
    assert "questionnaire" not in page.lower().split("<main")[-1]


def test_the_patient_sees_their_plan_dates_and_exercises_and_nothing_else(episode, practitioner):
    page = opened(episode, practitioner).get(reverse("course_home"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Visit 1" in html and "Walk a little, often." in html
    assert "does not recommend acupuncture" in html
    assert "Disc herniation" not in html and "SLR" not in html  # none of the record
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-cache" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]


# What the page says of the evidence is the printed plan's sentence for the plan's cause and
# chronicity (Tu 2024 was in chronic disc sciatica only), never a wider claim.
EVIDENCE_SCENARIOS = [
    ("a disc of a few weeks: the sham trial was in chronic sciatica", "disc_herniation", 4,
     "for sciatica of a few weeks there is no such trial"),
    ("a disc of 20 weeks: the one sham-controlled trial", "disc_herniation", 20,
     "A trial in sciatica from a disc lasting more than 3 months found"),
    ("stenosis: no sham trial for this cause", "spinal_stenosis", 20,
     "No trial has compared acupuncture with sham treatment for this cause"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("cause", "weeks", "sentence"),
    [s[1:] for s in EVIDENCE_SCENARIOS],
    ids=[s[0] for s in EVIDENCE_SCENARIOS],
)
def test_the_page_says_what_the_trials_found_for_this_cause_as_the_printed_plan_does(
    practitioner, cause, weeks, sentence
):
    episode = make_episode(practitioner=practitioner, patient=make_patient(date_of_birth=BORN))
    make_exam(episode, history={**L5_DISC_HISTORY, "duration_weeks": weeks})
    make_diagnosis(episode, practitioner, cause=cause)
    make_approved_plan(episode, practitioner)
    text = " ".join(opened(episode, practitioner).get(reverse("course_home")).text.split())
    assert sentence in text
    assert "does not recommend acupuncture for low back pain with or without sciatica" in text
    assert "more than sham treatment or usual medicines" not in text


def test_the_follow_up_is_asked_before_the_review_visit_and_reaches_the_review(
    episode, practitioner, client_for
):
    make_visits(episode, practitioner, 6, 5, 5)  # the review is at visit 4
    client = opened(episode, practitioner)
    assert "A few questions before visit 4" in client.get(reverse("course_home")).content.decode()
    answers = {"leg_pain_now": "3", "back_pain_now": "2", "global_change": "much_improved",
               **{f"odi_{s}": "1" for s in ("pain_intensity", "personal_care", "lifting",
                  "walking", "sitting", "standing", "sleeping", "sex_life", "social_life",
                  "travelling")}}  # fmt: skip
    assert client.post(reverse("course_home"), answers).status_code == 302
    saved = FollowUp.objects.get(episode=episode, at_visit=4)
    assert saved.answers["leg_pain_now"] == 3
    assert AuditEvent.objects.filter(object_type="followup", action="change").exists()
    room = client_for(practitioner).get(reverse("visit_edit", args=[episode.pk, 4]))
    assert room.context["form"].initial["leg_pain_before"] == 3  # the room starts from it
    assert room.context["form"].initial["odi_lifting"] == 1
    make_visits(episode, practitioner, 4)  # visit 4, without re-measuring in the room
    course = client_for(practitioner).get(reverse("course_detail", args=[episode.pk]))
    assert course.context["review"]["changes"]["leg_pain"]["latest"] == 3  # from home


def test_the_follow_ups_sex_life_section_may_not_apply_as_in_the_first_questionnaire(
    episode, practitioner
):
    make_visits(episode, practitioner, 6, 5, 5)  # the review is at visit 4
    client = opened(episode, practitioner)
    page = client.get(reverse("course_home")).content.decode()
    assert 'name="odi_sex_life" value="na"' in page and "This does not apply to me" in page
    client.post(reverse("course_home"), {"odi_sex_life": "na", "odi_walking": "2"})
    saved = FollowUp.objects.get(episode=episode, at_visit=4).answers["questionnaires"]["odi"]
    assert saved == {"sex_life": None, "walking": 2}  # null: does not apply (case format)
    again = client.get(reverse("course_home"))
    assert again.context["form"].initial["odi_sex_life"] == "na"


def test_the_follow_up_saves_in_the_background_as_it_is_answered(episode, practitioner):
    make_visits(episode, practitioner, 6, 5, 5)
    client = opened(episode, practitioner)
    page = client.get(reverse("course_home")).content.decode()
    assert "data-autosave" in page and "js/questionnaire.js" in page
    saved = client.post(reverse("course_home"), {"leg_pain_now": "4", "autosave": "1"})
    assert saved.status_code == 200 and "saved_at" in saved.json()
    assert FollowUp.objects.get(episode=episode, at_visit=4).answers == {"leg_pain_now": 4}
    again = client.post(reverse("course_home"), {"leg_pain_now": "4", "back_pain_now": "1",
                                                 "autosave": "1"})  # fmt: skip
    assert again.status_code == 200
    assert FollowUp.objects.get(episode=episode, at_visit=4).answers == {
        "leg_pain_now": 4, "back_pain_now": 1,
    }  # fmt: skip
    refused = client.post(reverse("course_home"), {"leg_pain_now": "11", "autosave": "1"})
    assert refused.status_code == 400 and "leg_pain_now" in refused.json()["errors"]
    assert FollowUp.objects.get(episode=episode, at_visit=4).answers["leg_pain_now"] == 4


def test_two_tabs_answering_the_follow_up_each_keep_their_answers(episode, practitioner):
    """Each tab sends what its page showed: a save changes only what that tab changed."""
    make_visits(episode, practitioner, 6, 5, 5)
    client = opened(episode, practitioner)
    first_tab = second_tab = shown_on(client.get(reverse("course_home")))  # both opened
    url = reverse("course_home")
    client.post(url, {"shown": first_tab, "leg_pain_now": "3", "back_pain_now": "",
                      "autosave": "1"})  # fmt: skip
    client.post(url, {"shown": second_tab, "leg_pain_now": "", "back_pain_now": "2",
                      "global_change": "much_improved", "autosave": "1"})  # fmt: skip
    assert FollowUp.objects.get(episode=episode, at_visit=4).answers == {
        "leg_pain_now": 3, "back_pain_now": 2, "global_change": "much_improved",
    }  # fmt: skip
    cleared = client.post(url, {"shown": json.dumps({"leg_pain_now": 3}), "leg_pain_now": "",
                                "autosave": "1"})  # fmt: skip
    assert cleared.json()["shown"]  # the page's next save compares with this
    assert "leg_pain_now" not in FollowUp.objects.get(episode=episode, at_visit=4).answers


def test_five_wrong_dates_of_birth_lock_the_link(episode, practitioner):
    client = opened(episode, practitioner, born=datetime.date(1990, 1, 1))
    for _ in range(4):
        client.post(reverse("course_link_check"), {"day": 1, "month": 1, "year": 1990})
    assert CourseLink.objects.get().locked_at is not None
    assert client.get(reverse("course_home")).status_code == 404


def test_a_new_link_ends_the_old_one(episode, practitioner):
    _old, token = create_course_link(episode, by=practitioner)
    create_course_link(episode, by=practitioner)
    assert Client().get(reverse("course_link", args=[token])).status_code == 404


def test_the_visit_dates_download_as_a_calendar(episode, practitioner):
    response = opened(episode, practitioner).get(reverse("course_calendar"))
    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar"
    assert body.count("BEGIN:VEVENT") == 8 and "DTSTART;VALUE=DATE:20260302" in body
    assert AuditEvent.objects.filter(action="export", detail="visit dates (.ics)").exists()


def test_the_front_desk_makes_the_link_and_it_is_shown_once(episode, front_desk, client_for):
    client = client_for(front_desk)
    response = client.post(reverse("course_link_create", args=[episode.pk]), follow=True)
    assert "/c/" in response.content.decode()
    assert CourseLink.objects.filter(episode=episode).count() == 1


def test_the_link_page_shows_it_once_to_copy_or_scan_and_a_reload_shows_none(
    episode, front_desk, client_for
):
    client = client_for(front_desk)
    response = client.post(reverse("course_link_create", args=[episode.pk]))
    page = client.get(response["Location"])
    url = page.context["url"]
    assert "/c/" in url and f'value="{url}"' in page.content.decode()
    assert "<svg" in page.content.decode() and "Copy" in page.content.decode()
    again = client.get(response["Location"])
    assert "url" not in again.context and "/c/" not in again.content.decode()
    assert "shown once" in again.content.decode()
    assert Client().get(url.removeprefix("http://testserver")).status_code == 302  # it opens


def test_the_link_is_emailed_when_asked_and_the_page_says_so(
    episode, front_desk, client_for, mailoutbox
):
    episode.patient.email = "lena@example.org"
    episode.patient.save()
    client = client_for(front_desk)
    page = client.post(reverse("course_link_create", args=[episode.pk]), {"send": "1"}, follow=True)
    (sent,) = mailoutbox
    assert sent.to == ["lena@example.org"] and page.context["url"] in sent.body
    assert "Sent by email to lena@example.org" in page.content.decode()
    assert AuditEvent.objects.filter(detail="course link emailed to lena@example.org").exists()


def test_an_email_that_fails_still_shows_the_link_to_give_by_hand(
    episode, front_desk, client_for, settings
):
    episode.patient.email = "lena@example.org"
    episode.patient.save()
    settings.EMAIL_BACKEND = "tests.plans.test_patient_course.FailingEmail"
    page = client_for(front_desk).post(
        reverse("course_link_create", args=[episode.pk]), {"send": "1"}, follow=True
    )
    body = page.content.decode()
    assert "The email could not be sent" in body and "/c/" in page.context["url"]
    assert "Sent by email" not in body


class FailingEmail:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("the mail server is down")


def test_no_follow_up_is_asked_when_the_next_visit_is_not_a_review(episode, practitioner):
    make_visits(episode, practitioner, 6)  # next: visit 2; the review is at 4
    page = opened(episode, practitioner).get(reverse("course_home"))
    assert page.context["due"] is None
    assert "A few questions" not in page.content.decode()


def test_the_patients_visit_list_says_what_became_of_each_visit(episode, practitioner):
    plan = episode.plans.get()  # from 2 March 2026: every planned date has passed
    Visit.objects.create(episode=episode, plan=plan, number=1, status="done", date=plan.start_date)
    moved = timezone.localdate() + datetime.timedelta(days=3)
    Visit.objects.create(episode=episode, plan=plan, number=2, status="moved", date=moved)
    page = opened(episode, practitioner).get(reverse("course_home"))
    rows = {number: (day, words) for number, day, words in page.context["visit_rows"]}
    assert rows[1][1] == "Done"
    assert rows[2] == (moved, "moved to this day")
    assert rows[3][1] == "if you missed it, please call us to book another"
