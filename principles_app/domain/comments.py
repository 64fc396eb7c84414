"""The words of a thread: what it hangs on, where a comment stands, why one is hidden.

Pure Python; the models store these values, the API and the forms offer them.
"""

from __future__ import annotations

from enum import StrEnum


class TargetType(StrEnum):
    """Say what a thread hangs on."""

    PRINCIPLE = "principle"
    AMENDMENT = "amendment"


class Stance(StrEnum):
    """Say where a comment stands on its target."""

    SUPPORT = "support"
    OPPOSE = "oppose"
    QUESTION = "question"


class HiddenCategory(StrEnum):
    """Say why a comment is hidden; shown to every reader on the placeholder."""

    PENDING_REVIEW = "pending_review"
    ABUSIVE = "abusive"
    PERSONAL_INFORMATION = "personal_information"
    OFF_TOPIC = "off_topic"
    SPAM = "spam"
    OTHER = "other"


#: The reasons the secretariat may give; "pending review" is set only by enough flags.
MODERATOR_HIDDEN_CATEGORIES = tuple(
    category for category in HiddenCategory if category is not HiddenCategory.PENDING_REVIEW
)
