"""The vocabulary of endorsements: states, countries, addresses and cells no spreadsheet runs."""

from __future__ import annotations

import pytest

from principles_app.domain.endorsements import (
    COUNTRIES,
    EndorsementState,
    can_move,
    has_markup_or_links,
    is_country,
    is_email,
    is_website,
    spreadsheet_safe,
)


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x")'])
def test_a_cell_a_spreadsheet_would_run_is_made_text(cell):
    assert spreadsheet_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Acme", "1+1", "a=b", "", "’quoted"])
def test_an_ordinary_cell_is_left_alone(cell):
    assert spreadsheet_safe(cell) == cell


def test_countries_are_the_assigned_iso_codes_only():
    assert len(COUNTRIES) == 249 and is_country("CL") and is_country("PS")
    for code in ("cl", "XK", "EU", "ZZ", "UN", "001", "", None, 5):
        assert not is_country(code)


@pytest.mark.parametrize("url", ["https://example.org", "http://sub.example.org:8080/path?q=1", "https://例え.jp/"])
def test_websites_are_http_addresses_of_named_hosts(url):
    assert is_website(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.org",
        "https://user:pw@example.org",
        "https://",
        "example.org",
        "https://a b.org",
        "https://example.org:99999",
    ],
)
def test_other_addresses_are_no_websites(url):
    assert not is_website(url)


def test_emails_and_statements():
    assert is_email("a.b@example.org") and not is_email("a@b") and not is_email("a b@example.org")
    assert has_markup_or_links("<script>") and has_markup_or_links("see www.example.org")
    assert not has_markup_or_links("We agree: 3 < 4 and principles > promises.")


def test_only_a_verified_endorsement_is_decided_and_nothing_leaves_withdrawn_or_rejected():
    assert can_move(EndorsementState.VERIFIED, EndorsementState.APPROVED)
    assert not can_move(EndorsementState.PENDING_VERIFICATION, EndorsementState.APPROVED)
    assert can_move(EndorsementState.APPROVED, EndorsementState.WITHDRAWN)
    for final in (EndorsementState.REJECTED, EndorsementState.WITHDRAWN):
        assert not any(can_move(final, target) for target in EndorsementState)
