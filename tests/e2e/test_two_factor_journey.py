"""Two-factor sign-in in a real browser: an app's code without JavaScript, a passkey with it.

The server is the demo on a database of its own (enrolling changes the demo's accounts), addressed
as http://localhost:<port>, which is also its PUBLIC_URL: a passkey belongs to the site's host.
"""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, sign_in
from tests.e2e.html_checker import html_errors
from tests.live_server import make_live_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def site(db_url):
    with make_live_server(db_url, {"PUBLIC_URL": "http://localhost:{port}"}) as base:
        yield base.replace("127.0.0.1", "localhost")


def sign_out(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").first.click()


def enrol(page, base, pages: dict[str, str]) -> str:
    """Turn two-factor sign-in on from the account page; return the secret the page showed.

    The enrolment and recovery-code pages are kept in ``pages`` for the HTML checker.
    """
    page.goto(base + "/account")
    with page.expect_navigation():
        page.get_by_role("link", name="Two-factor sign-in and passkeys").click()
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    secret = page.locator("[data-totp-secret]").inner_text().replace(" ", "")
    pages["enrolment"] = page.content()
    page.locator("#code").fill(pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on two-factor sign-in").click()
    pages["recovery codes"] = page.content()
    codes = page.locator("[data-recovery-codes] li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", c) for c in codes)
    return secret


def next_code(secret: str) -> str:
    """The code of the next time step: the current one was spent on enrolment, and one step of drift passes."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_a_member_enrols_an_app_and_signs_in_with_its_code_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False, bypass_csp=True)
    page = context.new_page()
    try:
        pages: dict[str, str] = {}
        sign_in(page, site, "amina@sahel.example.org", "demo-member")
        secret = enrol(page, site, pages)
        sign_out(page)
        sign_in(page, site, "amina@sahel.example.org", "demo-member")
        assert page.url.endswith("/sign-in/second-factor")
        pages["second factor"] = page.content()
        expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_hidden()
        page.locator("#code").fill("000000" if next_code(secret) != "000000" else "111111")
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("alert")).to_contain_text("not right")
        page.locator("#code").fill(next_code(secret))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
        assert "Amina Diallo" in page.content() and "/sign-in" not in page.url
        page.goto(site + "/account/two-factor")
        pages["two-factor settings"] = page.content()
        assert html_errors(pages) == []
    finally:
        context.close()


def test_a_person_adds_a_passkey_and_signs_in_with_it_instead_of_the_code(browser, site):
    context = browser.new_context(java_script_enabled=True, bypass_csp=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    try:
        sign_in(page, site, "mira@civicspace.example.org", "demo-observer")
        page.goto(site + "/account/two-factor")
        assert axe_violations(page) == []  # the enrolment page, QR code included
        enrol(page, site, {})
        with page.expect_navigation():
            page.get_by_role("link", name="I have kept them").click()
        assert axe_violations(page) == []
        page.locator("#passkey-name").fill("Work laptop")
        with page.expect_navigation():
            page.get_by_role("button", name="Add a passkey").click()
        expect(page.locator(".passkey-name")).to_have_text(["Work laptop"])
        sign_out(page)
        sign_in(page, site, "mira@civicspace.example.org", "demo-observer")
        assert page.url.endswith("/sign-in/second-factor")
        assert axe_violations(page) == []
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in with a passkey").click()
        assert "Mira Kovac" in page.content() and "/sign-in" not in page.url
        page.goto(site + "/account/two-factor")
        with page.expect_navigation():
            page.get_by_role("button", name="Remove Work laptop").click()
        expect(page.get_by_text("No passkey yet.")).to_be_visible()
    finally:
        context.close()
