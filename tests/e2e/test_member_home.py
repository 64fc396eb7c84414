"""A member's day in a real browser (SPEC §15): the signed-in home page and the working draft, in all four
languages on a 375 px phone, pass axe-core with no violations and never scroll sideways."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.test_journeys import WIDER_THAN_THE_PAGE

pytestmark = pytest.mark.e2e
SLUG = "principles-for-collaboration"
ACCOUNTS = {
    "member": ("karim@maghreb.example.org", "demo-member"),
    "secretariat": ("secretariat@example.org", "demo-secretariat"),
}
PAGES = ("/", f"/documents/{SLUG}/")


@pytest.mark.parametrize("account", sorted(ACCOUNTS))
@pytest.mark.parametrize("language", ["en", "es", "fr", "ar"])
def test_home_and_draft_on_a_phone(browser, live_server, language, account):
    context = browser.new_context(
        locale=language,
        extra_http_headers={"Accept-Language": language},
        viewport={"width": 375, "height": 812},
        bypass_csp=True,
    )
    page = context.new_page()
    try:
        email, password = ACCOUNTS[account]
        page.goto(live_server + "/sign-in")
        page.locator("#email").fill(email)
        page.locator("#password").fill(password)
        with page.expect_navigation():
            page.locator("main form [type=submit]").first.click()
        page.locator("#language-select").select_option(language)
        with page.expect_navigation():
            page.locator(".language-switch button").click()
        for path in PAGES:
            response = page.goto(live_server + path)
            assert response.status == 200, (path, response.status)
            assert page.locator("html").get_attribute("lang") == language, path
            assert page.locator("#needs-you").count() == (1 if path == "/" else 0)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (language, path, overflow, page.evaluate(WIDER_THAN_THE_PAGE))
            violations = axe_violations(page)
            assert violations == [], (language, account, path, violations)
    finally:
        # The choice is saved on the account: give the shared server's demo account back its English.
        if page.locator("#language-select").count():
            page.locator("#language-select").select_option("en")
            page.locator(".language-switch button").click()
            page.wait_for_load_state()
        context.close()
