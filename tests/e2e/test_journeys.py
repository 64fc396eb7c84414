"""The whole story in a real browser: propose, merge, vote, adopt, publish, read — each page accessible and valid.

Every variant (English with JavaScript on and off, Spanish, French, and Arabic on a 375 px phone) gets
a server and database of its own, because the journeys change the demo. The journeys build on each other (amendments before the vote,
the vote before adoption, adoption before the public reads 1.1); each test first runs, once per server,
whatever earlier journey it needs, so the tests pass in any order and alone.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel.support import Translations

from tests.e2e.conftest import ARTIFACTS, axe_violations
from tests.e2e.html_checker import html_errors
from tests.live_server import ROOT, make_live_server

pytestmark = pytest.mark.e2e

SLUG = "principles-for-collaboration"
DRAFT = f"/documents/{SLUG}/"
MEMBER_PASSWORD, SECRETARIAT_PASSWORD = "demo-member", "demo-secretariat"
SECRETARIAT = "secretariat@example.org"
AMINA, LUCIA = "amina@sahel.example.org", "lucia@andean.example.org"
DELEGATES = (AMINA, LUCIA, "karim@maghreb.example.org", "dara@mekong.example.org", "jo@gew.example.org")
VARIANTS = {
    "js": {"javascript": True, "language": "en", "viewport": {"width": 1280, "height": 900}},
    "nojs": {"javascript": False, "language": "en", "viewport": {"width": 1280, "height": 900}},
    "ar-375px": {"javascript": True, "language": "ar", "viewport": {"width": 375, "height": 812}},
    "es": {"javascript": True, "language": "es", "viewport": {"width": 1280, "height": 900}},
    "fr": {"javascript": True, "language": "fr", "viewport": {"width": 1280, "height": 900}},
}


def translate(language: str, message: str, **values) -> str:
    """Return a message as the interface shows it in `language`."""
    catalogue = Translations.load(str(ROOT / "principles_app" / "translations"), [language])
    return catalogue.gettext(message) % values if values else catalogue.gettext(message)


class Story:
    """One server, one browser setting, and what has already happened on that server."""

    def __init__(self, browser, base: str, variant: str):
        self.browser, self.base, self.variant = browser, base, variant
        self.settings = VARIANTS[variant]
        self.language = self.settings["language"]
        self.done: set[int] = set()
        self.failed: int | None = None
        self.facts: dict = {}

    def reach(self, journey: int, runner) -> None:
        """Run every earlier journey this server has not seen yet, then `journey` itself."""
        for earlier in range(1, journey + 1):
            if earlier in self.done:
                continue
            assert self.failed is None, f"journey {self.failed} failed on this server, so {journey} cannot run"
            self.failed = earlier
            with Visit(self) as visit:
                runner[earlier](visit)
            self.failed = None
            self.done.add(earlier)


# The elements that reach past the viewport's edges and are not inside a scrolling container of their own.
WIDER_THAN_THE_PAGE = """() => {
  const width = document.documentElement.clientWidth, found = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    const spills = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible";
    if (box.right <= width + 0.5 && box.left >= -0.5 && !spills) continue;
    let scrolled = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(up).overflowX)) { scrolled = true; break; }
    }
    if (!scrolled) found.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.left)}..${Math.round(box.right)} ${el.scrollWidth}/${el.clientWidth}`);
  }
  return found.slice(0, 10);
}"""


class Visit:
    """A browser context for one person; every page it lands on is checked with axe and kept for vnu."""

    def __init__(self, story: Story):
        self.story = story
        self.pages: dict[str, str] = {}

    def __enter__(self) -> Visit:
        settings = self.story.settings
        self.context = self.story.browser.new_context(
            java_script_enabled=settings["javascript"],
            viewport=settings["viewport"],
            locale=settings["language"],
            extra_http_headers={"Accept-Language": settings["language"]},
            bypass_csp=True,
        )
        self.page = self.context.new_page()
        return self

    def __exit__(self, kind, error, trace) -> None:
        if error is not None:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "-", f"journey-{self.story.variant}-{self.page.url}")[:150]
            self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        self.context.close()
        if error is None:
            errors = html_errors(self.pages)
            assert errors == [], "\n".join(errors)

    # Navigation -----------------------------------------------------------------------------------------
    def go(self, path: str) -> None:
        """Open a page by its address and check it."""
        response = self.page.goto(self.story.base + path)
        assert response.status == 200, (path, response.status)
        self.look()

    def submit(self, button) -> None:
        """Press a form's button, wait for the next page and check it."""
        with self.page.expect_navigation():
            button.click()
        self.look()

    def follow(self, link) -> None:
        """Follow a link and check the page it leads to."""
        with self.page.expect_navigation():
            link.click()
        self.look()

    def look(self) -> None:
        """Keep the page's HTML as the server sent it, and run axe-core on it when JavaScript is on."""
        url = self.page.url
        path = url.removeprefix(self.story.base).split("#")[0]
        assert "/sign-in" not in path or "next=" not in path, f"unexpectedly signed out at {path}"
        response = self.context.request.get(url)
        if response.status == 200 and response.headers.get("content-type", "").startswith("text/html"):
            self.pages[path] = response.text()
        if self.story.settings["javascript"]:
            violations = axe_violations(self.page)
            assert violations == [], (self.story.language, path, violations)
        if self.story.variant == "ar-375px":
            assert self.page.locator("html").get_attribute("dir") == "rtl", path
            overflow = self.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (path, "wider than the phone", overflow, self.page.evaluate(WIDER_THAN_THE_PAGE))

    # People -----------------------------------------------------------------------------------------------
    def sign_in(self, email: str) -> None:
        """Sign in (in the variant's language) as one of the demo accounts."""
        self.context.clear_cookies()
        self.go("/sign-in")
        password = SECRETARIAT_PASSWORD if email == SECRETARIAT else MEMBER_PASSWORD
        self.page.locator("#email").fill(email)
        self.page.locator("#password").fill(password)
        self.submit(self.page.locator("main form input[type=submit], main form button[type=submit]").first)
        if self.page.locator("html").get_attribute("lang") != self.story.language:
            self.page.locator("#language-select").select_option(self.story.language)
            self.submit(self.page.locator(".language-switch button"))
        assert self.page.locator("html").get_attribute("lang") == self.story.language

    def press(self, action: str) -> None:
        """Press the button of the form that posts to `action`."""
        self.submit(self.page.locator(f'form[action="{action}"] button[type=submit]').first)

    def t(self, message: str, **values) -> str:
        return translate(self.story.language, message, **values)


def in_a_week() -> str:
    """Return a closing time a week from now, as a datetime-local field takes it."""
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")


def main_text(visit: Visit) -> str:
    return visit.page.locator("main").inner_text()


# The journeys ----------------------------------------------------------------------------------------------


def member_proposes_cosponsors_and_comments(visit: Visit) -> None:
    """Journey 1: Amina proposes a change, co-sponsors Lucía's amendment and comments without her name."""
    page = visit.page
    visit.sign_in(AMINA)
    visit.go(DRAFT)
    visit.follow(page.locator(f'a[href="{DRAFT}amendments/new?principle=2&kind=modify"]'))
    sentence = f"Budgets name the local partners by name ({visit.story.variant})."
    text = page.locator("#text")
    text.fill(text.input_value() + " " + sentence)
    page.locator("#rationale").fill("Planning without the money is not participation.")
    visit.submit(page.locator("#submit"))
    assert re.search(r"/amendments/\d+$", page.url), page.url
    assert sentence.split(" (")[0] in page.locator(".redline ins").first.inner_text()
    assert "2" in page.locator("h1").inner_text()
    visit.story.facts["proposed"] = int(page.url.rsplit("/", 1)[1])

    visit.go(f"{DRAFT}amendments/")
    visit.follow(page.locator('a[href="/amendments/2"]'))
    visit.press("/amendments/2/cosponsor")
    assert "Sahel Press Freedom Network" in page.locator("section[aria-labelledby=sponsors-heading]").inner_text()

    visit.follow(page.locator('a[href="/threads/amendment/2"]'))
    remark = f"Four working languages can be checked; good ({visit.story.variant})."
    page.locator("#comment-body").fill(remark)
    page.locator("#comment-anonymous").check()
    visit.submit(page.locator("form.comment-form button[type=submit]"))
    comment = page.locator("article, li").filter(has_text=remark).last
    shown_as = visit.t("a member organisation from %(region)s", region=visit.t("Africa"))
    assert shown_as in comment.inner_text(), comment.inner_text()
    assert "Amina" not in comment.inner_text()


def secretariat_merges_and_puts_a_motion(visit: Visit) -> None:
    """Journey 2: the secretariat merges an amendment, closes the amendments round and opens a vote."""
    page = visit.page
    visit.sign_in(SECRETARIAT)
    visit.go(DRAFT)
    version_before = int(re.search(r"\b(\d+)\b", page.locator("main > p").first.inner_text()).group(1))
    visit.go("/amendments/3")
    visit.press("/amendments/3/merge")
    visit.go(DRAFT)
    version_after = int(re.search(r"\b(\d+)\b", page.locator("main > p").first.inner_text()).group(1))
    assert version_after == version_before + 1
    visit.go("/amendments/3")
    assert visit.t("merged") in page.locator(".badge").first.inner_text()

    visit.go(f"{DRAFT}rounds/")
    visit.press("/rounds/5/close")  # the demo's fresh amendments round, after its consultation
    title = f"Vote on the languages amendment ({visit.story.variant})"
    round_id = schedule_round(visit, "voting", title)
    visit.follow(page.locator(f'a[href="/rounds/{round_id}/"]'))
    page.locator("#amendment_id").select_option("2")
    visit.submit(page.locator(f'form[action="/rounds/{round_id}/motions"] [type=submit]'))
    visit.press(f"/rounds/{round_id}/open")
    visit.go(f"/rounds/{round_id}/")
    assert page.locator('a[href="/amendments/2"]').count() > 0
    motion_link = page.locator('a[href^="/motions/"][href$="/result"]').first.get_attribute("href")
    visit.story.facts["voting"] = (round_id, int(motion_link.split("/")[2]))


def schedule_round(visit: Visit, kind: str, title: str, quorum: str = "") -> int:
    """Fill the round form on the rounds page and return the new round's id."""
    page = visit.page
    page.locator("#kind").select_option(kind)
    page.locator("#title").fill(title)
    page.locator("#closes_at").fill(in_a_week())
    if quorum:
        page.locator("#quorum").fill(quorum)
    visit.submit(page.locator("main form:not([action]) [type=submit]:not([name=preview])").last)
    href = page.locator("main a").filter(has_text=title).first.get_attribute("href")
    return int(href.strip("/").split("/")[1])


def cast(visit: Visit, round_id: int, motion_id: int, choice: str) -> str:
    """Vote on the ballot page and return the receipt shown."""
    page = visit.page
    visit.go(f"/rounds/{round_id}/")
    visit.follow(page.locator(f'a[href="/rounds/{round_id}/ballot"]'))
    form = page.locator(f'form[action="/motions/{motion_id}/ballot"]')
    form.locator(f'input[value="{choice}"]').check()
    visit.submit(form.locator("button[type=submit]"))
    row = page.locator(".ballot-row").filter(has=page.locator(f'form[action="/motions/{motion_id}/ballot"]'))
    receipt = row.locator("code").first.inner_text().strip()
    assert len(receipt) >= 6, receipt
    return receipt


def member_votes_and_checks_the_bulletin(visit: Visit) -> None:
    """Journey 3: Amina votes, the secretariat closes, Amina finds her receipt on the bulletin."""
    page = visit.page
    round_id, motion_id = visit.story.facts["voting"]
    visit.sign_in(AMINA)
    receipt = cast(visit, round_id, motion_id, "yes")
    visit.sign_in(SECRETARIAT)
    visit.go(f"/rounds/{round_id}/")
    visit.press(f"/rounds/{round_id}/close")
    visit.sign_in(AMINA)
    visit.go(f"/rounds/{round_id}/")
    visit.follow(page.locator(f'a[href="/motions/{motion_id}/result"]').first)
    row = page.get_by_role("row").filter(has_text=receipt)
    assert row.count() == 1, receipt
    assert visit.t("Yes") in row.inner_text()


def secretariat_adopts_and_publishes(visit: Visit) -> None:
    """Journey 4: an adoption round, the delegates vote yes, the secretariat publishes 1.1."""
    page = visit.page
    visit.sign_in(SECRETARIAT)
    visit.go(f"{DRAFT}rounds/")
    round_id = schedule_round(visit, "adoption", f"Adoption of 1.1 ({visit.story.variant})", quorum="0.2")
    visit.go(f"/rounds/{round_id}/")
    visit.press(f"/rounds/{round_id}/open")
    visit.go(f"/rounds/{round_id}/")
    motion_id = int(page.locator('a[href^="/motions/"][href$="/result"]').first.get_attribute("href").split("/")[2])
    for delegate in DELEGATES:
        visit.sign_in(delegate)
        cast(visit, round_id, motion_id, "yes")
    visit.sign_in(SECRETARIAT)
    visit.go(f"/rounds/{round_id}/")
    visit.press(f"/rounds/{round_id}/close")
    visit.go(f"/motions/{motion_id}/result")
    visit.go(f"/documents/{SLUG}/publish")
    page.locator("#label").fill("1.1")
    page.locator("#approved_at").fill(dt.date.today().isoformat())
    page.locator("#meeting").fill("General Meeting, Nairobi 2026")
    visit.submit(page.locator("main form [type=submit]").last)
    assert page.url.endswith(f"/principles/{SLUG}/1.1/"), page.url
    assert "1.1" in page.locator("h1, main").first.inner_text()


def public_reader_reads_compares_and_downloads(visit: Visit) -> None:
    """Journey 5: someone not signed in reads 1.1, compares it with 1.0 and downloads the PDF."""
    page = visit.page
    visit.context.clear_cookies()
    visit.go("/principles/")
    visit.follow(page.locator(f'main a[href^="/principles/{SLUG}/"]').first)
    assert "1.1" in main_text(visit)
    visit.follow(page.locator(f'a[href="/principles/{SLUG}/compare/1.0/1.1/"]'))
    assert page.locator("main ins, main del").count() > 0
    visit.go(f"/principles/{SLUG}/1.1/")
    pdf_link = page.locator(f'a[href^="/principles/{SLUG}/1.1/export.pdf"]').first.get_attribute("href")
    download = visit.context.request.get(visit.story.base + pdf_link)
    assert download.status == 200
    assert download.headers["content-type"].startswith("application/pdf")
    assert download.body().startswith(b"%PDF")
    standalone = visit.context.request.get(visit.story.base + f"/principles/{SLUG}/1.1/export.html")
    assert standalone.status == 200
    visit.pages[f"/principles/{SLUG}/1.1/export.html"] = standalone.text()


JOURNEYS = {
    1: member_proposes_cosponsors_and_comments,
    2: secretariat_merges_and_puts_a_motion,
    3: member_votes_and_checks_the_bulletin,
    4: secretariat_adopts_and_publishes,
    5: public_reader_reads_compares_and_downloads,
}


@pytest.fixture(scope="module", params=list(VARIANTS))
def story(request, browser, db_url):
    """A server of the variant's own with the demo loaded, and the record of what happened on it."""
    with make_live_server(db_url) as base:
        yield Story(browser, base, request.param)


def test_a_member_proposes_cosponsors_and_comments_anonymously(story):
    story.reach(1, JOURNEYS)


def test_the_secretariat_merges_closes_the_amendments_and_opens_a_vote(story):
    story.reach(2, JOURNEYS)


def test_a_member_votes_and_finds_the_receipt_on_the_bulletin(story):
    story.reach(3, JOURNEYS)


def test_the_secretariat_runs_an_adoption_round_and_publishes_1_1(story):
    story.reach(4, JOURNEYS)


def test_a_public_reader_reads_compares_and_downloads_the_pdf(story):
    story.reach(5, JOURNEYS)
