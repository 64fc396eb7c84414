"""The vocabulary the domain owns: who may vote, each kind of round's defaults, the languages."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from principles_app.domain import tally
from principles_app.domain.languages import (
    LANGUAGE_NAMES,
    LANGUAGES,
    RTL_LANGUAGES,
    SOURCE_LANGUAGE,
    TRANSLATION_LANGUAGES,
    Language,
    direction_of,
)
from principles_app.domain.organisations import ROLE_CATEGORIES, Category, Role, eligible_to_vote
from principles_app.domain.rounds import RoundKind
from principles_app.domain.voting import ROUND_DEFAULTS, Choice, Majority, default_settings


@pytest.mark.parametrize("category", list(Category))
@pytest.mark.parametrize("active", [True, False])
@pytest.mark.parametrize("weight", [D("0"), D("0.0001"), D("3")])
def test_only_an_active_member_organisation_with_weight_may_vote(category, active, weight):
    expected = category is Category.MEMBER and active and weight > 0
    assert eligible_to_vote(category, active, weight) is expected
    assert eligible_to_vote(category.value, active, weight) is expected  # as a stored string too


def test_every_kind_of_round_has_defaults_and_they_are_the_spec_s():
    assert set(ROUND_DEFAULTS) == set(RoundKind)
    assert default_settings(RoundKind.AMENDMENTS) == (Majority.SIMPLE, D("0.5"))
    assert default_settings("adoption") == (Majority.TWO_THIRDS, D("0.5"))
    with pytest.raises(ValueError):
        default_settings("referendum")


def test_the_tally_counts_with_the_domain_s_words_as_plain_strings():
    assert tuple(Choice) == tally.CHOICES and tuple(Majority) == tally.MAJORITIES
    assert all(type(value) is str for value in tally.CHOICES + tally.MAJORITIES + tally.REGIONS + tally.CATEGORIES)


def test_every_role_belongs_to_some_category_and_every_category_has_a_role():
    assert set(ROLE_CATEGORIES) == set(Role)
    assert set().union(*ROLE_CATEGORIES.values()) == set(Category)


def test_languages_right_to_left_and_translation_targets_come_from_one_list():
    assert LANGUAGES == ("en", "es", "fr", "ar")
    assert set(LANGUAGE_NAMES) == set(Language)
    assert SOURCE_LANGUAGE not in TRANSLATION_LANGUAGES
    assert set(TRANSLATION_LANGUAGES) | {SOURCE_LANGUAGE} == set(LANGUAGES)
    assert set(LANGUAGES) >= RTL_LANGUAGES
    assert [direction_of(code) for code in LANGUAGES] == ["ltr", "ltr", "ltr", "rtl"]
    assert direction_of(None) == direction_of("xx") == "ltr"
