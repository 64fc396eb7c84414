"""What a key point may hold, which language it is in, how its list pages and when a source link holds."""

from __future__ import annotations

import pytest

from principles_app.domain.points import (
    MAX_POINT_LENGTH,
    Page,
    chosen_language,
    detect_language,
    point_text_problem,
    sources_apply_to,
)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        (None, "empty"),
        ("x" * (MAX_POINT_LENGTH + 1), "too_long"),
        ("x" * 1000, None),
    ],
)
def test_a_point_is_one_to_a_thousand_characters(text, problem):
    assert point_text_problem(text) == problem


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Partners must be heard before the network decides.", "en"),
        ("Las organizaciones deben ser consultadas en su idioma.", "es"),
        ("Les organisations doivent être consultées dans leur langue.", "fr"),
        ("يجب أن تُسمع كل المنظمات قبل القرار.", "ar"),
        ("12345", "en"),
    ],
)
def test_the_language_is_recognised_from_the_text(text, language):
    assert detect_language(text) == language


def test_a_chosen_language_wins_over_the_detected_one():
    assert chosen_language("fr", "Partners must be heard.") == "fr"
    assert chosen_language(None, "Partners must be heard.") == "en"


def test_pages_count_and_offset():
    page = Page(number=2, size=25, total=51)
    assert (page.pages, page.offset, page.has_previous, page.has_next) == (3, 25, True, True)
    assert Page(1, 25, 0).pages == 1 and not Page(1, 25, 0).has_next


def test_a_link_holds_from_its_version_until_the_one_that_removed_it():
    assert [v for v in range(1, 6) if sources_apply_to(2, 4, v)] == [2, 3]
    assert [v for v in range(1, 6) if sources_apply_to(3, None, v)] == [3, 4, 5]
