"""The editorial procedure in a real browser without JavaScript: recommend, agree, batch-merge, put to the vote."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.test_sign_in_journey import sign_in
from tests.live_server import make_live_server

pytestmark = pytest.mark.e2e
SLUG = "principles-for-collaboration"
COMMITTEE = "Partners review together, at the end of every joint effort, how these principles were lived."


@pytest.fixture(scope="module")
def server(db_url):
    with make_live_server(db_url) as base:
        yield base


def _token(request, base, email, password):
    return request.post(f"{base}/api/v1/auth/token", data={"email": email, "password": password}).json()["token"]


def _setup(request, base) -> tuple[int, int, int]:
    """Through the API: two more proposals from members, and a scheduled voting round."""
    secretariat = {"Authorization": f"Bearer {_token(request, base, 'secretariat@example.org', 'demo-secretariat')}"}
    principles = request.get(f"{base}/api/v1/documents/{SLUG}", headers=secretariat).json()["principles"]
    ids = []
    for email, principle, text in (
        ("lucia@andean.example.org", principles[0], "At the start of every joint effort each partner states its aims."),
        ("dara@mekong.example.org", principles[1], "Organisations working in the country design the project."),
    ):
        member = {"Authorization": f"Bearer {_token(request, base, email, 'demo-member')}"}
        made = request.post(
            f"{base}/api/v1/documents/{SLUG}/amendments",
            data={"kind": "modify", "principle_id": principle["id"], "text": text, "rationale": "Shorter."},
            headers=member,
        )
        assert made.status == 201, made.text()
        ids.append(made.json()["id"])
    closes = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).isoformat()
    created = request.post(
        f"{base}/api/v1/documents/{SLUG}/rounds",
        data={"kind": "voting", "title": "Votes at the meeting", "closes_at": closes},
        headers=secretariat,
    )
    assert created.status == 201, created.text()
    return ids[0], ids[1], created.json()["id"]


def test_the_secretariat_runs_the_procedure_without_javascript(browser, server):
    secretariat = browser.new_context(java_script_enabled=False)
    member = browser.new_context(java_script_enabled=False)
    try:
        page = secretariat.new_page()
        first_new, second_new, round_id = _setup(page.request, server)
        sign_in(page, server, "secretariat@example.org", "demo-secretariat")

        # The secretariat recommends the committee's text for Amina's new principle (amendment 4).
        page.goto(server + "/amendments/4")
        page.locator("#procedure").select_option("modified")
        page.locator("#reason").fill("Shorter, and the publication is up to each effort.")
        page.locator("#text").fill(COMMITTEE)
        with page.expect_navigation():
            page.locator("form[action='/amendments/4/recommendation'] [type=submit]").click()
        assert "Shorter, and the publication" in page.locator("main").inner_text()

        # Amina agrees for her organisation: the committee's text becomes the amendment's text.
        amina = member.new_page()
        sign_in(amina, server, "amina@sahel.example.org", "demo-member")
        amina.goto(server + "/amendments/4")
        with amina.expect_navigation():
            amina.locator("form[action='/amendments/4/recommendation/answer'] [name=agree]").click()
        assert COMMITTEE in amina.locator("main").inner_text()

        # The consolidated text shows the three accepted amendments applied.
        page.goto(server + f"/documents/{SLUG}/consolidated")
        consolidated = page.locator("main").inner_text()
        assert "Would not apply cleanly" not in consolidated
        assert page.locator("main .redline ins").count() >= 3

        # The batch form comes filled with the accepted amendments, in list order: one new version.
        page.goto(server + f"/documents/{SLUG}/amendments/")
        assert page.locator("#amendment_ids").input_value() == "2, 3, 4"
        with page.expect_navigation():
            page.locator(f"form[action='/documents/{SLUG}/merge'] [type=submit]").click()
        assert "Merged 3 amendments as version 3" in page.locator("main").inner_text()

        # What still needs a vote: the objected amendment and the two not yet recommended.
        page.goto(server + f"/documents/{SLUG}/amendments/?needs_vote=true")
        agenda = page.locator("main").inner_text()
        for amendment_id in (5, first_new, second_new):
            assert f"Amendment {amendment_id}" in agenda
        with page.expect_navigation():
            page.locator(f"a[href='/rounds/{round_id}/?amendment_id=5#put-motion']").click()
        assert page.locator("#amendment_id").input_value() == "5"
        with page.expect_navigation():
            page.locator(f"form[action='/rounds/{round_id}/motions'] [type=submit]").click()
        page.locator("#amendment_ids").fill(f"{first_new}, {second_new}")
        with page.expect_navigation():
            page.locator(f"form[action='/rounds/{round_id}/blocks'] [type=submit]").click()
        shown = page.locator("main").inner_text()
        assert "Motion 1:" in shown and "Amendment 5" in shown
        assert "Motion 2: a block of 2 amendments, passing or falling together" in shown
    finally:
        secretariat.close()
        member.close()
