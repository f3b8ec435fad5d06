"""The course of care in a real browser: visits recorded with "same as last visit", the
patient's follow-up at home on a phone, the review, the progress report, and a second
patient who is not improving: modify, a revised plan that continues the count, refer."""

import datetime
import io

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from plans.models import TreatmentPlan
from plans.visits import Visit, create_course_link
from tests.browser.conftest import confirm_birth_date, sign_in
from tests.builders import make_episode, make_patient
from tests.plans.builders import make_approved_plan, make_exam

BORN = datetime.date(1970, 8, 9)


def record_visit(page: Page, episode, number: int, leg: str, *, same: bool) -> None:
    page.goto(f"/episodes/{episode.pk}/visits/{number}/")
    if same:
        page.get_by_role("link", name="Same as last visit").click()
    page.get_by_label("All asked, all no").check()
    page.get_by_label("Leg pain before (0-10)").select_option(leg)
    page.get_by_label("Needles").fill("6")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Visit {number} is saved")
    page.get_by_role("button", name="Sign version").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Visit {number} is signed")


def test_a_course_that_improves_and_one_that_is_modified_then_referred(
    page: Page, phone_page: Page, practitioner
):
    patient = make_patient(first_name="Ines", last_name="Carvalho", date_of_birth=BORN)
    episode = make_episode(patient=patient, practitioner=practitioner)
    make_exam(episode)
    make_approved_plan(episode, practitioner)  # 8 visits, the review at visit 4
    sign_in(page, "practitioner")
    record_visit(page, episode, 1, "6", same=False)
    record_visit(page, episode, 2, "5", same=True)
    record_visit(page, episode, 3, "4", same=True)
    assert (
        Visit.objects.get(episode=episode, number=3).record["modalities"]
        == (Visit.objects.get(episode=episode, number=1).record["modalities"])
    )

    # At home, on a phone, before the review visit.
    _link, token = create_course_link(episode, by=practitioner)
    phone_page.goto(f"/c/{token}/")
    confirm_birth_date(phone_page, BORN)
    expect(phone_page.get_by_role("heading", name="A few questions before visit 4")).to_be_visible()
    phone_page.get_by_label("Your leg pain now").select_option("3")
    phone_page.get_by_label("Since treatment started").select_option("much_improved")
    phone_page.get_by_role("button", name="Save my answers").click()
    expect(phone_page.get_by_role("status").first).to_contain_text("your answers are saved")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone

    page.goto(f"/episodes/{episode.pk}/visits/4/")
    expect(page.get_by_label("Leg pain before (0-10)")).to_have_value("3")  # from home
    record_visit(page, episode, 4, "3", same=True)
    page.goto(f"/episodes/{episode.pk}/course/")
    expect(page.get_by_role("heading", name="Review after visit 4")).to_contain_text("Improving")
    expect(page.locator("svg.trend-chart")).to_be_visible()
    report = page.request.get(f"/episodes/{episode.pk}/progress/patient/?pdf=a4")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(report.body())).pages)
    assert "Your progress" in text and "4 of 8 attended" in text

    # A second patient, not improving at the review.
    other = make_episode(patient=make_patient(last_name="Brandt"), practitioner=practitioner)
    make_exam(other)
    make_approved_plan(other, practitioner)
    for number in range(1, 5):
        record_visit(page, other, number, "6", same=number > 1)
    page.goto(f"/episodes/{other.pk}/course/")
    expect(page.get_by_role("heading", name="Review after visit 4")).to_contain_text("No change")
    expect(page.get_by_label("Your decision")).to_have_value("modify")
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_role("button", name="Change this plan (new version)").click()
    page.get_by_label("Points (one per line)").fill("BL40\nGB34")
    page.get_by_role("button", name="Approve plan").click()
    expect(page.get_by_role("status").first).to_contain_text("Version 2 is approved")
    page.goto(f"/episodes/{other.pk}/course/")
    expect(page.locator("body")).to_contain_text("Following plan version 2")
    record_visit(page, other, 5, "6", same=True)
    assert Visit.objects.get(episode=other, number=5).plan.version == 2
    for number in range(6, 9):
        record_visit(page, other, number, "6", same=True)
    page.goto(f"/episodes/{other.pk}/course/")
    expect(page.get_by_label("Your decision")).to_have_value("refer")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_label("Letter")).to_contain_text("8 of 8 planned visits")
    page.get_by_role("button", name="Approve").click()
    assert other.plans.filter(kind=TreatmentPlan.Kind.REFERRAL, status="approved").exists()
