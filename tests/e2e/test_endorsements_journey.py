"""Endorsements in a real browser: the pages pass axe-core and the HTML checker in four languages; endorsing needs no script."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import pg_url_for
from tests.e2e.conftest import axe_violations
from tests.e2e.html_checker import html_errors

pytestmark = pytest.mark.e2e
SLUG = "principles-for-collaboration"
PAGES = (f"/principles/{SLUG}/", f"/principles/{SLUG}/1.0/endorsements", f"/principles/{SLUG}/1.0/endorse")


@pytest.mark.parametrize("language", ["en", "es", "fr", "ar"])
def test_pages_with_endorsements_are_accessible_in_every_language(browser, live_server, language):
    context = browser.new_context(locale=language, extra_http_headers={"Accept-Language": language}, bypass_csp=True)
    page = context.new_page()
    sent: dict[str, str] = {}
    try:
        for path in PAGES:
            response = page.goto(live_server + path)
            assert response.status == 200, (path, response.status)
            sent[path] = response.text()
            assert page.locator("html").get_attribute("lang") == language, path
            assert axe_violations(page) == [], (language, path, axe_violations(page))
            if "endorse" not in path.rsplit("/", 1)[-1]:
                # The demo: three organisations from three regions endorse 1.0; no contact is shown.
                assert page.locator(".endorsement-region").count() == 3, path
                assert "Colectivo Voces Libres" in page.content() and "@" not in page.locator("main").inner_text()
    finally:
        context.close()
    errors = html_errors(sent)
    assert errors == [], "\n".join(errors)


def _verification_link(database: str, address: str) -> str:
    url = pg_url_for(database) if database.startswith("postgresql") else database
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            body = connection.execute(
                text("SELECT body_text FROM outbox_message WHERE to_address = :a ORDER BY id DESC"), {"a": address}
            ).scalar_one()
    finally:
        engine.dispose()
    return re.search(r"/endorsements/verify/[\w-]+", body).group()


def test_an_organisation_endorses_without_javascript_and_the_secretariat_approves(browser, live_server, e2e_database):
    context = browser.new_context(java_script_enabled=False, locale="es", extra_http_headers={"Accept-Language": "es"})
    page = context.new_page()
    try:
        page.goto(live_server + f"/principles/{SLUG}/")
        with page.expect_navigation():
            page.get_by_role("link", name="Respaldar estos principios").click()
        with page.expect_navigation():
            page.locator("main form [type=submit]").click()  # nothing filled in: every field is named
        assert page.locator(".error-summary").is_visible()
        assert page.locator("#organisation_name-error").is_visible() and page.locator("#consent-error").is_visible()
        page.locator("#organisation_name").fill("Radio Comunitaria del Sur")
        page.locator("#country").select_option(label="Argentina")
        page.locator("#region").select_option("americas")
        page.locator("#website").fill("https://radiosur.example.org")
        page.locator("#email").fill("radio@radiosur.example.org")
        page.locator("#statement").fill("Nos sumamos a estos principios.")
        page.locator("#consent").check()
        with page.expect_navigation():
            page.locator("main form [type=submit]").click()
        assert "48" in page.locator("main").inner_text()

        page.goto(live_server + _verification_link(e2e_database, "radio@radiosur.example.org"))
        with page.expect_navigation():
            page.locator("main form [type=submit]").click()
        assert page.locator("h1").inner_text() == "Respaldo confirmado"

        page.goto(live_server + "/sign-in")
        page.locator("#email").fill("secretariat@example.org")
        page.locator("#password").fill("demo-secretariat")
        with page.expect_navigation():
            page.locator("main form [type=submit]").first.click()
        page.goto(live_server + "/endorsements/queue")
        assert "radio@radiosur.example.org" in page.locator("main").inner_text()
        with page.expect_navigation():
            page.locator("main form [type=submit]").first.click()
        page.goto(live_server + f"/principles/{SLUG}/")
        assert "Radio Comunitaria del Sur" in page.locator("#endorsements").inner_text()
        assert "radio@radiosur" not in page.content()
    finally:
        context.close()
