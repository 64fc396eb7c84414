"""The phone and accessibility check (tests/e2e/test_every_page_on_a_phone.py) visits a page of every screen."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.e2e.test_every_page_on_a_phone import PAGES

# Addresses that are not screens to check on a phone, each with the reason.
NOT_SCREENS = {
    "main.healthz": "a health check for the process manager",
    "calendar.feed": "an iCalendar file",
    "invitations.export_my_data": "a JSON download",
    "public.export": "a download in the publication's own format and language",
    "public.feed": "an Atom feed",
    "endorsements.endorsements_csv": "a CSV download",
    "publishing.meeting_pack_pdf": "a PDF",
    # Reached only through a single-use link from an e-mail; their pages are checked in their journeys.
    "invitations.accept": "tests/e2e/test_account_journey.py",
    "auth.reset_password": "a single-use e-mailed link",
    "auth.sign_in_link": "a single-use e-mailed link",
    "endorsements.verify": "tests/e2e/test_endorsements_journey.py",
    "endorsements.withdraw": "a single-use e-mailed link",
    "two_factor.sign_in_code": "tests/e2e/test_two_factor_journey.py (needs an account with two-factor on)",
    # Forms that exist only for one person's own object; their look is the form beside them in PAGES.
    "amendments.revise": "the proposal form (amendments.propose), for the proposer of an open amendment",
    "amendments.answer": "the proposer's answer to a recommendation, the recommendation form's twin",
    "comments.edit": "the reply form, for the comment's own author",
    "comments.delete": "a confirmation like the hide form, for the comment's own author",
    "points.edit": "the key point form, for its author",
    "points.translate": "the key point form, for a translator",
    "translations.edit": "checked by tests/e2e/test_journeys.py in four languages",
    "endorsements.reject": "a confirmation like the moderation forms",
    "ballot_desk.paper_receipt": "tests/e2e/test_ballot_desk.py, at 375 px",
    "meeting_live.live_region": "a fragment of the live page that its script fetches",
    "meetings.meeting_calendar": "an iCalendar file",
}


def test_every_screen_has_a_page_in_the_phone_check(app):
    adapter = app.url_map.bind("localhost")
    listed = {adapter.match(urlsplit(path).path, method="GET")[0] for paths in PAGES.values() for path in paths}
    screens = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.rule.startswith(("/api/", "/static"))
    }
    missing = sorted(screens - listed - set(NOT_SCREENS))
    assert missing == [], f"screens with no page in tests/e2e/test_every_page_on_a_phone.py: {missing}"
    assert not listed & set(NOT_SCREENS), "a screen is both checked and excused"
