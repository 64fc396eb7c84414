"""Every page a delegate or a public reader reads passes axe-core and the Nu HTML Checker in all four languages."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.html_checker import html_errors

pytestmark = pytest.mark.e2e
SLUG = "principles-for-collaboration"
# The demo: version 2 published as 1.0 after voting round 2 (motion 1) and adoption round 3; round 4 is open.
SIGNED_IN_PAGES = (
    "/",
    f"/documents/{SLUG}/",
    f"/documents/{SLUG}/amendments/",
    "/amendments/1",
    "/amendments/2",
    f"/documents/{SLUG}/amendments/new?principle=2&kind=modify",
    "/threads/amendment/2",
    "/threads/principle/1",
    f"/documents/{SLUG}/rounds/",
    "/rounds/3/",
    "/rounds/5/",
    "/rounds/3/ballot",
    "/motions/1/result",
    f"/documents/{SLUG}/versions/",
    f"/documents/{SLUG}/compare/1/2/",
)
PUBLIC_PAGES = (
    "/principles/",
    f"/principles/{SLUG}/",
    f"/principles/{SLUG}/1.0/",
    f"/principles/{SLUG}/1.0/export.html",
)


@pytest.mark.parametrize("language", ["en", "es", "fr", "ar"])
def test_read_only_pages_are_accessible_and_valid(browser, live_server, language):
    context = browser.new_context(locale=language, extra_http_headers={"Accept-Language": language}, bypass_csp=True)
    page = context.new_page()
    pages: dict[str, str] = {}
    try:
        for path in PUBLIC_PAGES:
            check(page, live_server, path, language, pages)
        page.goto(live_server + "/sign-in")
        page.locator("#email").fill("karim@maghreb.example.org")
        page.locator("#password").fill("demo-member")
        with page.expect_navigation():
            page.locator("main form [type=submit]").first.click()
        page.locator("#language-select").select_option(language)
        with page.expect_navigation():
            page.locator(".language-switch button").click()
        for path in SIGNED_IN_PAGES:
            check(page, live_server, path, language, pages)
    finally:
        context.close()
    errors = html_errors(pages)
    assert errors == [], "\n".join(errors)


def check(page, base: str, path: str, language: str, pages: dict[str, str]) -> None:
    """Open a page, keep its HTML as sent, and fail on any axe-core violation."""
    response = page.goto(base + path)
    assert response.status == 200, (path, response.status)
    if "/export." not in path:  # an export is in the language of its text
        assert page.locator("html").get_attribute("lang") == language, path
    pages[path] = response.text()
    violations = axe_violations(page)
    assert violations == [], (language, path, violations)
