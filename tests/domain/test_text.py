"""What a text may hold, and when two names are the same name (no app)."""

from __future__ import annotations

import pytest

from principles_app.domain.text import comparison_key, organisation_name_key, text_problem

ALLOWED = [
    "Emoji 👩🏽\u200d💻 🇸🇳",
    "نلتزم بهذه المبادئ",
    "q\u0301 Z\u0324\u0354",
    "نمی\u200cخواهم",
    "no\u00a0break",
    "right\u200fleft mark",
    "line\u2028separator",
]


@pytest.mark.parametrize("text", ALLOWED)
def test_odd_but_harmless_characters_are_welcome_on_one_line_and_in_paragraphs(text):
    assert text_problem(text, multiline=False) is None
    assert text_problem(text, multiline=True) is None


@pytest.mark.parametrize(
    "character", [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)]]
)
def test_control_characters_are_refused_everywhere(character):
    assert text_problem(f"before{character}after", multiline=True)
    assert text_problem(f"before{character}after", multiline=False)


@pytest.mark.parametrize(
    "character", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
)
def test_bidirectional_overrides_embeddings_and_isolates_are_refused(character):
    assert text_problem(f"price{character}eciRP", multiline=True)


@pytest.mark.parametrize("character", ["\ud800", "\udfff", "\ufffe", "\uffff"])
def test_what_no_xml_or_database_text_can_hold_is_refused(character):
    assert text_problem(f"a{character}b", multiline=True)


def test_tabs_and_line_breaks_belong_to_paragraphs_only():
    for text in ("one\ttwo", "one\ntwo", "one\r\ntwo"):
        assert text_problem(text, multiline=True) is None
        assert text_problem(text, multiline=False)


@pytest.mark.parametrize(
    "variant",
    [
        "maghreb media monitor",
        "Maghreb\u200bMedia Monitor",
        "\u041caghreb Media Monitor",
        "MAGHREB MEDIA MONITOR",
        "Ｍaghreb Media Monitor",
        " Maghreb  Media Monitor ",
        "Maghreb Medi\u0430 Monitor",
    ],
)
def test_names_a_reader_would_take_for_the_same_share_a_key(variant):
    assert organisation_name_key(variant) == organisation_name_key("Maghreb Media Monitor")


@pytest.mark.parametrize("other", ["Maghreb Media Monitors", "Mashreq Media Monitor", "مرصد الإعلام المغاربي"])
def test_different_names_keep_different_keys(other):
    assert organisation_name_key(other) != organisation_name_key("Maghreb Media Monitor")


def test_email_keys_ignore_case_width_and_invisible_characters():
    assert comparison_key("Amina@Sahel.example.org") == comparison_key("amina\u200b@sahel.example.org")
    assert comparison_key("ａmina@sahel.example.org") == comparison_key("amina@sahel.example.org")
    assert comparison_key("amina@sahel.example.org") != comparison_key("amina2@sahel.example.org")
