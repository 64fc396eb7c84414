"""The secretariat's desk in a real browser, in Arabic on a phone: who has not voted, a paper ballot
and its printable receipt, a reminder — each page accessible (axe-core) and valid (Nu HTML Checker)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.html_checker import html_errors
from tests.e2e.test_journeys import translate
from tests.live_server import make_live_server

pytestmark = pytest.mark.e2e
SLUG = "principles-for-collaboration"
SECRETARIAT, PASSWORD = "secretariat@example.org", "demo-secretariat"


@pytest.fixture(scope="module")
def server(db_url):
    with make_live_server(db_url) as base:
        yield base


def _open_adoption_round(request, base: str) -> tuple[int, int]:
    """Through the API: close what is open on the document, open an adoption round; return it and its motion."""
    token = request.post(f"{base}/api/v1/auth/token", data={"email": SECRETARIAT, "password": PASSWORD}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    for round_id in range(1, 10):
        request.post(f"{base}/api/v1/rounds/{round_id}/close", headers=headers)  # 404/409 for the others
    closes = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()
    created = request.post(
        f"{base}/api/v1/documents/{SLUG}/rounds",
        data={"kind": "adoption", "title": "Adopt the draft", "closes_at": closes},
        headers=headers,
    )
    assert created.status == 201, created.text()
    round_id = created.json()["id"]
    opened = request.post(f"{base}/api/v1/rounds/{round_id}/open", headers=headers)
    assert opened.status == 200, opened.text()
    return round_id, opened.json()["motions"][0]["id"]


def test_the_secretariat_sees_who_has_not_voted_records_a_paper_ballot_and_reminds_in_arabic(browser, server):
    context = browser.new_context(
        locale="ar",
        extra_http_headers={"Accept-Language": "ar"},
        viewport={"width": 375, "height": 812},
        bypass_csp=True,
    )
    page = context.new_page()
    pages: dict[str, str] = {}

    def look(path: str, response) -> None:
        assert response.status == 200, (path, response.status)
        assert page.locator("html").get_attribute("dir") == "rtl"
        pages[path] = response.text()
        assert axe_violations(page) == [], path

    try:
        round_id, motion_id = _open_adoption_round(context.request, server)
        page.goto(server + "/sign-in")
        page.locator("#email").fill(SECRETARIAT)
        page.locator("#password").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("main form [type=submit]").first.click()
        round_path = f"/rounds/{round_id}/"
        look(round_path, page.goto(server + round_path))
        desk = page.locator(f"#desk-{motion_id}")
        assert translate("ar", "Secretariat: who has not voted") in desk.inner_text()
        missing_before = desk.locator(".not-voted li").count()
        assert missing_before > 0
        chosen = desk.locator("select option").first
        organisation = chosen.inner_text()
        desk.locator("select").select_option(chosen.get_attribute("value"))
        desk.locator("input[type=radio][value=yes]").check()
        with page.expect_navigation():
            desk.locator("[type=submit]").last.click()
        receipt_path = page.url.removeprefix(server)
        assert receipt_path.startswith(f"/motions/{motion_id}/paper-ballots/")
        look(receipt_path, page.goto(page.url))
        assert organisation in page.locator("main").inner_text()
        assert translate("ar", "Paper ballot receipt") in page.locator("h1").inner_text()
        look(round_path, page.goto(server + round_path))
        desk = page.locator(f"#desk-{motion_id}")
        assert desk.locator(".not-voted li").count() == missing_before - 1
        with page.expect_navigation():
            desk.locator(f'form[action="/motions/{motion_id}/reminders"] button').click()
        assert page.url.removeprefix(server).startswith(round_path)
        assert "%(" not in page.locator("main").inner_text()
        again = context.request.post(
            f"{server}/motions/{motion_id}/reminders",
            form={"csrf_token": page.locator("input[name=csrf_token]").first.get_attribute("value")},
        )
        assert again.status == 429 and again.headers["retry-after"]
    finally:
        context.close()
    assert html_errors(pages) == []
