"""In a real browser: with two-factor sign-in required, the password alone opens no page."""

from playwright.sync_api import Page, expect

from clinic.models import ClinicSettings
from tests.browser.conftest import sign_in
from tests.builders import make_episode
from tests.clinic.test_two_factor import code_of, enrolled


def test_a_staff_member_with_two_factor_required_needs_the_code_for_every_page(
    page: Page, practitioner
):
    clinic = ClinicSettings.load()
    clinic.require_two_factor = True
    clinic.save()
    device = enrolled(practitioner)
    episode = make_episode(practitioner=practitioner)
    sign_in(page, "practitioner")
    expect(page.get_by_role("heading", name="Your sign-in code")).to_be_visible()
    for url in ("/patients/", episode.get_absolute_url(), "/audit/", "/admin/", "/dashboard/"):
        page.goto(url)
        expect(page.get_by_role("heading", name="Your sign-in code")).to_be_visible()
    page.goto("/patients/")
    page.get_by_label("Code").fill(code_of(device))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Patients")
