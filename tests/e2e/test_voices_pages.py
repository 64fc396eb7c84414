"""The public attribution of the demo's 1.0 shows whose words it holds and passes axe-core in all four languages."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.html_checker import html_errors

pytestmark = pytest.mark.e2e
SLUG = "principles-for-collaboration"
ORIGINAL_DRAFT = {"en": "Original draft", "es": "Borrador original", "fr": "Projet initial", "ar": "المسودة الأصلية"}


@pytest.mark.parametrize("language", ["en", "es", "fr", "ar"])
def test_public_attribution_names_the_demo_organisations_and_is_accessible(browser, live_server, language):
    context = browser.new_context(locale=language, extra_http_headers={"Accept-Language": language}, bypass_csp=True)
    page = context.new_page()
    try:
        response = page.goto(f"{live_server}/principles/{SLUG}/1.0/attribution?lang={language}")
        assert response.status == 200
        pages = {"attribution": response.text()}
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        legend = page.locator(".origin-list li")
        assert legend.count() >= 2
        assert ORIGINAL_DRAFT[language] in legend.first.inner_text()
        # The consent amendment voted in before 1.0: Maghreb Media Monitor's words, marked in principle 4.
        assert "Maghreb Media Monitor" in legend.nth(1).inner_text()
        marked = page.locator('#principle-4 .passage:has(a[href="#origin-2"])')
        assert "channel" in " ".join(marked.all_inner_texts())
        # Every marker is a keyboard-reachable link to its legend entry.
        marker = page.locator('#principle-4 a.origin-marker[href="#origin-2"]').first
        marker.focus()
        assert page.evaluate("document.activeElement.getAttribute('href')") == "#origin-2"
        assert axe_violations(page) == [], language
        public = page.goto(f"{live_server}/principles/{SLUG}/1.0/?lang={language}")
        assert public.status == 200
        pages["publication"] = public.text()
        assert page.locator("#voices svg[role=img]").count() == 1
        assert axe_violations(page) == [], (language, "publication page")
    finally:
        context.close()
    assert html_errors(pages) == []


SIGNED_IN = (
    (
        "karim@maghreb.example.org",
        "demo-member",
        (f"/documents/{SLUG}/voices", f"/documents/{SLUG}/versions/2/attribution"),
    ),
    ("secretariat@example.org", "demo-secretariat", (f"/documents/{SLUG}/voices", f"/documents/{SLUG}/rounds/")),
)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_signed_in_voices_pages_are_accessible_and_valid(browser, live_server, language):
    pages: dict[str, str] = {}
    for email, password, paths in SIGNED_IN:
        context = browser.new_context(
            locale=language, extra_http_headers={"Accept-Language": language}, bypass_csp=True
        )
        page = context.new_page()
        try:
            page.goto(live_server + "/sign-in")
            page.locator("#email").fill(email)
            page.locator("#password").fill(password)
            with page.expect_navigation():
                page.locator("main form [type=submit]").first.click()
            page.locator("#language-select").select_option(language)
            with page.expect_navigation():
                page.locator(".language-switch button").click()
            for path in paths:
                response = page.goto(live_server + path)
                assert response.status == 200, path
                pages[f"{email} {path}"] = response.text()
                assert axe_violations(page) == [], (language, email, path)
            if email.startswith("secretariat"):
                page.goto(f"{live_server}/documents/{SLUG}/voices")
                assert page.locator("#quiet-members button").count() >= 1
        finally:
            context.close()
    assert html_errors(pages) == []
