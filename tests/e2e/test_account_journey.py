"""An invited person's account in a real browser without JavaScript (SPEC §13).

The secretariat invites; the e-mail, read back from a test SMTP server, carries a single-use link;
the person chooses their own password, turns on two-factor sign-in, signs in with an app's code on
one device and with a recovery code on another, sees both sessions and ends the first one from the
second. The server is the demo on a database of its own.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import expect

from tests.e2e.html_checker import html_errors
from tests.e2e.test_two_factor_journey import next_code, sign_in
from tests.live_server import make_live_server_and_database
from tests.mail_server import plain, start_server

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ADDRESS = "lucia.mendes@andes.example.org"
PASSWORD = "a long passphrase of my own choosing"


@pytest.fixture(scope="module")
def mail():
    controller, mailbox = start_server()
    yield controller, mailbox
    controller.stop()


@pytest.fixture(scope="module")
def site(db_url, mail):
    with make_live_server_and_database(db_url) as (base, database):
        yield base, database


def deliver(database: str, controller) -> None:
    """Send what the outbox holds through the test SMTP server, as cron would."""
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "SECRET_KEY": "e2e-secret",
        "MAIL_SERVER": controller.hostname,
        "MAIL_PORT": str(controller.port),
    }
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "principles_app", "notifications", "send"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def sign_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Cerrar sesión").first.click()


def invite(page, base: str) -> None:
    sign_in(page, base, "secretariat@example.org", "demo-secretariat")
    page.goto(base + "/admin/invitations/new")
    page.locator("#email").fill(ADDRESS)
    page.locator("#name").fill("Lucía Mendes")
    page.locator("#role").select_option("member")
    page.locator("#organisation_id").select_option(label="Andean Journalists' Association")
    page.locator("#language").select_option("es")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator("main")).to_contain_text(ADDRESS)


def test_an_invited_person_chooses_a_password_turns_on_two_factor_and_ends_another_session(browser, site, mail):
    base, database = site
    controller, mailbox = mail
    pages: dict[str, str] = {}
    secretariat = browser.new_context(java_script_enabled=False)
    laptop = browser.new_context(java_script_enabled=False, user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")
    phone = browser.new_context(
        java_script_enabled=False,
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Version/17.5 Mobile/15E148 Safari/604.1",
    )
    try:
        invite(secretariat.new_page(), base)
        deliver(database, controller)
        (letter,) = mailbox.to(ADDRESS)
        assert "Principles for Collaboration" in letter["Subject"] or "invit" in letter["Subject"].lower()
        link = re.search(r"https?://\S+/invitations/\S+", plain(letter)).group(0)
        path = "/invitations/" + link.rsplit("/invitations/", 1)[1]

        # The person chooses their own password; a short one is refused with the reason.
        page = laptop.new_page()
        page.goto(base + path)
        pages["choose password"] = page.content()
        page.locator("#password").fill("short")
        with page.expect_navigation():
            page.locator("main form [type=submit]").click()
        expect(page.locator("main")).to_contain_text("Use at least 12 characters.")
        page.locator("#password").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("main form [type=submit]").click()
        # Two-factor sign-in is offered at once, in the language the invitation was written in.
        assert page.url.endswith("/account/two-factor")
        secret = page.locator("[data-totp-secret]").inner_text().replace(" ", "")
        page.locator("#code").fill(pyotp.TOTP(secret).now())
        with page.expect_navigation():
            page.get_by_role("button", name="Activar el inicio de sesión en dos pasos").click()
        recovery = page.locator("[data-recovery-codes] li").all_inner_texts()
        assert len(recovery) == 10

        # The link was spent: a second use says so.
        again = laptop.new_page()
        response = again.goto(base + path)
        assert response.status == 410
        again.close()

        # Signed out, the person signs back in on the laptop with a code from the app.
        sign_out(page)
        sign_in(page, base, ADDRESS, PASSWORD)
        assert page.url.endswith("/sign-in/second-factor")
        page.locator("#code").fill(next_code(secret))
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("^(Continue|Continuar)$")).click()
        assert "Lucía Mendes" in page.content()

        # And on the phone with a recovery code.
        other = phone.new_page()
        sign_in(other, base, ADDRESS, PASSWORD)
        other.locator("#code").fill(recovery[0])
        with other.expect_navigation():
            other.get_by_role("button", name=re.compile("^(Continue|Continuar)$")).click()
        assert "Lucía Mendes" in other.content()

        # The phone sees both sessions, this one marked, and ends the laptop's.
        other.goto(base + "/account/sessions")
        pages["sessions"] = other.content()
        sessions = other.locator("ul.sessions > li")
        expect(sessions).to_have_count(2)
        expect(sessions.filter(has=other.locator("em", has_text="Esta sesión"))).to_contain_text("iOS")
        laptop_row = sessions.filter(has_not=other.locator("em"))
        expect(laptop_row).to_contain_text("Linux")
        with other.expect_navigation():
            laptop_row.get_by_role("button").click()
        expect(other.locator("ul.sessions > li")).to_have_count(1)

        # The laptop is signed out; the phone is not.
        page.goto(base + "/account")
        assert "/sign-in" in page.url
        other.goto(base + "/account")
        assert "/sign-in" not in other.url

        # The new devices were told by e-mail, in the person's language.
        deliver(database, controller)
        told = [m for m in mailbox.to(ADDRESS) if m is not letter]
        assert told and all("inicio de sesión" in m["Subject"].lower() for m in told), [m["Subject"] for m in told]
        assert html_errors(pages) == []
    finally:
        for context in (secretariat, laptop, phone):
            context.close()
