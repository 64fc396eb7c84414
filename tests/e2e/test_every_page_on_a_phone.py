"""Every page, for the public, a member delegate and the secretariat, on a 375 px phone in all four languages:
axe-core finds no violation and nothing scrolls sideways (SPEC §15).

``PAGES`` names a page of every screen the site has; tests/web/test_every_page_listed.py keeps it
complete, so a new screen is checked here from the day it exists.
"""

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
# The demo: rounds 1-4 closed (3 voted motion 1, 4 adopted version 2 as 1.0), round 5 open for amendments;
# Karim (user 4) proposed amendment 1, merged; comment 1 and key point 1 exist; meeting 1 is in Berlin.
PAGES = {
    "public": (
        "/",
        "/principles/",
        f"/principles/{SLUG}/",
        f"/principles/{SLUG}/1.0/",
        f"/principles/{SLUG}/1.0/attribution",
        f"/principles/{SLUG}/1.0/endorse",
        f"/principles/{SLUG}/1.0/endorsements",
        "/sign-in",
        "/forgot-password",
        "/search?q=organisation",
    ),
    "member": (
        "/",
        "/account",
        "/account/sessions",
        "/account/two-factor",
        "/activity",
        "/documents/",
        f"/documents/{SLUG}/",
        f"/documents/{SLUG}/amendments/",
        f"/documents/{SLUG}/amendments/new?principle=2&kind=modify",
        "/amendments/1",
        "/amendments/2",
        f"/documents/{SLUG}/consolidated",
        f"/documents/{SLUG}/compare/1/2/",
        f"/documents/{SLUG}/versions/",
        f"/documents/{SLUG}/versions/2/",
        f"/documents/{SLUG}/versions/2/attribution",
        f"/documents/{SLUG}/versions/2/meeting-pack.html",
        f"/documents/{SLUG}/voices",
        f"/documents/{SLUG}/consultation/",
        f"/documents/{SLUG}/consultation/not-taken-up",
        f"/documents/{SLUG}/rounds/",
        "/rounds/3/",
        "/rounds/5/",
        "/rounds/3/ballot",
        "/motions/1/result",
        "/threads/amendment/2",
        "/threads/principle/1",
        "/comments/1",
        "/comments/1/reply",
        "/comments/1/flag",
        "/points/1",
        f"/principles/{SLUG}/compare/1.0/1.0/",
        "/search?q=organisation",
        "/meetings/1/",
        "/meetings/1/live",
        "/meetings/1/minutes.html",
    ),
    "secretariat": (
        "/",
        "/admin/organisations",
        "/admin/organisations/new",
        "/admin/organisations/2/edit",
        "/admin/users",
        "/admin/users/new",
        "/admin/users/4/edit",
        "/admin/users/4/erase",
        "/admin/invitations",
        "/admin/invitations/new",
        "/admin/audit",
        "/documents/new",
        f"/documents/{SLUG}/publish",
        f"/documents/{SLUG}/themes",
        f"/documents/{SLUG}/consultation/session-point",
        "/amendments/2/recommendation",
        "/moderation/comments",
        "/comments/1/hide",
        "/endorsements/queue",
        "/principles/1/sources",
        f"/documents/{SLUG}/meetings/new",
        "/meetings/1/edit",
        "/meetings/1/",
    ),
}


def _sign_in(page, base: str, account: str, language: str) -> None:
    email, password = ACCOUNTS[account]
    page.goto(base + "/sign-in")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.locator("main form [type=submit]").first.click()
    page.locator("#language-select").select_option(language)
    with page.expect_navigation():
        page.locator(".language-switch button").click()


@pytest.mark.parametrize("who", sorted(PAGES))
@pytest.mark.parametrize("language", ["en", "es", "fr", "ar"])
def test_every_page_fits_a_phone_and_passes_axe(browser, live_server, language, who):
    context = browser.new_context(
        locale=language,
        extra_http_headers={"Accept-Language": language},
        viewport={"width": 375, "height": 812},
        bypass_csp=True,
    )
    page = context.new_page()
    problems = []
    try:
        if who != "public":
            _sign_in(page, live_server, who, language)
        for path in PAGES[who]:
            response = page.goto(live_server + path)
            assert response.status == 200, (who, path, response.status)
            if "meeting-pack" not in path:  # the meeting pack is in the language of its text
                assert page.locator("html").get_attribute("lang") == language, path
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                problems.append((path, "scrolls sideways", overflow, page.evaluate(WIDER_THAN_THE_PAGE)))
            violations = axe_violations(page)
            if violations:
                problems.append((path, violations))
    finally:
        # The choice is saved on the account: give the shared server's demo account back its English.
        if who != "public" and page.locator("#language-select").count():
            page.locator("#language-select").select_option("en")
            page.locator(".language-switch button").click()
            page.wait_for_load_state()
        context.close()
    assert problems == [], "\n".join([f"{language} {who}:"] + [repr(problem)[:600] for problem in problems])
