import datetime

from playwright.sync_api import Page, expect

from clinic.models import AuditEvent, Patient
from tests.browser.conftest import sign_in
from tests.builders import make_patient


def test_front_desk_registers_a_patient_finds_them_by_part_of_the_name_and_opens_the_record(
    page: Page, front_desk
):
    make_patient(first_name="Daniel", last_name="Osei")
    sign_in(page, "frontdesk")
    page.get_by_role("link", name="Register a patient").first.click()
    page.get_by_label("First name").fill("Zoë")
    page.get_by_label("Last name").fill("Marchetti")
    page.get_by_label("Date of birth").fill("1986-04-12")
    page.get_by_label("Phone").fill("07700 900123")
    page.get_by_role("button", name="Save patient").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status"))).to_contain_text(
        "Zoë Marchetti is registered"
    )

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    page.get_by_label("Search patients").fill("zoe march")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Osei, Daniel")).to_have_count(0)
    page.get_by_role("link", name="Marchetti, Zoë").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Zoë Marchetti")
    expect(page.get_by_text("12 Apr 1986")).to_be_visible()
    patient = Patient.objects.get(last_name="Marchetti")
    assert AuditEvent.objects.filter(patient=patient, action="view").exists()


def test_front_desk_opens_an_episode_and_sends_the_questionnaire_before_the_first_visit(
    page: Page, front_desk, practitioner
):
    patient = make_patient(first_name="Zoë", last_name="Marchetti")
    sign_in(page, "frontdesk")
    page.goto(patient.get_absolute_url())
    page.get_by_role("link", name="Open an episode").click()
    page.get_by_label("Chief complaint").fill("Pain down the back of my right leg")
    page.get_by_label("Practitioner").select_option(str(practitioner.pk))
    first_visit = datetime.date.today() + datetime.timedelta(days=2)
    page.get_by_label("First visit").fill(first_visit.isoformat())
    expect(page.get_by_label("Status")).to_have_count(0)
    page.get_by_role("button", name="Save episode").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Pain down the back of my right leg")
    page.get_by_role("button", name="Make a questionnaire link").click()
    expect(page.get_by_role("textbox", name="Link")).to_be_visible()
    episode = patient.episodes.get()
    assert (episode.practitioner, episode.opened) == (practitioner, first_visit)


def test_a_practitioner_opens_an_episode(page: Page, practitioner):
    patient = make_patient(first_name="Henrik", last_name="Solberg")
    sign_in(page, "practitioner")
    page.goto(patient.get_absolute_url())
    page.get_by_role("link", name="Open an episode").click()
    page.get_by_label("Chief complaint").fill("Burning pain down the right calf")
    page.get_by_role("button", name="Save episode").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Burning pain down the right calf")
    episode = patient.episodes.get()
    assert episode.practitioner == practitioner
    assert episode.opened == datetime.date.today()


def test_the_patient_list_fits_a_phone_screen(phone_page: Page, front_desk):
    for number in range(5):
        make_patient(last_name=f"Longsurname-Doubledbarrel{number}")
    sign_in(phone_page, "frontdesk")
    expect(phone_page.get_by_role("heading", name="Patients")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    phone_page.get_by_role("button", name="Show menu").click()
    expect(phone_page.get_by_role("link", name="Register a patient").first).to_be_visible()


def test_the_login_form_can_be_used_with_the_keyboard_alone(page: Page, front_desk):
    page.goto("/")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type("frontdesk")
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-battery")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
