"""Search, the public home page and the account's calendar section: accessible, valid, and narrow enough, in all four languages."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.html_checker import html_errors

pytestmark = pytest.mark.e2e
PUBLIC_PAGES = ("/", "/search?q=principles", "/search?q=", "/search?q=zzzzqq")
SIGNED_IN_PAGES = ("/search?q=principles", "/search?q=press&kind=comment&kind=amendment", "/account")


def check(page, base: str, path: str, language: str, pages: dict[str, str]) -> None:
    response = page.goto(base + path)
    assert response.status in (200, 422), (path, response.status)
    assert page.locator("html").get_attribute("lang") == language, path
    pages[f"{language} {path}"] = response.text()
    assert axe_violations(page) == [], (language, path, axe_violations(page))
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, (language, path, overflow)


@pytest.mark.parametrize("language", ["en", "es", "fr", "ar"])
def test_search_home_and_account_pages(browser, live_server, language):
    context = browser.new_context(
        locale=language,
        extra_http_headers={"Accept-Language": language},
        bypass_csp=True,
        viewport={"width": 375, "height": 800},
    )
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
    assert html_errors(pages) == []


def test_searching_from_the_header_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server + "/")
        page.locator("#header-search-q").fill("principles")
        with page.expect_navigation():
            page.locator(".header-search button").click()
        assert "/search?q=principles" in page.url
        assert page.locator(".search-result").count() >= 1
        assert page.locator(".search-result mark").count() >= 1
        page.goto(live_server + "/sign-in")
        page.locator("#email").fill("karim@maghreb.example.org")
        page.locator("#password").fill("demo-member")
        with page.expect_navigation():
            page.locator("main form [type=submit]").first.click()
        page.goto(live_server + "/account")
        with page.expect_navigation():
            page.locator("#calendar ~ form button").click()
        address = page.locator("#calendar-address").input_value()
        assert address.endswith(".ics")
        feed = page.request.get(live_server + address[address.index("/calendar/") :])
        assert feed.status == 200 and feed.text().startswith("BEGIN:VCALENDAR")
    finally:
        context.close()
