"""The treatment room in a real browser: exam, live assessment, diagnosis, plan, print."""

import io

from django.urls import reverse
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from clinic.models import AuditEvent
from clinic.roles import PRACTITIONER
from intake.core.case import RED_FLAG_QUESTIONS
from intake.models import Exam
from plans.models import TreatmentPlan
from tests.browser.conftest import DESKTOP, sign_in
from tests.builders import make_episode, make_patient, make_user
from tests.plans.builders import make_exam


def record_an_l5_disc_exam(page: Page) -> None:
    page.get_by_label("Duration of this episode (weeks)").fill("3")
    page.get_by_label("Side", exact=True).select_option("right")
    page.get_by_label("Leg pain worse than back pain").select_option("yes")
    for region in ("Buttock", "Back of thigh", "Shin", "Foot"):
        page.get_by_label(region, exact=True).check()
    page.get_by_label("Straight leg raise (SLR), right").select_option("positive")
    page.get_by_label("SLR angle, right (degrees)").fill("40")
    page.get_by_label("Slump test, right").select_option("positive")
    page.get_by_label("Ankle dorsiflexion (L4-5), right").select_option("4")
    page.get_by_label("Great toe extension (L5), right").select_option("4")
    page.get_by_label("Sensation L5, right").select_option("reduced")
    page.get_by_label("Heel walking, right").select_option("difficult")
    for question in RED_FLAG_QUESTIONS:
        page.locator(f"select[name=rf_{question}]").select_option("no")
    # The health questions answered: until then only manual acupuncture is proposed.
    page.locator("input[name=conditions][value=none_of_these]").check()


def open_the_exam(page: Page, episode_url: str) -> None:
    sign_in(page, "practitioner")
    page.goto(episode_url)
    page.get_by_role("link", name="Record the exam").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Exam")


def test_a_practitioner_examines_confirms_plans_approves_and_prints(page: Page, practitioner):
    patient = make_patient(first_name="Priya", last_name="Natarajan")
    episode = make_episode(patient=patient, practitioner=practitioner)
    open_the_exam(page, episode.get_absolute_url())

    record_an_l5_disc_exam(page)
    assessment = page.locator("#assessment")
    expect(assessment).to_contain_text("Live preview")  # updated before saving
    expect(assessment.locator("details[open] summary")).to_contain_text(
        "Lumbar disc herniation with radiculopathy likely"
    )
    expect(page.get_by_test_id("root")).to_contain_text("L5, right side")
    page.get_by_role("button", name="Save exam").click()
    expect(page.get_by_role("status").first).to_contain_text("The exam is saved (version 1)")

    expect(page.get_by_label("Working diagnosis")).to_have_value("disc_herniation")
    page.get_by_role("button", name="Record working diagnosis").click()
    expect(page.get_by_test_id("diagnosis")).to_contain_text("confirmed by Sam")

    page.get_by_role("link", name="Build the plan").click()
    expect(page.get_by_label("Electroacupuncture", exact=True)).to_be_checked()
    page.get_by_label("First visit").fill("2030-03-04")
    page.get_by_role("button", name="Approve plan").click()
    expect(page.get_by_role("status").first).to_contain_text("Version 1 is approved")

    link = page.get_by_role("link", name="Print patient copy (A4)")
    response = page.request.get(link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Priya Natarajan" in text
    assert "Electroacupuncture" in text
    plan = TreatmentPlan.objects.get(episode=episode)
    assert plan.start_date.isoformat() == "2030-03-04"
    for day in plan.visit_dates():
        assert day.strftime("%-d %b") in text
    assert f"Visit {plan.total_visits}" in text
    assert plan.modality("electroacupuncture") is not None
    assert AuditEvent.objects.filter(action="print", patient=patient).exists()


def test_with_a_pacemaker_electroacupuncture_is_excluded_and_refused_without_an_override(
    page: Page, practitioner
):
    episode = make_episode(practitioner=practitioner)
    open_the_exam(page, episode.get_absolute_url())

    record_an_l5_disc_exam(page)
    page.locator("input[name=conditions][value=none_of_these]").uncheck()
    page.get_by_label("Pacemaker", exact=True).check()
    excluded = page.locator("#assessment .excluded")
    expect(excluded).to_contain_text("Electroacupuncture")
    expect(excluded).to_contain_text("Electrical stimulation can interfere with a pacemaker")
    page.get_by_role("button", name="Save exam").click()
    page.get_by_role("button", name="Record working diagnosis").click()

    page.get_by_role("link", name="Build the plan").click()
    electro = page.get_by_label("Electroacupuncture", exact=True)
    expect(electro).not_to_be_checked()
    electro.check()
    page.get_by_role("button", name="Approve plan").click()
    expect(page.get_by_text("Electroacupuncture is excluded for this patient")).to_be_visible()
    expect(page.get_by_label("Electroacupuncture", exact=True)).to_be_checked()  # kept
    assert not TreatmentPlan.objects.filter(episode=episode).exists()

    page.get_by_label("Reason to use electroacupuncture anyway").fill(
        "Cardiology letter: device compatible; electrodes on the leg only"
    )
    page.get_by_role("button", name="Approve plan").click()
    expect(page.get_by_role("status").first).to_contain_text("Version 1 is approved")
    plan = TreatmentPlan.objects.get(episode=episode)
    assert "electroacupuncture" in plan.overrides


def test_the_exam_page_fits_a_phone_screen(phone_page: Page, practitioner):
    episode = make_episode(practitioner=practitioner)
    sign_in(phone_page, "practitioner")
    phone_page.goto(f"/episodes/{episode.pk}/exam/")
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("Exam")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390


def test_saving_again_after_a_conflict_keeps_the_colleagues_changes(
    browser, live_server, page: Page, practitioner
):
    colleague = make_user(PRACTITIONER, username="colleague", first_name="Ines", last_name="Vogel")
    episode = make_episode(practitioner=practitioner)
    make_exam(episode)  # SLR 40 degrees on the right, leg pain 6
    url = reverse("exam_edit", args=[episode.pk])
    sign_in(page, "practitioner")
    page.goto(url)
    other = browser.new_context(viewport=DESKTOP, base_url=live_server.url).new_page()
    sign_in(other, colleague.username)
    other.goto(url)

    other.get_by_label("SLR angle, right (degrees)").fill("30")
    other.get_by_role("button", name="Save exam").click()
    expect(other.get_by_role("status").first).to_contain_text("saved (version 2)")
    other.context.close()

    page.get_by_label("Leg pain now (0-10)").fill("7")
    page.get_by_role("button", name="Save exam").click()
    conflict = page.get_by_test_id("conflict")
    expect(conflict).to_contain_text("Ines Vogel saved version 2")
    expect(conflict).to_contain_text("SLR angle, right (degrees)")
    expect(page.get_by_label("SLR angle, right (degrees)")).to_have_value("30")
    expect(page.get_by_label("Leg pain now (0-10)")).to_have_value("7")
    page.get_by_role("button", name="Save exam").click()

    expect(page.get_by_role("status").first).to_contain_text("The exam is saved (version 3)")
    exam = Exam.objects.get(episode=episode)
    assert exam.findings["slr"]["right"]["angle_deg"] == 30
    assert exam.history["leg_pain_now"] == 7
