"""The visits of a course: recording, "same as last visit", red flags asked again,
excluded modalities, signing, addenda, conflicts, the review decision."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from clinic.models import AuditEvent
from plans.models import approve_plan, revise_plan
from plans.visit_forms import parse_points
from plans.visits import (
    ReviewDecision,
    SignedRecordError,
    Visit,
    VisitConflict,
    save_visit,
    schedule,
)
from tests.builders import make_episode, with_audit
from tests.plans.builders import L5_DISC_HISTORY, make_approved_plan, make_exam, make_visits

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(practitioner):
    episode = make_episode(practitioner=practitioner)
    make_exam(episode)
    make_approved_plan(episode, practitioner)
    return episode


def form_data(**overrides):
    data = {
        "version": "0",
        "date": "2026-03-02",
        "red_flags_none": "on",
        "position": "prone",
        "modalities": ["acupuncture"],
        "points": "BL23 both\nGB30 right",
        "needles": "6",
        "retention_minutes": "20",
        "de_qi": "on",
        "session_minutes": "20",
        "leg_pain_before": "6",
        "leg_pain_after": "4",
        "back_pain_before": "3",
        "adherence": "most",
        "subjective": "Sitting still hurts.",
    }
    data.update(overrides)
    return data


def url(episode, number=1, name="visit_edit"):
    return reverse(name, args=[episode.pk, number])


def test_a_practitioner_records_a_visit_as_a_draft_that_counts_as_done(
    episode, practitioner, client_for
):
    client = client_for(practitioner)
    response = client.post(url(episode), form_data())
    assert response.status_code == 302
    visit = Visit.objects.get(episode=episode, number=1)
    assert (visit.status, visit.is_signed, visit.version) == ("done", False, 1)
    assert visit.record["modalities"][0]["points"] == [
        {"point": "BL23", "side": "both"}, {"point": "GB30", "side": "right"}]  # fmt: skip
    assert visit.record["leg_pain_before"] == 6
    assert AuditEvent.objects.filter(object_type="visit", action="change").exists()
    page = client.get(reverse("episode_detail", args=[episode.pk])).content.decode()
    assert "1 of 8 visits done" in page


def test_the_form_starts_from_the_plan_and_same_as_last_visit_copies_the_last_record(
    episode, practitioner, client_for
):
    client = client_for(practitioner)
    first = client.get(url(episode)).content.decode()
    assert "BL23 right" in first and "GB39 right" in first  # the plan's, on the painful side
    client.post(url(episode), form_data(points="BL40 left", needles="9"))
    same = client.get(url(episode, 2) + "?same=1")
    assert same.context["form"].initial["points"] == "BL40 left"
    assert same.context["form"].initial["needles"] == 9
    assert same.context["form"].initial["version"] == 0  # a new visit, not visit 1
    for measured_afresh in ("leg_pain_before", "back_pain_before", "adherence", "subjective"):
        assert not same.context["form"].initial.get(measured_afresh), measured_afresh


REOPENED = {
    "all answered no": ({"red_flags_none": "on"}, {"red_flags_none": True, "red_flags_yes": []}),
    "one answered yes": (
        {"red_flags_yes": ["fever_or_chills"]},
        {"red_flags_none": False, "red_flags_yes": ["fever_or_chills"]},
    ),
}


@pytest.mark.parametrize(("answers", "shown"), REOPENED.values(), ids=REOPENED.keys())
def test_a_draft_reopened_shows_its_red_flag_answers_as_saved(
    answers, shown, episode, practitioner, client_for
):
    client = client_for(practitioner)
    data = {k: v for k, v in form_data().items() if k != "red_flags_none"}
    client.post(url(episode), data | answers)
    initial = client.get(url(episode)).context["form"].initial
    assert {key: initial.get(key) for key in shown} == shown


def test_same_as_last_visit_leaves_the_red_flag_questions_to_be_asked_again(
    episode, practitioner, client_for
):
    client = client_for(practitioner)
    client.post(url(episode), form_data())
    initial = client.get(url(episode, 2) + "?same=1").context["form"].initial
    assert not initial.get("red_flags_none") and not initial.get("red_flags_yes")


@pytest.mark.parametrize(
    ("points", "message"),
    [("BL23 both\nbl23 left", "bl23 is listed twice"), ("GB30\ngb30 right", "listed twice")],
    ids=["a point twice", "a point twice, once without its side"],
)
def test_each_point_is_given_once(points, message, episode, practitioner, client_for):
    response = client_for(practitioner).post(url(episode), form_data(points=points))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Visit.objects.exists()


def test_a_point_is_kept_as_written_with_its_side_or_both_sides():
    points, problems = parse_points("EX-B2 (Huatuojiaji L4-S1) right\nBL40\nDU3 midline")
    assert problems == []
    assert points == [
        {"point": "EX-B2 (Huatuojiaji L4-S1)", "side": "right"},
        {"point": "BL40", "side": "both"},
        {"point": "DU3", "side": "midline"},
    ]


def test_the_red_flag_questions_must_be_asked(episode, practitioner, client_for):
    data = form_data()
    del data["red_flags_none"]
    response = client_for(practitioner).post(url(episode), data)
    assert "Ask the red-flag questions" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_red_flag_answered_yes_stops_the_visit_and_opens_the_referral_letter(
    episode, practitioner, client_for
):
    client = client_for(practitioner)
    data = form_data(red_flags_yes=["saddle_anaesthesia"])
    del data["red_flags_none"]
    response = client.post(url(episode), data)
    assert response["Location"] == reverse("plan_edit", args=[episode.pk])
    letter = client.get(response["Location"])
    assert letter.context["refer"] is True
    assert letter.context["form"].initial["urgency"] == "emergency"


MINUTES = {
    "a session of 999 minutes": ({"session_minutes": "999"}, "session_minutes"),
    "needles retained longer than the session": (
        {"session_minutes": "20", "retention_minutes": "30"},
        "retention_minutes",
    ),
    "cupping longer than the session": (
        {
            "modalities": ["acupuncture", "cupping"],
            "cupping_method": "stationary",
            "cupping_area": "low back",
            "cupping_minutes": "25",
            "session_minutes": "20",
        },
        "cupping_minutes",
    ),  # fmt: skip
}


@pytest.mark.parametrize(("changed", "field"), MINUTES.values(), ids=MINUTES)
def test_minutes_that_cannot_be_are_refused_with_what_was_typed_kept(
    changed, field, episode, practitioner, client_for
):
    response = client_for(practitioner).post(url(episode), form_data(**changed))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert form["subjective"].value() == "Sitting still hurts."
    assert not Visit.objects.exists()


def test_a_visit_is_recorded_today_by_default_and_never_in_the_future(
    episode, practitioner, client_for
):
    client = client_for(practitioner)
    today = timezone.localdate()
    assert client.get(url(episode, 3)).context["form"].initial["date"] == today
    tomorrow = today + datetime.timedelta(days=1)
    response = client.post(url(episode), form_data(date=tomorrow.isoformat()))
    assert "cannot be after today" in response.content.decode()
    assert response.context["form"]["subjective"].value() == "Sitting still hurts."
    assert not Visit.objects.exists()


def test_a_session_of_two_hours_with_its_needles_retained_for_an_hour_is_kept(
    episode, practitioner, client_for
):
    data = form_data(session_minutes="120", retention_minutes="60")
    assert client_for(practitioner).post(url(episode), data).status_code == 302


def test_a_red_flag_at_a_visit_stays_on_the_dashboard_and_episode_until_the_referral_is_sent(
    episode, practitioner, front_desk, client_for
):
    from clinic.models import Episode

    data = form_data(red_flags_yes=["progressive_weakness"])
    del data["red_flags_none"]
    client_for(practitioner).post(url(episode), data)
    flagged_at = Visit.objects.get(episode=episode, number=1).red_flag_at

    def listed(user):
        page = client_for(user).get(reverse("questionnaire_dashboard"))
        return [(v.episode, names) for v, names in page.context["visit_flags"]], page

    (shown, page) = listed(front_desk)
    assert shown == [(episode, ["Leg weakness getting worse"])]
    assert "Red flag at visit 1" in page.content.decode()
    banner = "A red flag was answered yes at a visit"
    assert banner in client_for(front_desk).get(episode.get_absolute_url()).content.decode()
    client_for(practitioner).post(url(episode), data | {"version": "1", "subjective": "Later."})
    assert Visit.objects.get(episode=episode, number=1).red_flag_at == flagged_at  # first said
    Episode.objects.filter(pk=episode.pk).update(status="referred", referred_at=timezone.now())
    assert listed(practitioner)[0] == []  # the referral is sent: acted on
    assert banner not in client_for(practitioner).get(episode.get_absolute_url()).content.decode()


def test_a_visit_with_every_red_flag_answered_no_is_not_on_the_dashboard(
    episode, practitioner, client_for
):
    client = client_for(practitioner)
    client.post(url(episode), form_data())
    assert Visit.objects.get(episode=episode, number=1).red_flag_at is None
    assert client.get(reverse("questionnaire_dashboard")).context["visit_flags"] == []


def test_an_excluded_modality_is_refused_without_a_reason(practitioner, client_for):
    episode = make_episode(practitioner=practitioner)
    history = {**L5_DISC_HISTORY, "conditions": ["pacemaker"]}  # no electroacupuncture
    make_exam(episode, history=history)
    make_approved_plan(episode, practitioner, modalities=[{"code": "acupuncture"}])
    client = client_for(practitioner)
    given = {"modalities": ["acupuncture", "electroacupuncture"], "ea_frequency_hz": "2",
             "ea_minutes": "20", "ea_waveform": "continuous"}  # fmt: skip
    refused = client.post(url(episode), form_data(**given))
    assert "Electroacupuncture is excluded for this patient" in refused.content.decode()
    assert not Visit.objects.exists()
    kept = client.post(
        url(episode), form_data(**given, override_electroacupuncture="Cardiologist agreed")
    )
    assert kept.status_code == 302
    assert Visit.objects.get().record["overrides"] == {"electroacupuncture": "Cardiologist agreed"}


def test_electroacupuncture_keeps_the_plan_builders_limits(episode, practitioner, client_for):
    data = form_data(modalities=["electroacupuncture"], ea_frequency_hz="500", ea_minutes="20")
    response = client_for(practitioner).post(url(episode), data)
    assert "Give a frequency of" in response.content.decode()


def test_two_practitioners_saving_the_same_draft_get_a_conflict(episode, practitioner, client_for):
    client = client_for(practitioner)
    client.post(url(episode), form_data())  # version 1
    client.post(url(episode), form_data(version="1", needles="7"))  # version 2
    stale = client.post(url(episode), form_data(version="1", needles="9"))
    assert stale.status_code == 200
    assert stale.context["conflict"].version == 2
    assert "after you opened it" in stale.content.decode()
    assert Visit.objects.get().record["modalities"][0]["needles"] == 7


def test_save_visit_refuses_a_stale_version(episode, practitioner):
    make_visits(episode, practitioner, 6)
    with pytest.raises(VisitConflict):
        save_visit(episode, number=1, date=datetime.date(2026, 3, 2), record={}, measures={},
                   opened_at_version=0, by=practitioner)  # fmt: skip


def test_a_signed_visit_cannot_be_changed_by_the_form_a_tampered_post_or_the_model(
    episode, practitioner, client_for
):
    client = client_for(practitioner)
    client.post(url(episode), form_data())
    client.post(url(episode, name="visit_sign"), {"version": "1"})
    visit = Visit.objects.get()
    assert visit.is_signed
    page = client.get(url(episode)).content.decode()
    assert "Signed by" in page and 'name="needles"' not in page  # no form to change it
    tampered = client.post(url(episode), form_data(version="1", needles="40"))
    assert tampered.status_code == 302
    with pytest.raises(SignedRecordError):
        save_visit(episode, number=1, date=visit.date, record={}, measures={},
                   opened_at_version=1, by=practitioner)  # fmt: skip
    visit.record = {}
    with pytest.raises(SignedRecordError):
        visit.save()
    assert not admin.site.is_registered(Visit)  # no admin path to it either
    assert Visit.objects.get().record["modalities"][0]["needles"] == 6


def test_an_addendum_shows_beside_the_original_with_who_when_and_why(
    episode, practitioner, client_for
):
    client = client_for(practitioner)
    make_visits(episode, practitioner, 6, sign=True)
    client.post(url(episode, name="visit_addendum"),
                {"text": "Needles were 8, not 6.", "reason": "Miscounted"})  # fmt: skip
    page = client.get(url(episode)).content.decode()
    assert "Needles were 8, not 6." in page and "Why: Miscounted" in page
    assert "6 needles" in page  # the original, as signed
    assert AuditEvent.objects.filter(object_type="visitaddendum", action="create").exists()


def test_a_visit_missed_or_moved_does_not_count(episode, practitioner, client_for):
    client = client_for(practitioner)
    client.post(url(episode, 1, "visit_status"), {"status": "missed", "date": "2026-03-02"})
    client.post(url(episode, 2, "visit_status"), {"status": "moved", "date": "2026-03-07"})
    make_visits(episode, practitioner, 5)  # visit 3
    plan = episode.plans.get()
    course = schedule(episode, plan, list(episode.visits.all()))
    assert (course.done, course.planned) == (1, 8)
    assert [s.status for s in course.slots[:4]] == ["missed", "moved", "done", "planned"]
    assert course.slots[1].date == datetime.date(2026, 3, 7)


def test_a_revised_plan_continues_the_visit_count(episode, practitioner, client_for):
    make_visits(episode, practitioner, 6, 6, 6, 6, sign=True)
    revised = revise_plan(episode.plans.get(), by=practitioner)
    revised.points = ["BL40"]
    revised.save()
    approve_plan(revised, by=practitioner)
    response = client_for(practitioner).get(url(episode, 5))
    assert response.context["number"] == 5 and response.context["plan"].version == 2
    assert "Visit 5 of 8" in response.content.decode()


def test_the_review_visit_asks_the_outcomes_again_and_the_course_page_shows_the_review(
    episode, practitioner, client_for
):
    client = client_for(practitioner)
    make_visits(episode, practitioner, 6, 5, 4)
    odi = {f"odi_{s}": "1" for s in ("pain_intensity", "personal_care", "lifting", "walking",
                                      "sitting", "standing", "sleeping", "sex_life",
                                      "social_life", "travelling")}  # fmt: skip
    data = form_data(leg_pain_before="3", global_change="much_improved", **odi)
    assert client.post(url(episode, 4), data).status_code == 302
    assert Visit.objects.get(number=4).measures["global_change"] == "much_improved"
    page = client.get(reverse("course_detail", args=[episode.pk]))
    review = page.context["review"]
    assert (review["verdict"], review["recommendation"]) == ("improving", "continue")
    assert review["changes"]["leg_pain"]["change"] == -3
    html = page.content.decode()
    assert "<svg" in html and "Review after visit 4: Improving" in html


def test_the_practitioners_decision_at_the_review_is_recorded(episode, practitioner, client_for):
    make_visits(episode, practitioner, 6, 6, 6, 6)
    client = client_for(practitioner)
    decide = reverse("review_decide", args=[episode.pk])
    response = client.post(decide, {"decision": "modify", "note": ""})
    assert response["Location"] == episode.plans.get().get_absolute_url()
    decided = ReviewDecision.objects.get()
    assert (decided.at_visit, decided.recommended, decided.decision) == (4, "modify", "modify")
    refer = client.post(decide, {"decision": "refer", "note": "GP"})
    letter = client.get(refer["Location"])
    assert letter.context["refer"] is True
    assert "4 of 8 planned visits" in letter.context["form"].initial["letter"]


def test_a_decision_other_than_the_reviews_needs_its_reason(episode, practitioner, client_for):
    make_visits(episode, practitioner, 6, 6, 6, 6)  # no change: the review says modify
    client = client_for(practitioner)
    decide = reverse("review_decide", args=[episode.pk])
    refused = client.post(decide, {"decision": "continue", "note": " "}, follow=True)
    assert "Say why you decide otherwise (continue the plan)" in refused.content.decode()
    assert not ReviewDecision.objects.exists()
    done = client.post(decide, {"decision": "continue", "note": "walking further"}, follow=True)
    assert "Decision recorded: continue the plan." in done.content.decode()
    assert ReviewDecision.objects.get().note == "walking further"


def test_the_course_page_and_the_report_show_the_latest_decision_with_who_and_when(
    episode, practitioner, client_for
):
    make_visits(episode, practitioner, 6, 6, 6, 6)
    client = client_for(practitioner)
    decide = reverse("review_decide", args=[episode.pk])
    client.post(decide, {"decision": "modify", "note": "fewer points"})
    client.post(decide, {"decision": "continue", "note": "better after all"})
    course = client.get(reverse("course_detail", args=[episode.pk])).content.decode()
    today = timezone.localdate()
    assert (
        "Decided after visit 4: <strong>Continue the plan</strong> (the review recommended "
        f"modify the plan): better after all. {practitioner.get_full_name()}, "
        f"{today:%d %b %Y}." in course
    )
    assert "fewer points" not in course
    report = client.get(reverse("progress_report", args=[episode.pk, "clinician"]))
    assert (
        f"decided: continue the plan ({practitioner.get_full_name()}, {today.day} {today:%B %Y})"
        in report.content.decode()
    )


def test_the_front_desk_sees_the_schedule_and_the_count_but_not_the_records(
    episode, practitioner, front_desk, client_for
):
    make_visits(episode, practitioner, 6)
    page = client_for(front_desk).get(reverse("course_detail", args=[episode.pk]))
    html = page.content.decode()
    assert "1 of 8 visits done" in html
    assert "<svg" not in html and "Review at" not in html
    assert reverse("visit_edit", args=[episode.pk, 1]) not in html


def test_the_progress_report_prints_the_course_with_its_chart(episode, practitioner, client_for):
    make_visits(episode, practitioner, 6, 5, 4, 3)
    client = client_for(practitioner)
    page = client.get(reverse("progress_report", args=[episode.pk, "patient"]))
    html = page.content.decode()
    assert "4 of 8 attended" in html and "<svg" in html
    assert "Your symptoms have improved by an amount that matters." in html
    assert "does not recommend acupuncture" in html
    pdf = client.get(reverse("progress_report", args=[episode.pk, "clinician"]) + "?pdf=a4")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="print", detail="progress report clinician a4").exists()


def test_the_on_screen_reports_fit_a_phone_and_name_their_icon(episode, practitioner, client_for):
    make_visits(episode, practitioner, 6, 5)
    client = client_for(practitioner)
    plan = episode.plans.get()
    for url in (reverse("progress_report", args=[episode.pk, "patient"]),
                reverse("plan_print_preview", args=[plan.pk, "patient"])):  # fmt: skip
        html = client.get(url).content.decode()
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
        assert 'rel="icon"' in html


def test_the_clinic_sets_the_minimal_important_change(episode, practitioner, client_for, settings):
    make_visits(episode, practitioner, 6, 5)  # leg pain 6 to 5: 1 point, 17 %
    course = reverse("course_detail", args=[episode.pk])
    client = client_for(practitioner)
    assert client.get(course).context["review"]["verdict"] == "some_change"
    settings.REVIEW_MIC_NPRS = 1
    assert client.get(course).context["review"]["verdict"] == "improving"


def test_the_courses_page_lists_reviews_due_courses_nearly_used_up_and_patients_dropped_out(
    practitioner, front_desk, client_for
):
    today = datetime.date.today()

    def course(start=today, **dose):
        episode = make_episode(practitioner=practitioner)
        make_exam(episode)
        make_approved_plan(episode, practitioner, start_date=start, **dose)
        return episode

    # Visits 1-3 done; the review (visit 4, day 10 of the calendar) is in 3 days.
    review_due = course(start=today - datetime.timedelta(days=7))
    for number in (1, 2, 3):
        save_visit(review_due, number=number, date=today, record={"x": 1},
                   measures={}, opened_at_version=0, by=practitioner)  # fmt: skip
    used_up = course(total_visits=4, reassess_at_visit=2)
    make_visits(used_up, practitioner, 6, 6, 6, sign=True)
    dropped = course()
    Visit.objects.create(episode=dropped, plan=dropped.plans.get(), number=1, status="done",
                         date=today - datetime.timedelta(days=20))  # fmt: skip
    page = client_for(practitioner).get(reverse("course_list"))
    found = {key: [line.episode for line in lines] for key, lines in page.context["found"].items()}
    assert review_due in found["review_due"] and review_due in found["unsigned"]
    assert used_up in found["nearly_used_up"] and used_up not in found["review_due"]
    assert dropped in found["dropped_out"] and review_due not in found["dropped_out"]
    desk = client_for(front_desk).get(reverse("course_list"))
    assert "unsigned" not in desk.context["found"]  # the clinical record is not theirs


def test_a_review_held_with_no_decision_recorded_is_listed_until_one_is(
    practitioner, front_desk, client_for
):
    today = timezone.localdate()
    episode = make_episode(practitioner=practitioner)
    make_exam(episode)
    make_approved_plan(episode, practitioner, start_date=today, total_visits=8, reassess_at_visit=2)
    make_visits(episode, practitioner, 6, 6, sign=True)  # visits 1 and 2, the review
    client = client_for(practitioner)

    def undecided():
        found = client.get(reverse("course_list")).context["found"]
        return [line.episode for line in found["review_undecided"]]

    assert undecided() == [episode]
    client.post(reverse("review_decide", args=[episode.pk]), {"decision": "modify", "note": "x"})
    assert undecided() == []
    assert (
        "review_undecided"
        not in client_for(front_desk).get(reverse("course_list")).context["found"]
    )


def test_a_visit_missed_or_moved_is_not_the_next_one_unless_its_new_date_has_passed(
    practitioner, client_for
):
    today = timezone.localdate()
    episode = make_episode(practitioner=practitioner)
    make_exam(episode)
    plan = make_approved_plan(episode, practitioner, start_date=today - datetime.timedelta(days=10))
    days_ago = lambda n: today - datetime.timedelta(days=n)  # noqa: E731
    Visit.objects.create(episode=episode, plan=plan, number=1, status="missed", date=days_ago(10))
    Visit.objects.create(episode=episode, plan=plan, number=2, status="moved", date=days_ago(1))
    Visit.objects.create(episode=episode, plan=plan, number=3, status="done", date=days_ago(2))
    client = client_for(practitioner)
    (line,) = client.get(reverse("course_list")).context["found"]["overdue"]
    assert (line.episode, line.next_slot.number) == (episode, 2)  # moved to yesterday, not held
    course = client.get(reverse("course_detail", args=[episode.pk]))
    assert 2 in course.context["overdue"] and 1 not in course.context["overdue"]


def test_a_next_visit_whose_date_has_passed_is_marked_overdue(practitioner, client_for):
    today = timezone.localdate()
    episode = make_episode(practitioner=practitioner)
    make_exam(episode)
    make_approved_plan(episode, practitioner, start_date=today - datetime.timedelta(days=20))
    page = client_for(practitioner).get(reverse("course_list"))
    (line,) = page.context["found"]["overdue"]
    assert line.overdue and line.next_slot.number == 1
    assert "overdue" in page.content.decode()
    course = client_for(practitioner).get(reverse("course_detail", args=[episode.pk]))
    passed = [slot for slot in course.context["schedule"].slots if slot.date < today]
    assert 0 < len(passed) < len(course.context["schedule"].slots)
    assert course.content.decode().count("date passed, not recorded") == len(passed)


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("administrator", 403), ("front_desk", 200)],
    ids=["anonymous", "wrong role", "right role"],
)
def test_who_opens_the_courses_page(who, status, client_for, request):
    user = request.getfixturevalue(who) if who else None
    assert client_for(user).get(reverse("course_list")).status_code == status


def test_the_courses_page_reads_the_same_whatever_the_number_of_courses(
    episode, practitioner, client_for
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(practitioner)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("course_list")).status_code == 200
        return len(captured)

    make_visits(episode, practitioner, 6)
    before = queries()
    for _ in range(3):
        more = make_episode(practitioner=practitioner)
        make_exam(more)
        make_approved_plan(more, practitioner)
        make_visits(more, practitioner, 6, 5)
    # 1-2 the session and the user (it keeps the roles), 3 the approved plans of open
    # episodes with their patients, 4 their visits, 5 their review decisions, 6 the audit
    # event
    assert before == queries() == with_audit(6)


def test_a_red_flag_new_at_a_visit_words_the_letter_with_its_urgency(
    episode, practitioner, client_for
):
    client = client_for(practitioner)
    data = form_data(red_flags_yes=["fever_or_chills"])
    del data["red_flags_none"]
    letter = client.get(client.post(url(episode), data)["Location"])
    words = letter.context["form"].initial["letter"]
    assert letter.context["form"].initial["urgency"] == "same_day"
    assert "Please see the patient today" in words
    assert "I have stopped treatment" in words
