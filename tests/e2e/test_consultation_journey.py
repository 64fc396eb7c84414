"""Without JavaScript: a consultation opens, three regions raise and support key points, the secretariat records
a session point and links a principle to two points, and the publication shows where that principle came from."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import axe_violations

pytestmark = pytest.mark.e2e
SLUG = "key-points-journey"
SECRETARIAT = ("secretariat@example.org", "demo-secretariat")
AMINA = ("amina@sahel.example.org", "demo-member")  # Africa
LUCIA = ("lucia@andean.example.org", "demo-member")  # Americas
DARA = ("dara@mekong.example.org", "demo-member")  # Asia-Pacific
POINT_A = "Credit the partners whose contacts made the work possible, by name."
POINT_B = "Rotate meeting times so that no region always joins at night."
POINT_C = "Budgets for joint work pay for the coordination it takes."
SESSION_POINT = "Ask local partners before the plan is written, not after."


class Journey:
    """One browser context with JavaScript off, signing in as one demo account after another."""

    def __init__(self, browser, base: str) -> None:
        self.base = base
        self.context = browser.new_context(java_script_enabled=False, bypass_csp=True)
        self.page = self.context.new_page()

    def go(self, path: str) -> None:
        response = self.page.goto(self.base + path)
        assert response.status == 200, (path, response.status)

    def submit(self, button) -> None:
        with self.page.expect_navigation():
            button.click()
        assert "/sign-in" not in self.page.url or "next=" not in self.page.url, self.page.url

    def press(self, action: str) -> None:
        self.submit(self.page.locator(f'form[action="{action}"] button[type=submit]').first)

    def sign_in(self, account: tuple[str, str]) -> None:
        self.context.clear_cookies()
        self.go("/sign-in")
        self.page.locator("#email").fill(account[0])
        self.page.locator("#password").fill(account[1])
        self.submit(self.page.locator("main form [type=submit]").first)

    def main(self) -> str:
        return self.page.locator("main").inner_text()

    def raise_point(self, text: str) -> int:
        self.go(f"/documents/{SLUG}/consultation/")
        self.page.locator("#text").fill(text)
        self.submit(self.page.locator("#submit"))
        assert text in self.main()
        return int(self.page.url.rstrip("/").rsplit("/", 1)[1])

    def support(self, point_id: int) -> None:
        self.go(f"/documents/{SLUG}/consultation/")
        self.press(f"/points/{point_id}/support")
        assert self.page.locator(f'form[action="/points/{point_id}/withdraw"]').count() == 1

    def schedule_round(self, kind: str, title: str, quorum: str = "") -> int:
        self.go(f"/documents/{SLUG}/rounds/")
        self.page.locator("#kind").select_option(kind)
        self.page.locator("#title").fill(title)
        closes = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
        self.page.locator("#closes_at").fill(closes)
        if quorum:
            self.page.locator("#quorum").fill(quorum)
        self.submit(self.page.locator("main form:not([action]) [type=submit]:not([name=preview])").last)
        href = self.page.locator("main a").filter(has_text=title).first.get_attribute("href")
        round_id = int(href.strip("/").split("/")[1])
        self.go(f"/rounds/{round_id}/")
        self.press(f"/rounds/{round_id}/open")
        return round_id

    def close_round(self, round_id: int) -> None:
        self.go(f"/rounds/{round_id}/")
        self.press(f"/rounds/{round_id}/close")


@pytest.fixture
def journey(browser, live_server):
    visit = Journey(browser, live_server)
    yield visit
    visit.context.close()


def test_key_points_become_the_sources_the_publication_shows(journey):
    page = journey.page
    journey.sign_in(SECRETARIAT)
    journey.go("/documents/new")
    page.locator("#slug").fill(SLUG)
    page.locator("#title").fill("Principles drawn from key points")
    page.locator("#principles").fill(
        "## Name every partner\nPartners are named for their work.\n\n## Share the load\nWe share the work."
    )
    journey.submit(page.locator("main form [type=submit]").last)
    consultation = journey.schedule_round("consultation", "What must the principles say?")

    journey.sign_in(AMINA)
    point_a = journey.raise_point(POINT_A)
    journey.sign_in(LUCIA)
    point_b = journey.raise_point(POINT_B)
    journey.support(point_a)
    journey.sign_in(DARA)
    point_c = journey.raise_point(POINT_C)
    journey.support(point_a)
    journey.support(point_b)
    journey.go(f"/documents/{SLUG}/consultation/?min_support=2")
    listed = journey.main()
    assert POINT_A in listed and POINT_B not in listed and "2 organisations support this" in listed

    journey.sign_in(SECRETARIAT)
    journey.go(f"/documents/{SLUG}/consultation/session-point")
    page.locator("#organisation_id").select_option(label="Lake Region Media Defenders")
    page.locator("#session").fill("Regional engagement session, Kampala")
    page.locator("#session_date").fill("2026-11-30")
    page.locator("#text").fill(SESSION_POINT)
    journey.submit(page.locator("#submit"))
    assert "raised in Regional engagement session, Kampala on 2026-11-30" in journey.main()
    session_point = int(page.locator("li.key-point").filter(has_text=SESSION_POINT).get_attribute("id").split("-")[1])

    journey.go(f"/documents/{SLUG}/")
    journey.submit(page.locator('a[href^="/principles/"][href$="/sources"]').first)
    page.locator(f"#point-{point_a}").check()
    page.locator(f"#point-{session_point}").check()
    journey.submit(page.locator("main form[method=post] [type=submit]").last)
    first = page.locator("section.principle").first.inner_text()
    assert "Where this comes from" in first and POINT_A in first and SESSION_POINT in first
    assert "Sahel Press Freedom Network" in first and "Lake Region Media Defenders" in first
    journey.close_round(consultation)
    journey.go(f"/documents/{SLUG}/consultation/not-taken-up")
    left_out = journey.main()
    assert POINT_B in left_out and POINT_C in left_out and POINT_A not in left_out
    assert point_c != point_b

    adoption = journey.schedule_round("adoption", "Adopt the principles", quorum="0")
    journey.go(f"/rounds/{adoption}/")
    motion = int(page.locator('a[href^="/motions/"][href$="/result"]').first.get_attribute("href").split("/")[2])
    for delegate in (AMINA, LUCIA):
        journey.sign_in(delegate)
        journey.go(f"/rounds/{adoption}/ballot")
        form = page.locator(f'form[action="/motions/{motion}/ballot"]')
        form.locator('input[value="yes"]').check()
        journey.submit(form.locator("button[type=submit]"))
    journey.sign_in(SECRETARIAT)
    journey.close_round(adoption)
    journey.go(f"/documents/{SLUG}/publish")
    page.locator("#label").fill("1.0")
    page.locator("#approved_at").fill(dt.date.today().isoformat())
    page.locator("#meeting").fill("General Meeting, Kampala 2026")
    journey.submit(page.locator("main form [type=submit]").last)

    journey.context.clear_cookies()
    journey.go(f"/principles/{SLUG}/1.0/")
    public = page.locator("section#principle-1 + details.sources").inner_text()
    assert "Where this comes from" in public and POINT_A in public and SESSION_POINT in public
    assert "Sahel Press Freedom Network" in public and "Lake Region Media Defenders" in public
    assert "Africa" in public and POINT_B not in page.content()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_consultation_pages_have_no_accessibility_violations(browser, live_server, language):
    context = browser.new_context(locale=language, extra_http_headers={"Accept-Language": language}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(live_server + "/sign-in")
        page.locator("#email").fill(SECRETARIAT[0])
        page.locator("#password").fill(SECRETARIAT[1])
        with page.expect_navigation():
            page.locator("main form [type=submit]").first.click()
        slug = "principles-for-collaboration"
        for path in (
            f"/documents/{slug}/consultation/",
            f"/documents/{slug}/consultation/not-taken-up",
            f"/documents/{slug}/consultation/session-point",
            f"/documents/{slug}/themes",
            "/points/1",
            "/principles/1/sources",
            f"/documents/{slug}/",
            f"/principles/{slug}/1.0/",
        ):
            response = page.goto(live_server + path)
            assert response.status == 200, (language, path, response.status)
            assert axe_violations(page) == [], (language, path)
    finally:
        context.close()
