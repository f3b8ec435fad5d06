"""The patient answers the questionnaire on a phone; the practitioner reads the summary."""

import datetime
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from clinic.models import ClinicSettings
from intake.models import Invitation, Questionnaire, create_invitation
from tests.browser.conftest import confirm_birth_date, sign_in
from tests.builders import make_episode, make_patient
from tests.intake.test_questionnaire_uploads import pdf

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BORN = datetime.date(1979, 8, 23)
PDF = pdf()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def assert_accessible(page: Page) -> None:
    # Evaluated by the test, not added as a <script>: the page's Content-Security-Policy
    # refuses inline scripts, as it should.
    page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate("axe.run()")
    bad = [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], bad


def assert_fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def next_step(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def pick(page: Page, field: str, value: object) -> None:
    page.locator(f'input[name="{field}"][value="{value}"]').check(force=True)


def new_patient_link(live_server) -> tuple[object, str]:
    clinic = ClinicSettings.load()
    clinic.phone = "01632 960000"
    clinic.save()
    patient = make_patient(first_name="Ines", last_name="Okonkwo", date_of_birth=BORN, sex="female")
    episode = make_episode(patient=patient)
    _invitation, token = create_invitation(episode, by=None)
    return episode, token


def test_a_patient_completes_the_questionnaire_on_a_phone_and_the_practitioner_sees_it(
    phone_page: Page, page: Page, live_server, practitioner
):
    episode, token = new_patient_link(live_server)
    p = phone_page

    p.goto(f"/q/{token}/")
    assert token not in p.url
    expect(p.get_by_role("heading", level=1)).to_have_text("Your questionnaire")
    expect(p.get_by_text("Ines")).to_have_count(0)
    assert_accessible(p)
    confirm_birth_date(p, BORN)
    expect(p.get_by_role("heading", level=1)).to_have_text("Hello Ines")
    assert_accessible(p)
    p.get_by_role("link", name="Start").click()

    # 1 About you
    expect(p.get_by_role("heading", level=1)).to_have_text("About you")
    p.get_by_label("Phone number").fill("07700 900555")
    p.get_by_label("What would you most like to be able to do again?").fill("Walk to work")
    assert_accessible(p)
    assert_fits(p)
    next_step(p)

    # 2 Where it hurts: the body map is tapped, the scales are buttons.
    expect(p.get_by_role("heading", level=1)).to_have_text("Where it hurts")
    p.locator('svg [data-value="left_calf"]').click()
    p.locator('svg [data-value="left_buttock"]').click()
    expect(p.locator('input[value="left_calf"]')).to_be_checked()
    expect(p.locator('svg [data-value="left_calf"]')).to_have_class("map-region is-selected")
    for field, value in (("leg_pain_now", 7), ("leg_pain_worst", 9), ("leg_pain_best", 4)):
        p.locator(f'label[for="id_{field}_{value}"]').click()
    p.locator('label[for="id_back_pain_now_3"]').click()
    assert_accessible(p)
    assert_fits(p)
    next_step(p)

    # 3 Your story: typed answers are saved in the background and survive a reload.
    expect(p.get_by_role("heading", level=1)).to_have_text("Your story")
    p.get_by_label("Number").fill("3")
    p.get_by_label("Days, weeks, months or years").select_option("weeks")
    pick(p, "onset", "sudden")
    pick(p, "trigger", "lifting")
    pick(p, "side", "left")
    pick(p, "leg_or_back", "leg")
    pick(p, "symptoms", "tingling")
    pick(p, "aggravating", "sitting")
    pick(p, "relieving", "lying_down")
    pick(p, "claudication", "no")
    expect(p.get_by_text("Saved at")).to_be_visible(timeout=15_000)
    p.reload()
    expect(p.get_by_label("Number")).to_have_value("3")
    expect(p.get_by_label("Days, weeks, months or years")).to_have_value("weeks")
    expect(p.locator('input[name="side"][value="left"]')).to_be_checked()
    expect(p.locator('input[name="aggravating"][value="sitting"]')).to_be_checked()
    assert_accessible(p)
    p.get_by_role("button", name="Back").click()
    expect(p.locator('input[value="left_calf"]')).to_be_checked()
    expect(p.locator("#id_leg_pain_now_7")).to_be_checked()
    next_step(p)
    next_step(p)

    # 4 Safety: an emergency sign shows what to do at once, before saving.
    expect(p.get_by_role("heading", level=1)).to_have_text("Safety questions")
    advice = p.get_by_role("alert").filter(has_text="emergency department today")
    expect(advice).to_be_hidden()
    for code in (
        "saddle_anaesthesia", "bladder_dysfunction", "bowel_dysfunction",
        "sexual_dysfunction_new", "bilateral_leg_symptoms_new", "progressive_weakness",
        "fever_or_chills", "unexplained_weight_loss", "night_pain_unrelieved",
        "history_of_cancer", "iv_drug_use", "immunosuppression",
        "long_term_corticosteroids", "significant_trauma", "recent_spinal_procedure",
    ):  # fmt: skip
        pick(p, code, "no")
    expect(advice).to_be_hidden()
    pick(p, "bladder_dysfunction", "yes")
    expect(advice).to_be_visible()
    assert_accessible(p)
    next_step(p)

    # 5 Health
    expect(p.get_by_role("heading", level=1)).to_have_text("Your health")
    expect(advice).to_be_visible()
    pick(p, "conditions", "anticoagulants")
    pick(p, "contributing", "sedentary_work")
    p.get_by_label("Which medicines do you take, including painkillers?").fill("Apixaban")
    assert_accessible(p)
    next_step(p)

    # 6 Questionnaires
    expect(p.get_by_role("heading", level=1)).to_have_text("Daily life")
    odi = dict(
        zip(
            ("pain_intensity", "personal_care", "lifting", "walking", "sitting", "standing",
             "sleeping", "sex_life", "social_life", "travelling"),
            (3, 1, 3, 2, 3, 2, 2, "na", 2, 3),
            strict=True,
        )
    )  # fmt: skip
    for section, value in odi.items():
        pick(p, f"odi_{section}", value)
    for item, agree in zip("12345678", (1, 0, 1, 0, 1, 1, 0, 0), strict=True):
        pick(p, f"start_back_{item}", "agree" if agree else "disagree")
    pick(p, "start_back_9", "very_much")
    for item, value in (("leg_pain", 5), ("numbness_tingling", 4), ("weakness", 2),
                        ("pain_while_sitting", 5)):  # fmt: skip
        p.locator(f'label[for="id_sbi_{item}_{value}"]').click()
    expect(p.get_by_text("Keele").first).to_be_attached()
    assert_accessible(p)
    assert_fits(p)
    next_step(p)

    # 7 Scans: a report is uploaded.
    expect(p.get_by_role("heading", level=1)).to_have_text("Scans and reports")
    p.locator("#id_file").set_input_files(
        files=[
            {
                "name": "mri-report.pdf",
                "mimeType": "application/pdf",
                "buffer": PDF,  # a real one: uploads are parsed
            }
        ]  # fmt: skip
    )
    p.get_by_role("button", name="Add this file").click()
    expect(p.get_by_text("mri-report.pdf is added")).to_be_visible()
    assert_accessible(p)
    next_step(p)

    # 8 Consent: sending without signing lists what is missing; then it goes.
    expect(p.get_by_role("heading", level=1)).to_have_text("Consent and submit")
    p.get_by_role("button", name="Send my answers").click()
    expect(p.get_by_role("link", name="Your agreement to the consent statement")).to_be_visible()
    assert_accessible(p)
    p.get_by_label("I have answered truthfully").check()
    p.get_by_label("Type your full name as your signature").fill("Ines Okonkwo")
    p.get_by_role("button", name="Send my answers").click()
    expect(p.get_by_role("heading", level=1)).to_contain_text("your answers are with the clinic")
    assert_accessible(p)
    assert Questionnaire.objects.get(episode=episode).submitted_at is not None

    # The practitioner's dashboard and episode page.
    sign_in(page, "practitioner")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("link", name="Ines Okonkwo").first).to_be_visible()
    page.goto(episode.get_absolute_url())
    summary = page.locator(".answer-summary")
    expect(summary.get_by_role("alert")).to_contain_text("Possible cauda equina syndrome")
    expect(summary).to_contain_text("New trouble passing urine")
    expect(summary).to_contain_text("46.7%")
    expect(summary).to_contain_text("severe disability")
    expect(summary).to_contain_text("medium risk")
    expect(summary).to_contain_text("16/24")
    expect(summary).to_contain_text("now 7, worst 9, best 4")
    expect(summary).to_contain_text("Blood-thinning medicine")
    expect(summary.get_by_role("link", name="mri-report.pdf")).to_be_visible()
    # The staff navigation bar is clinic's (its link contrast is reported separately).
    assert_accessible(page)


def test_the_unusable_link_page_is_plain_and_accessible(phone_page: Page, live_server):
    ClinicSettings.objects.update_or_create(pk=1, defaults={"phone": "01632 960000"})
    phone_page.goto("/q/not-a-link/")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
    expect(phone_page.get_by_role("main").get_by_role("link", name="01632 960000")).to_be_visible()
    assert_accessible(phone_page)
    assert_fits(phone_page)


def test_staff_make_a_link_and_copy_it(page: Page, live_server, front_desk):
    patient = make_patient(first_name="Ines", last_name="Okonkwo")
    episode = make_episode(patient=patient)
    sign_in(page, "frontdesk")
    page.goto(episode.get_absolute_url())
    page.get_by_role("button", name="Make a questionnaire link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Questionnaire link for Ines Okonkwo")
    expect(page.get_by_role("img", name="QR code of the link")).to_be_visible()
    link = page.get_by_role("textbox", name="Link").input_value()
    assert "/q/" in link
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the episode").click()
    expect(page.get_by_text("Sent", exact=True)).to_be_visible()
    assert_accessible(page)


def test_reloading_the_link_page_makes_no_new_link_and_the_patients_link_still_works(
    page: Page, live_server, front_desk
):
    patient = make_patient(first_name="Ines", last_name="Okonkwo", email="ines@example.com")
    episode = make_episode(patient=patient)
    sign_in(page, "frontdesk")
    page.goto(episode.get_absolute_url())
    page.get_by_role("button", name="Email a questionnaire link").click()
    link = page.get_by_role("textbox", name="Link").input_value()
    assert "/q/" in link
    assert "/questionnaire-links/" in page.url  # a GET page: reloading it posts nothing

    page.reload()
    expect(page.get_by_text("This link was shown once")).to_be_visible()
    expect(page.get_by_role("textbox", name="Link")).to_have_count(0)
    assert Invitation.objects.filter(questionnaire__episode=episode).count() == 1
    assert len(mail.outbox) == 1
    patient_page = page.context.browser.new_page()
    patient_page.goto(link)
    expect(patient_page.get_by_role("heading", level=1)).to_have_text("Your questionnaire")
    patient_page.close()

    page.get_by_role("button", name="Send again to ines@example.com").click()
    assert "/q/" in page.get_by_role("textbox", name="Link").input_value()
    assert len(mail.outbox) == 2
    assert_accessible(page)


def test_next_waits_for_a_background_save_still_on_its_way(phone_page: Page, live_server):
    """Otherwise the older background save could land last and undo the newest answers."""
    episode, token = new_patient_link(live_server)
    p = phone_page
    p.goto(f"/q/{token}/")
    confirm_birth_date(p, BORN)
    p.get_by_role("link", name="Start").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("About you")

    held: list = []
    seen = {"released": False, "next_sent_while_held": None}

    def hold_background_saves(route):
        if "autosave" in (route.request.post_data or ""):
            held.append(route)
        else:
            seen["next_sent_while_held"] = not seen["released"]
            route.continue_()

    p.route("**/questionnaire/about/", hold_background_saves)
    p.wait_for_load_state("load")  # the autosave script is listening
    goals = p.get_by_label("What would you most like to be able to do again?")
    goals.fill("Walk")
    for _ in range(150):  # the background save goes out about 3 s after typing stops
        if held:
            break
        p.wait_for_timeout(100)
    assert held, "the background save was not sent"
    goals.fill("Walk to work and back")
    next_step(p)
    p.wait_for_timeout(500)  # time enough for Next to go out, were it not held back
    seen["released"] = True
    held[0].continue_()

    expect(p.get_by_role("heading", level=1)).to_have_text("Where it hurts")
    assert seen["next_sent_while_held"] is False
    assert Questionnaire.objects.get(episode=episode).extra["goals"] == "Walk to work and back"


def test_adding_a_file_right_after_typing_keeps_the_newest_answers(phone_page: Page, live_server):
    """The answers typed just before "Add this file" come back on the page and stay saved,
    even when a background save of them is still held up on the network."""
    episode, token = new_patient_link(live_server)
    p = phone_page
    p.goto(f"/q/{token}/")
    confirm_birth_date(p, BORN)
    p.goto("/questionnaire/scans/")
    expect(p.get_by_role("heading", level=1)).to_have_text("Scans and reports")

    held: list = []

    def hold_background_saves(route):
        if b"autosave" in (route.request.post_data_buffer or b""):
            held.append(route)
        else:
            route.continue_()

    p.route("**/questionnaire/scans/", hold_background_saves)
    p.wait_for_load_state("load")
    p.get_by_label("MRI").check()
    notes = p.get_by_label("When and where were they done, and what were you told?")
    notes.fill("MRI in March at the city hospital")
    p.locator("#id_file").set_input_files(
        files=[{"name": "mri.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    p.get_by_role("button", name="Add this file").click()  # within the 3 s before a save

    expect(p.get_by_text("mri.pdf is added")).to_be_visible()
    expect(notes).to_have_value("MRI in March at the city hospital")
    expect(p.get_by_label("MRI")).to_be_checked()
    for route in held:
        route.continue_()
    p.unroute("**/questionnaire/scans/")
    next_step(p)
    expect(p.get_by_role("heading", level=1)).to_have_text("Consent and submit")
    scans = Questionnaire.objects.get(episode=episode).extra["scans"]
    assert scans == {"kinds": ["mri"], "notes": "MRI in March at the city hospital"}


def test_a_long_answer_shows_a_counter_and_is_not_cut_silently(phone_page: Page, live_server):
    episode, token = new_patient_link(live_server)
    p = phone_page
    p.goto(f"/q/{token}/")
    confirm_birth_date(p, BORN)
    p.goto("/questionnaire/about/")
    goals = p.get_by_label("What would you most like to be able to do again?")
    goals.fill("Walk")
    expect(p.get_by_text("4 of 2000 characters")).to_be_visible()
    goals.fill("a" * 2050)
    assert len(goals.input_value()) == 2050  # kept whole, not cut at the limit
    expect(p.get_by_text("2050 of 2000 characters: 50 too many")).to_be_visible()
    next_step(p)
    expect(p.get_by_text("Please check the answers marked below")).to_be_visible()
    assert len(goals.input_value()) == 2050  # still there to shorten
    assert_fits(p)


CONTRAST = """el => {
    const channel = c => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    const luminance = rgb => {
        const [r, g, b] = rgb.match(/\\d+/g).map(Number).map(channel);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const edge = luminance(getComputedStyle(el).borderTopColor);
    return 1.05 / (edge + 0.05);  // against the white page
}"""


def test_the_edges_of_radio_buttons_ticks_and_fields_stand_out_on_a_phone(
    phone_page: Page, live_server
):
    _, token = new_patient_link(live_server)
    p = phone_page
    p.goto(f"/q/{token}/")
    confirm_birth_date(p, BORN)
    p.goto("/questionnaire/about/")
    for selector in ('input[type="radio"]', 'input[name="phone"]', "textarea"):
        assert p.locator(selector).first.evaluate(CONTRAST) >= 3, selector  # WCAG 1.4.11
    p.goto("/questionnaire/health/")
    assert p.locator('input[type="checkbox"]').first.evaluate(CONTRAST) >= 3
