"""The demo's Berlin General Meeting in a real browser, in Arabic on a phone: the secretariat's meeting pages,
a round held back by the quorum, and the proxy holder's second ballot — each page accessible (axe-core)
and valid (Nu HTML Checker)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import axe_violations, sign_in
from tests.e2e.html_checker import html_errors
from tests.e2e.test_journeys import translate
from tests.live_server import make_live_server

pytestmark = pytest.mark.e2e
SLUG = "principles-for-collaboration"
SECRETARIAT, PASSWORD = "secretariat@example.org", "demo-secretariat"
HOLDER, HOLDER_PASSWORD = "karim@maghreb.example.org", "demo-member"  # holds the Gulf project's proxy


@pytest.fixture(scope="module")
def server(db_url):
    with make_live_server(db_url) as base:
        yield base


def test_a_meeting_round_waits_for_quorum_and_the_holder_casts_the_proxys_ballot_in_arabic(browser, server):
    context = browser.new_context(
        locale="ar",
        extra_http_headers={"Accept-Language": "ar"},
        viewport={"width": 375, "height": 812},
        bypass_csp=True,
    )
    page = context.new_page()
    pages: dict[str, str] = {}

    def look(path: str) -> None:
        response = page.goto(server + path)
        assert response.status == 200, (path, response.status)
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert "%(" not in page.locator("main").inner_text()
        pages[path] = response.text()
        assert axe_violations(page) == [], path

    try:
        request = context.request
        token = request.post(f"{server}/api/v1/auth/token", data={"email": SECRETARIAT, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        (meeting,) = request.get(f"{server}/api/v1/documents/{SLUG}/meetings", headers=headers).json()
        for round_id in range(1, 10):
            request.post(f"{server}/api/v1/rounds/{round_id}/close", headers=headers)  # 404/409 for the others
        closes = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()
        created = request.post(
            f"{server}/api/v1/documents/{SLUG}/rounds",
            data={"kind": "adoption", "title": "Adopt at the GM", "closes_at": closes, "meeting_id": meeting["id"]},
            headers=headers,
        )
        assert created.status == 201, created.text()
        round_id = created.json()["id"]
        refused = request.post(f"{server}/api/v1/rounds/{round_id}/open", headers=headers)
        # The demo has weight 7 in the room or online and 1 represented, of 27; a quorum of 0.5 needs 13.5.
        message = refused.json()["error"]["message"]
        assert refused.status == 409 and all(figure in message for figure in ("8", "27", "13.5"))

        sign_in(page, server, SECRETARIAT, PASSWORD)
        look(f"/meetings/{meeting['id']}/")
        look(f"/meetings/{meeting['id']}/edit")
        look(f"/documents/{SLUG}/meetings/new")
        look(f"/rounds/{round_id}/")
        assert (
            translate("ar", "The round stays scheduled until the meeting's quorum is reached.")
            in page.locator("main").inner_text()
        )

        # The sign-in sheet fills up; the round opens.
        listed = request.get(f"{server}/api/v1/organisations", headers=headers).json()["organisations"]
        for organisation in listed:
            # Every member but the proxy's giver, which its holder represents.
            if organisation["category"] == "member" and organisation["name"] != "Gulf Digital Freedom Project":
                request.put(
                    f"{server}/api/v1/meetings/{meeting['id']}/attendance/{organisation['id']}",
                    data={"mode": "online"},
                    headers=headers,
                )
        opened = request.post(f"{server}/api/v1/rounds/{round_id}/open", headers=headers)
        assert opened.status == 200, opened.text()
        page.context.clear_cookies()

        sign_in(page, server, HOLDER, HOLDER_PASSWORD)
        ballot_path = f"/rounds/{round_id}/ballot"
        look(ballot_path)
        proxy = page.locator("section.proxy-ballot")
        assert translate("ar", "On behalf of %(giver)s", giver="Gulf Digital Freedom Project") in proxy.inner_text()
        proxy.locator("input[type=radio][value=yes]").check()
        with page.expect_navigation():
            proxy.locator("[type=submit]").click()
        look(ballot_path)
        assert page.locator("section.proxy-ballot code").count() == 1  # its receipt
    finally:
        context.close()
    assert html_errors(pages) == []
