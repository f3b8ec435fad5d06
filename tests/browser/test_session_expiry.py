"""A session that ends while a form is being filled loses nothing typed."""

import time

from django.contrib.sessions.models import Session
from playwright.sync_api import Page, expect

from intake.models import Exam
from tests.browser.conftest import confirm_birth_date, sign_in
from tests.browser.test_treatment_room import open_the_exam, record_an_l5_disc_exam
from tests.builders import PASSWORD, make_episode


def test_an_exam_sent_after_the_session_ended_is_back_after_signing_in(page: Page, practitioner):
    episode = make_episode(practitioner=practitioner)
    open_the_exam(page, episode.get_absolute_url())
    record_an_l5_disc_exam(page)
    # The live assessment beside the form is asked for as the fields change: let it answer
    # first, as the live server shares this test's SQLite connection.
    page.wait_for_load_state("networkidle")
    Session.objects.all().delete()  # the idle timeout, as the server sees it
    page.get_by_role("button", name="Save exam").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill("practitioner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status").first).to_contain_text("What you typed is back")
    expect(page.get_by_label("SLR angle, right (degrees)")).to_have_value("40")
    expect(page.get_by_label("Duration of this episode (weeks)")).to_have_value("3")
    page.wait_for_load_state("networkidle")  # the restored form asks for its assessment
    page.get_by_role("button", name="Save exam").click()
    expect(page.get_by_role("status").first).to_contain_text("The exam is saved (version 1)")
    page.wait_for_load_state("networkidle")  # the saved page asks for its live assessment
    assert Exam.objects.get(episode=episode).findings  # saved, with what was typed
    page.reload()
    expect(page.get_by_text("What you typed is back")).to_have_count(0)


def test_the_page_warns_two_minutes_before_the_idle_timeout(page: Page, practitioner):
    sign_in(page, "practitioner")
    warning = page.locator("#idle-warning")
    expect(warning).to_be_hidden()
    page.clock.install()
    page.reload()
    page.clock.fast_forward(28 * 60 * 1000 + 1000)
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("signed out in two minutes")
    warning.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()


def open_questionnaire(p: Page, token: str) -> None:
    from tests.browser.test_questionnaire import BORN

    p.goto(f"/q/{token}/")
    confirm_birth_date(p, BORN)
    p.get_by_role("link", name="Start").click()


def test_a_patients_unsent_answers_are_sent_when_the_link_is_opened_again(
    phone_page: Page, live_server
):
    from intake.models import Questionnaire
    from tests.browser.test_questionnaire import new_patient_link

    episode, token = new_patient_link(live_server)
    p = phone_page
    open_questionnaire(p, token)
    expect(p.get_by_role("heading", level=1)).to_have_text("About you")
    p.get_by_label("What would you most like to be able to do again?").fill("Walk the dog")
    # The page's own requests answered before this test reads or writes the database: the
    # live server shares this test's SQLite connection.
    p.wait_for_load_state("networkidle")
    Session.objects.all().delete()  # the session ended while the patient was typing
    p.get_by_role("button", name="Save and continue").click()
    expect(p.get_by_role("heading", level=1)).not_to_have_text("Pain")
    p.wait_for_load_state("networkidle")
    assert "goals" not in Questionnaire.objects.get(episode=episode).extra
    open_questionnaire(p, token)  # later, from the same phone
    expect(p.get_by_label("What would you most like to be able to do again?")).to_have_value(
        "Walk the dog"
    )
    p.wait_for_load_state("networkidle")
    assert Questionnaire.objects.get(episode=episode).extra["goals"] == "Walk the dog"


def open_course(p: Page, token: str, born, *, loaded: bool = True) -> None:
    p.goto(f"/c/{token}/")
    confirm_birth_date(p, born)
    if loaded:
        # The course page's script listens only once the page has loaded: an answer picked
        # before then sends no background save (CI once picked it first).
        p.wait_for_url("**/my-course/", wait_until="load")


def follow_up_due(practitioner) -> tuple[object, str]:
    """An episode whose patient has the follow-up before visit 4 to answer, and their link."""
    from plans.visits import create_course_link
    from tests.browser.test_course_of_care import BORN
    from tests.builders import make_patient
    from tests.plans.builders import make_approved_plan, make_exam, make_visits

    episode = make_episode(patient=make_patient(date_of_birth=BORN), practitioner=practitioner)
    make_exam(episode)
    make_approved_plan(episode, practitioner)  # the review at visit 4
    make_visits(episode, practitioner, 6, 5, 5)
    _link, token = create_course_link(episode, by=practitioner)
    return episode, token


def test_a_follow_up_saves_as_it_is_answered_and_unsent_answers_wait_for_the_link(
    phone_page: Page, practitioner
):
    from plans.visits import FollowUp
    from tests.browser.test_course_of_care import BORN

    episode, token = follow_up_due(practitioner)
    p = phone_page
    open_course(p, token, BORN)
    p.get_by_label("Your leg pain now").select_option("3")
    # In the background, no button pressed: 3 s after the last change, then the request.
    expect(p.get_by_text("Saved at")).to_be_visible(timeout=15_000)
    p.wait_for_load_state("networkidle")  # the live server shares this test's connection
    assert FollowUp.objects.get(episode=episode, at_visit=4).answers == {"leg_pain_now": 3}

    p.get_by_label("Your back pain now").select_option("2")
    Session.objects.all().delete()  # the link's session ended while the patient answered
    p.get_by_role("button", name="Save my answers").click()
    expect(p.get_by_role("heading", level=1)).not_to_have_text("Your treatment", timeout=5000)
    p.wait_for_load_state("networkidle")
    assert "back_pain_now" not in FollowUp.objects.get(episode=episode, at_visit=4).answers
    open_course(p, token, BORN)  # later, from the same phone
    expect(p.get_by_label("Your back pain now")).to_have_value("2")
    p.wait_for_load_state("networkidle")
    assert FollowUp.objects.get(episode=episode, at_visit=4).answers == {
        "leg_pain_now": 3,
        "back_pain_now": 2,
    }


def slow_script(p: Page) -> None:
    """The questionnaire's script arrives 2 s late, as on a slow phone connection."""
    p.route("**/js/questionnaire*.js", lambda route: (time.sleep(2), route.continue_()))


def background_saves(p: Page) -> list[str]:
    sent: list[str] = []
    p.on(
        "request",
        lambda r: sent.append(r.url) if "autosave" in (r.post_data or "") else None,
    )
    return sent


def test_an_answer_picked_before_the_script_arrived_is_still_saved_in_the_background(
    phone_page: Page, practitioner
):
    from plans.visits import FollowUp
    from tests.browser.test_course_of_care import BORN

    episode, token = follow_up_due(practitioner)
    p = phone_page
    slow_script(p)
    open_course(p, token, BORN, loaded=False)
    p.get_by_label("Your leg pain now").select_option("3")  # the script is still on its way
    expect(p.get_by_text("Saved at")).to_be_visible(timeout=15_000)
    p.wait_for_load_state("networkidle")
    assert FollowUp.objects.get(episode=episode, at_visit=4).answers == {"leg_pain_now": 3}


def test_a_page_opened_and_left_alone_sends_no_background_save(phone_page: Page, practitioner):
    """Saved answers shown again (lists, choices, boxes, numbers) are not a change."""
    from intake.models import create_invitation
    from tests.browser.test_course_of_care import BORN

    episode, course_token = follow_up_due(practitioner)
    p = phone_page
    sent = background_saves(p)
    open_course(p, course_token, BORN)
    p.get_by_label("Your leg pain now").select_option("3")
    expect(p.get_by_text("Saved at")).to_be_visible(timeout=15_000)
    p.reload(wait_until="load")  # the saved answer shown again
    expect(p.get_by_label("Your leg pain now")).to_have_value("3")

    _invitation, token = create_invitation(episode, by=None)
    p.goto(f"/q/{token}/")
    confirm_birth_date(p, BORN)
    p.goto("/questionnaire/story/")
    p.get_by_label("Number").fill("3")
    p.get_by_label("Days, weeks, months or years").select_option("weeks")
    p.locator('input[name="onset"][value="sudden"]').check(force=True)
    p.locator('input[name="symptoms"][value="tingling"]').check(force=True)
    expect(p.get_by_text("Saved at")).to_be_visible(timeout=15_000)
    p.reload(wait_until="load")
    expect(p.get_by_label("Number")).to_have_value("3")
    saved_before = len(sent)

    p.wait_for_timeout(4_500)  # longer than the 3 s the script waits before it saves
    assert sent[saved_before:] == []
    open_course(p, course_token, BORN)
    p.wait_for_timeout(4_500)
    assert sent[saved_before:] == []
