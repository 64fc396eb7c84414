"""Who takes part: regions, kinds of organisation, roles of people, and who may vote.

Pure Python. The models store these values, the API and the forms offer them, and
``labels.py`` names them; all of them are derived from the enums here.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum


class Region(StrEnum):
    """Say which region of the network an organisation works in."""

    AFRICA = "africa"
    AMERICAS = "americas"
    ASIA_PACIFIC = "asia_pacific"
    EUROPE_CENTRAL_ASIA = "europe_central_asia"
    MENA = "mena"
    INTERNATIONAL = "international"


class Category(StrEnum):
    """Say what kind of organisation it is."""

    MEMBER = "member"
    ALLY = "ally"
    DONOR = "donor"
    SECRETARIAT = "secretariat"


class Role(StrEnum):
    """Say what a user may do."""

    MEMBER = "member"
    OBSERVER = "observer"
    SECRETARIAT = "secretariat"


class NotificationPreference(StrEnum):
    """Say how a user wants to hear about events."""

    IMMEDIATE = "immediate"
    DIGEST = "digest"
    NONE = "none"


class AuthorCategory(StrEnum):
    """Say what kind of organisation a comment's author speaks for, as every reader may see it."""

    MEMBER = "member"
    OBSERVER = "observer"
    SECRETARIAT = "secretariat"


#: Which organisation categories a role belongs to (the contract fixes this).
ROLE_CATEGORIES: dict[Role, frozenset[Category]] = {
    Role.MEMBER: frozenset({Category.MEMBER}),
    Role.OBSERVER: frozenset({Category.ALLY, Category.DONOR}),
    Role.SECRETARIAT: frozenset({Category.SECRETARIAT}),
}

#: The category an organisation must have for its delegates to vote (SPEC §1).
VOTING_CATEGORY = Category.MEMBER


def eligible_to_vote(category: Category | str, active: bool, weight: Decimal) -> bool:
    """Tell whether an organisation may vote: a member organisation, active, with a weight above zero."""
    return category == VOTING_CATEGORY and bool(active) and weight > 0


def author_category(category: Category | str) -> AuthorCategory:
    """Return how an author's organisation is described: allies and donors read as observers."""
    if category == Category.MEMBER:
        return AuthorCategory.MEMBER
    if category == Category.SECRETARIAT:
        return AuthorCategory.SECRETARIAT
    return AuthorCategory.OBSERVER
