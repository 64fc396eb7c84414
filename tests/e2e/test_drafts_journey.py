"""A delegate reads the draft with line numbers and an amendment's redline; every draft page passes axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations
from tests.e2e.test_sign_in_journey import sign_in

pytestmark = pytest.mark.e2e
SLUG = "principles-for-collaboration"


def test_a_delegate_reads_the_draft_and_an_amendment(page, live_server):
    sign_in(page, live_server, "amina@sahel.example.org", "demo-member")
    with page.expect_navigation():
        page.get_by_role("link", name="Principles for Collaboration").last.click()
    expect(page.locator("ol.numbered-lines").first).to_be_visible()
    assert page.locator(".line-number").first.inner_text() == "1"
    page.goto(live_server + "/amendments/1")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("Amendment 1") and "Principle 4" in heading
    assert page.locator(".redline ins").count() > 0


@pytest.mark.parametrize("language", ["en", "ar"])
def test_draft_pages_have_no_accessibility_violations(browser, live_server, language):
    context = browser.new_context(locale=language, extra_http_headers={"Accept-Language": language}, bypass_csp=True)
    page = context.new_page()
    try:
        sign_in(page, live_server, "secretariat@example.org", "demo-secretariat")
        for path in (
            f"/documents/{SLUG}/",
            f"/documents/{SLUG}/amendments/",
            f"/documents/{SLUG}/amendments/?needs_vote=true",
            f"/documents/{SLUG}/consolidated",
            f"/documents/{SLUG}/versions/",
            f"/documents/{SLUG}/compare/1/1/",
            f"/documents/{SLUG}/rounds/",
            "/amendments/1",
            f"/documents/{SLUG}/amendments/new?principle=1&kind=modify",
            "/documents/new",
        ):
            page.goto(live_server + path)
            assert axe_violations(page) == [], (language, path)
    finally:
        context.close()
