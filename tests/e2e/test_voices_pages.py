"""The public attribution of the demo's 1.0 shows whose words it holds and passes axe-core in all four languages."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_violations

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
        assert page.locator("#voices svg[role=img]").count() == 1
        assert axe_violations(page) == [], (language, "publication page")
    finally:
        context.close()
