"""A hybrid General Meeting from start to finish in a real browser, with JavaScript and without (SPEC §11).

The secretariat schedules a meeting that is running now and a named voting round for it; two member
organisations check themselves in (one in the room, one online) and a third gives its proxy to one
of them. The round is held back by the quorum until the secretariat checks in a fourth organisation
from the paper sign-in sheet. The proxy holder casts its own ballot and the giver's, the giver cannot
vote, the secretariat copies the fourth organisation's paper ballot and the online delegate votes from
home. At close the result page shows the exact weighted tally, and the minutes (HTML and PDF) record
who attended and how, the proxy, the result and the roll call.

Every person uses a browser of their own on the demo network, served on a database of its own.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, sign_in
from tests.live_server import make_live_server

pytestmark = pytest.mark.e2e
SLUG = "principles-for-collaboration"
SECRETARIAT = ("secretariat@example.org", "demo-secretariat")
AMINA = ("amina@sahel.example.org", "demo-member")  # Sahel Press Freedom Network, weight 2: in the room
DARA = ("dara@mekong.example.org", "demo-member")  # Mekong Digital Rights Lab, weight 1: online
KARIM = ("karim@maghreb.example.org", "demo-member")  # Maghreb Media Monitor, weight 2: gives its proxy
SAHEL, MEKONG, MAGHREB = "Sahel Press Freedom Network", "Mekong Digital Rights Lab", "Maghreb Media Monitor"
PACIFIC = "Pacific Islands Press Council"  # weight 2, no user: the secretariat signs it in and copies its paper ballot
ABSENT = "Andean Journalists' Association"
ZONE = "Africa/Nairobi"  # no daylight saving time: the typed times mean one thing
# The demo's 22 member organisations weigh 27. A quorum of 0.25 needs 6.75: Sahel and Mekong present (3)
# with Maghreb represented (2) make 5, not enough; Pacific in the room makes 7, enough.
QUORUM = "0.25"
MEETING_TITLE = "Hybrid General Meeting"
ROUND_TITLE = "Votes of the hybrid meeting"
# Weights are exact decimals with four places: (choice, weight, organisations).
TALLY = (("Yes", "4.0000", "2"), ("No", "2.0000", "1"), ("Abstain", "1.0000", "1"))


def _submit(page, button):
    """Click a form's button and return the response of the page it leads to (after any redirect)."""
    with page.expect_navigation() as navigation:
        button.click()
    return navigation.value


def _local(moment: dt.datetime) -> str:
    """Write a time as a datetime-local input takes it, in the meeting's zone."""
    return moment.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")


def _row(page, name: str):
    """Return the attendance table's row of an organisation."""
    return page.locator("#attendance ~ .table-wrap tbody tr").filter(has=page.get_by_role("rowheader", name=name))


def _check_in(page, name: str, mode: str) -> None:
    row = _row(page, name)
    row.locator("select").select_option(mode)
    response = _submit(page, row.get_by_role("button", name="Record"))
    assert response.status == 200
    expect(page.locator("main")).to_contain_text("Attendance recorded.")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_hybrid_general_meeting_checks_in_waits_for_quorum_votes_by_proxy_and_paper_and_writes_minutes(
    browser, db_url, javascript
):
    contexts = []

    def person(account: tuple[str, str]):
        context = browser.new_context(
            java_script_enabled=javascript, viewport={"width": 1280, "height": 900}, bypass_csp=True
        )
        contexts.append(context)
        page = context.new_page()
        sign_in(page, base, *account)
        return page

    def accessible(page) -> None:
        # axe-core runs in the page: only with JavaScript on.
        if javascript:
            assert axe_violations(page) == [], page.url

    with make_live_server(db_url) as base:
        try:
            secretariat = person(SECRETARIAT)
            amina, dara, karim = person(AMINA), person(DARA), person(KARIM)

            # 1. The secretariat schedules the meeting, running now, with proxies open for another hour.
            now = dt.datetime.now(dt.UTC)
            secretariat.goto(f"{base}/documents/{SLUG}/meetings/new")
            accessible(secretariat)
            secretariat.locator("#title").fill(MEETING_TITLE)
            secretariat.locator("#time_zone").fill(ZONE)
            secretariat.locator("#starts_at").fill(_local(now - dt.timedelta(minutes=30)))
            secretariat.locator("#ends_at").fill(_local(now + dt.timedelta(hours=4)))
            secretariat.locator("#proxies_close_at").fill(_local(now + dt.timedelta(hours=1)))
            secretariat.locator("#place").fill("Nairobi, Kenya National Theatre")
            secretariat.locator("#online_url").fill("https://meet.example.org/hybrid")
            secretariat.locator("#quorum").fill(QUORUM)
            response = _submit(secretariat, secretariat.locator("main form [type=submit]"))
            assert response.status == 200
            expect(secretariat.locator("main")).to_contain_text("The meeting is scheduled.")
            meeting_id = int(re.search(r"/meetings/(\d+)/$", secretariat.url).group(1))
            meeting_path = f"/meetings/{meeting_id}/"
            expect(secretariat.locator("h1")).to_have_text(MEETING_TITLE)
            expect(secretariat.locator("#quorum + p")).to_contain_text(
                "The quorum is not reached. Present and represented weight: 0 of 27; required: 6.75."
            )

            # Only one round of the document is open at a time: the demo's amendments round closes first.
            secretariat.goto(f"{base}/documents/{SLUG}/rounds/")
            response = _submit(
                secretariat, secretariat.get_by_role("button", name="Close Amendments for the next edition")
            )
            assert response.status == 200
            # A named voting round for the meeting, with the same low quorum as the demo's past rounds.
            secretariat.locator("#kind").select_option("voting")
            secretariat.locator("#title").fill(ROUND_TITLE)
            closes = (now + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")  # in any zone, two days ahead
            secretariat.locator("#closes_at").fill(closes)
            secretariat.locator("#majority").select_option("simple")
            secretariat.locator("#quorum").fill(QUORUM)
            secretariat.locator("#secrecy").select_option("named")
            secretariat.locator("#meeting_id").select_option(str(meeting_id))
            response = _submit(secretariat, secretariat.locator("#submit"))
            assert response.status == 200
            expect(secretariat.locator("main")).to_contain_text("Round scheduled.")
            _submit(secretariat, secretariat.locator("main table").get_by_role("link", name=ROUND_TITLE))
            round_id = int(re.search(r"/rounds/(\d+)/$", secretariat.url).group(1))
            round_path = f"/rounds/{round_id}/"
            expect(secretariat.locator("dl.facts")).to_contain_text(MEETING_TITLE)
            motion_heading = secretariat.locator("#amendment_id option").first.inner_text()
            _submit(secretariat, secretariat.get_by_role("button", name="Put to the vote"))
            expect(secretariat.locator("main")).to_contain_text("The amendment is put to the vote.")
            motion_link = secretariat.locator("article.motion h3 a").first
            expect(motion_link).to_contain_text(motion_heading)

            # 2. Two member organisations check themselves in: one in the room, one online.
            amina.goto(base + meeting_path)
            assert amina.locator("#attendance ~ .table-wrap select").count() == 1  # only its own row
            _check_in(amina, SAHEL, "in_room")
            expect(_row(amina, SAHEL)).to_contain_text("In the room")
            dara.goto(base + meeting_path)
            _check_in(dara, MEKONG, "online")
            expect(_row(dara, MEKONG)).to_contain_text("Online")
            accessible(dara)

            # 3. A third organisation gives its proxy to the one in the room.
            karim.goto(base + meeting_path)
            karim.locator("#holder").select_option(label=SAHEL)
            response = _submit(karim, karim.get_by_role("button", name="Give the proxy"))
            assert response.status == 200
            expect(karim.locator("main")).to_contain_text(f"The proxy was given to {SAHEL}.")
            expect(karim.locator("#proxies + ul")).to_contain_text(f"{MAGHREB} gave its proxy to {SAHEL}")
            expect(_row(karim, MAGHREB)).to_contain_text(f"Represented by {SAHEL}")
            accessible(karim)

            # 4. Present 3 and represented 2 of 27 is below the quorum of 6.75: the round does not open.
            secretariat.goto(base + round_path)
            shortfall = "Quorum not reached: 5 of 27 present or represented; 6.75 required."
            expect(secretariat.locator("p.notice")).to_contain_text(shortfall)
            accessible(secretariat)
            response = _submit(secretariat, secretariat.get_by_role("button", name="Open the round"))
            assert response.status == 409
            expect(secretariat.locator("h1")).to_have_text(shortfall)
            secretariat.goto(base + round_path)
            expect(secretariat.locator("dl.facts")).to_contain_text("scheduled")

            # 5. The paper sign-in sheet: the secretariat checks in a fourth organisation; the round opens.
            secretariat.goto(base + meeting_path)
            _check_in(secretariat, PACIFIC, "in_room")
            quorum = secretariat.locator("#quorum + p")
            expect(quorum).to_contain_text("The quorum is reached.")
            expect(quorum).to_contain_text("Present and represented weight: 7 of 27; required: 6.75.")
            accessible(secretariat)
            secretariat.goto(base + round_path)
            response = _submit(secretariat, secretariat.get_by_role("button", name="Open the round"))
            assert response.status == 200
            expect(secretariat.locator("main")).to_contain_text("The round is open.")

            # 6. The holder votes for its own organisation and, in a second ballot, for the giver.
            ballot_path = f"/rounds/{round_id}/ballot"
            amina.goto(base + ballot_path)
            own = amina.locator("main > article.ballot-row")
            proxy = amina.locator("section.proxy-ballot")
            expect(proxy.locator("h2")).to_have_text(f"On behalf of {MAGHREB}")
            expect(proxy).to_contain_text("this second ballot counts with its weight 2")
            accessible(amina)
            own.locator("input[type=radio][value=yes]").check()
            _submit(amina, own.get_by_role("button", name="Cast ballot"))
            expect(amina.locator("main")).to_contain_text("Ballot recorded. Your receipt:")
            proxy.locator("input[type=radio][value=yes]").check()
            _submit(amina, proxy.get_by_role("button", name="Cast ballot"))
            expect(amina.locator("main")).to_contain_text("Ballot recorded. Your receipt:")
            expect(own).to_contain_text("Current vote: Yes")
            expect(proxy).to_contain_text("Current vote: Yes")
            motion_id = int(re.search(r"/motions/(\d+)/ballot", own.locator("form").get_attribute("action")).group(1))

            # The giver's delegate sees who votes for its organisation and has no ballot to cast ...
            karim.goto(base + ballot_path)
            expect(karim.locator("p.notice")).to_contain_text(
                f"Your organisation has given its proxy for this meeting to {SAHEL}"
            )
            expect(karim.locator("main input[type=radio]")).to_have_count(0)
            expect(karim.locator("main")).to_contain_text("Current vote: Yes")
            accessible(karim)
            # ... and a ballot sent anyway is refused.
            token = karim.locator("input[name=csrf_token]").first.get_attribute("value")
            refused = karim.context.request.post(
                f"{base}/motions/{motion_id}/ballot",
                form={
                    f"m{motion_id}-csrf_token": token,
                    f"m{motion_id}-motion_id": str(motion_id),
                    f"m{motion_id}-choice": "no",
                },
            )
            assert refused.status == 409
            assert "its delegates vote for you" in refused.text()

            # 7. The secretariat copies the paper ballot of the organisation it signed in.
            secretariat.goto(base + round_path)
            desk = secretariat.locator(f"#desk-{motion_id}")
            not_voted = desk.locator(".not-voted li")
            expect(not_voted.filter(has_text=PACIFIC)).to_have_count(1)
            expect(not_voted.filter(has_text=SAHEL)).to_have_count(0)
            expect(not_voted.filter(has_text=MAGHREB)).to_have_count(0)
            accessible(secretariat)
            desk.locator("select").select_option(label=PACIFIC)
            desk.locator("input[type=radio][value=no]").check()
            response = _submit(secretariat, desk.get_by_role("button", name="Record the paper ballot"))
            assert response.status == 200
            assert f"/motions/{motion_id}/paper-ballots/" in secretariat.url
            expect(secretariat.locator("h1")).to_have_text("Paper ballot receipt")
            expect(secretariat.locator("dl.facts")).to_contain_text(PACIFIC)
            expect(secretariat.locator("dl.facts")).to_contain_text("No")

            # 8. The online delegate votes from home.
            dara.goto(base + ballot_path)
            dara.locator("input[type=radio][value=abstain]").check()
            _submit(dara, dara.get_by_role("button", name="Cast ballot"))
            expect(dara.locator("main")).to_contain_text("Ballot recorded. Your receipt:")
            expect(dara.locator("main")).to_contain_text("Current vote: Abstain")

            # 9. The secretariat closes the round: yes 4 (2 organisations), no 2 (1), abstain 1 (1) of 27 (22).
            secretariat.goto(base + round_path)
            expect(secretariat.locator("main")).to_contain_text("4 of 22 organisations have voted (weight 7")
            response = _submit(
                secretariat, secretariat.get_by_role("button", name="Close the round and apply the results")
            )
            assert response.status == 200
            expect(secretariat.locator("main")).to_contain_text("The round is closed.")
            response = secretariat.goto(f"{base}/motions/{motion_id}/result")
            assert response.status == 200
            expect(secretariat.locator("p.outcome")).to_contain_text("Passed")
            tally = secretariat.locator("table").filter(has_text="The tally, weighted")
            for choice, weight, count in TALLY:
                cells = tally.locator("tbody tr").filter(has=secretariat.get_by_role("rowheader", name=choice))
                expect(cells.locator("td")).to_have_text([weight, count])
            expect(tally.locator("tfoot td")).to_have_text(["27.0000", "22"])
            expect(secretariat.locator("main")).to_contain_text(
                "Participation: 4 of 22 organisations, weight 7.0000 of 27.0000."
            )
            accessible(secretariat)

            # 10. The minutes: attendance, the proxy, the motion's result and its roll call.
            response = secretariat.goto(f"{base}/meetings/{meeting_id}/minutes.html")
            assert response.status == 200
            minutes = secretariat.locator("main")
            expect(secretariat.locator("h1")).to_have_text(f"Minutes: {MEETING_TITLE}")
            attendance = minutes.locator("table").first
            for name, mode in (
                (SAHEL, "In the room"),
                (PACIFIC, "In the room"),
                (MEKONG, "Online"),
                (MAGHREB, f"Represented by {SAHEL}"),
                (ABSENT, "Absent"),
            ):
                row = attendance.locator("tr").filter(has=secretariat.get_by_role("rowheader", name=name, exact=True))
                expect(row.locator("td").last).to_have_text(mode)
            expect(minutes).to_contain_text(f"{MAGHREB} gave its proxy to {SAHEL}")
            expect(minutes).to_contain_text(ROUND_TITLE)
            expect(minutes).to_contain_text("Result: passed")
            result = minutes.locator("section.motion table").first
            for choice, weight, count in TALLY:
                cells = result.locator("tr").filter(has=secretariat.get_by_role("rowheader", name=choice))
                expect(cells.locator("td")).to_have_text([weight, count])
            roll_call = minutes.locator("section.motion table").nth(1)
            for name, choice, note in (
                (SAHEL, "Yes", "by the organisation"),
                (MAGHREB, "Yes", f"cast by {SAHEL} as proxy"),
                (PACIFIC, "No", "entered from a paper form"),
                (MEKONG, "Abstain", "by the organisation"),
            ):
                row = roll_call.locator("tr").filter(has=secretariat.get_by_role("rowheader", name=name, exact=True))
                expect(row.locator("td").first).to_have_text(choice)
                expect(row.locator("td").last).to_have_text(note)
            accessible(secretariat)

            pdf = secretariat.context.request.get(f"{base}/meetings/{meeting_id}/minutes.pdf")
            assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
            assert pdf.body().startswith(b"%PDF")
            text = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf.body(), capture_output=True, check=True
            ).stdout.decode()
            assert MAGHREB in " ".join(text.split())
            assert f"cast by {SAHEL} as proxy" in " ".join(text.split())
        finally:
            for context in contexts:
                context.close()
