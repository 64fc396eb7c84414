"""A delegate signs in, finds their way in Arabic on a phone, and every page passes axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, sign_in

pytestmark = pytest.mark.e2e


def test_a_member_signs_in_and_out(page, live_server):
    sign_in(page, live_server, "amina@sahel.example.org", "demo-member")
    assert "Amina Diallo" in page.content()
    assert "Sahel Press Freedom Network" in page.content()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    assert "Amina Diallo" not in page.content()


def test_a_wrong_password_is_explained_on_the_form(page, live_server):
    sign_in(page, live_server, "amina@sahel.example.org", "not the password")
    expect(page.get_by_role("alert")).to_contain_text("The email or password is not right")
    expect(page.locator("#email")).to_have_value("amina@sahel.example.org")


def test_the_secretariat_sees_every_organisation_with_its_weight(page, live_server):
    sign_in(page, live_server, "secretariat@example.org", "demo-secretariat")
    # The account keeps the language it last chose (other journeys on this server change it).
    page.locator("#language-select").select_option("en")
    with page.expect_navigation():
        page.locator(".language-switch button").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Organisations").first.click()
    row = page.get_by_role("row").filter(has_text="Sahel Press Freedom Network")
    assert "2.0000" in row.inner_text()


def test_arabic_on_a_phone_reads_right_to_left_without_overflow(browser, live_server):
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="ar", bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(live_server + "/sign-in")
        page.locator("#language-select").select_option("ar")
        with page.expect_navigation():
            page.locator(".language-switch button").click()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("html")).to_have_attribute("lang", "ar")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "es", "fr", "ar"])
def test_pages_have_no_accessibility_violations(browser, live_server, language):
    context = browser.new_context(locale=language, extra_http_headers={"Accept-Language": language}, bypass_csp=True)
    page = context.new_page()
    try:
        for path in ("/", "/sign-in"):
            page.goto(live_server + path)
            assert axe_violations(page) == [], (language, path)
        sign_in(page, live_server, "secretariat@example.org", "demo-secretariat")
        for path in ("/", "/account", "/admin/organisations", "/admin/users", "/admin/organisations/new"):
            page.goto(live_server + path)
            assert axe_violations(page) == [], (language, path)
    finally:
        context.close()
