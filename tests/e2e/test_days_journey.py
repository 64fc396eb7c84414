"""A member's day and the secretariat's day in a real browser, with JavaScript and without (SPEC §15).

Each starts on the home page, follows what needs the person to where the work is done, does it, and
comes back to find the item gone. The server is the demo on a database of its own.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, sign_in
from tests.live_server import make_live_server

pytestmark = pytest.mark.e2e
SLUG = "principles-for-collaboration"


@pytest.fixture(scope="module")
def site(db_url):
    with make_live_server(db_url) as base:
        yield base


def _needs(page):
    return page.locator("ol.home-needs > li")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_members_day(browser, site, javascript):
    context = browser.new_context(java_script_enabled=javascript, bypass_csp=True)
    page = context.new_page()
    try:
        sign_in(page, site, "karim@maghreb.example.org", "demo-member")
        page.goto(site + "/")
        # The Berlin General Meeting is ahead, with when it starts; Karim's organisation is checked in online.
        meeting = _needs(page).filter(has_text="Berlin General Meeting")
        expect(meeting).to_have_count(1)
        expect(meeting).to_contain_text("your organisation is checked in")
        expect(meeting).to_contain_text("starts")
        if javascript:
            assert axe_violations(page) == []
        with page.expect_navigation():
            meeting.get_by_role("link").click()
        expect(page.locator("main")).to_contain_text("Haus der Demokratie und Menschenrechte")
        # Karim's organisation holds the Gulf project's proxy: the meeting page says so.
        expect(page.locator("main")).to_contain_text("Gulf Digital Freedom Project")
        # The working draft shows open amendments beside their lines; one leads to its redline.
        page.goto(site + f"/documents/{SLUG}/")
        amendment = page.locator("main a[href='/amendments/2']").first
        expect(amendment).to_be_visible()
        with page.expect_navigation():
            amendment.click()
        assert page.url.endswith("/amendments/2")
        expect(page.locator("main del, main ins").first).to_be_visible()
        # Search finds the draft's principles in the navigation's search.
        page.goto(site + "/search?q=languages")
        expect(page.locator("main")).to_contain_text("Many languages, many time zones")
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_the_secretariats_day(browser, site, javascript):
    context = browser.new_context(java_script_enabled=javascript, bypass_csp=True)
    page = context.new_page()
    name = f"Invited {'with' if javascript else 'without'} JavaScript"
    try:
        sign_in(page, site, "secretariat@example.org", "demo-secretariat")
        page.goto(site + "/admin/invitations/new")
        page.locator("#email").fill(f"{'js' if javascript else 'nojs'}@example.org")
        page.locator("#name").fill(name)
        page.locator("#role").select_option("member")
        page.locator("#organisation_id").select_option(label="Balkan Media Watch")
        with page.expect_navigation():
            page.locator("main form [type=submit]").click()
        page.goto(site + "/")
        waiting = _needs(page).filter(has_text="not been accepted")
        expect(waiting).to_have_count(1)
        count_before = page.locator(".nav-count").first.inner_text()
        with page.expect_navigation():
            waiting.get_by_role("link").click()
        assert page.url.endswith("/admin/invitations")
        with page.expect_navigation():
            page.get_by_role("button", name=f"Cancel the invitation {name}").click()
        page.goto(site + "/")
        expect(_needs(page).filter(has_text="not been accepted")).to_have_count(0)
        count_after = page.locator(".nav-count")
        assert count_after.count() == 0 or int(count_after.first.inner_text()) == int(count_before) - 1
        # The meeting ahead is on the secretariat's home too, and its page lists who is present.
        meeting = _needs(page).filter(has_text="Berlin General Meeting")
        with page.expect_navigation():
            meeting.get_by_role("link").click()
        expect(page.locator("main")).to_contain_text("Balkan Media Watch")
        if javascript:
            assert axe_violations(page) == []
    finally:
        context.close()
