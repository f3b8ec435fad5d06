"""Browser tests: Debian's Chromium driven by Playwright against the live server.

Playwright never downloads a browser here; it drives CHROMIUM_PATH (/usr/bin/chromium).
Without Chromium these tests are skipped, unless REQUIRE_BROWSER=1 (as in CI), where a
missing browser is a failure.
"""

import datetime
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.builders import PASSWORD

# Playwright's sync API keeps an event loop running; the live server's ORM calls from
# the test body are still synchronous, so Django's async guard is lifted for these tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(
        viewport=DESKTOP, base_url=live_server.url, reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    refused = watch_csp(page)
    yield page
    context.close()
    assert not refused, f"the Content-Security-Policy refused: {refused}"


def watch_csp(page: Page) -> list[str]:
    """What the page's Content-Security-Policy refused to run or load (none, ever)."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


@pytest.fixture
def phone_page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(
        viewport=PHONE, base_url=live_server.url, is_mobile=True, reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    refused = watch_csp(page)
    yield page
    context.close()
    assert not refused, f"the Content-Security-Policy refused: {refused}"


def sign_in(page: Page, username: str) -> None:
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def confirm_birth_date(p: Page, born: datetime.date) -> None:
    """The patient's link asks for the date of birth before it shows anything."""
    p.get_by_label("Day").fill(str(born.day))
    p.get_by_label("Month").fill(str(born.month))
    p.get_by_label("Year").fill(str(born.year))
    p.get_by_role("button", name="Continue").click()
