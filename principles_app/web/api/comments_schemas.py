"""Request and response shapes of comments and threads."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from principles_app.domain.comments import MODERATOR_HIDDEN_CATEGORIES, Stance, TargetType
from principles_app.domain.organisations import AuthorCategory
from principles_app.web.api.schemas import MULTILINE, StrictModel, literal_of

TARGET_TYPES = literal_of(TargetType)
STANCES = literal_of(Stance)
# The secretariat gives any reason but "pending review", which only the flag threshold sets.
HIDDEN_CATEGORIES = literal_of(MODERATOR_HIDDEN_CATEGORIES)
AUTHOR_CATEGORIES = literal_of(AuthorCategory)


class CommentCreate(StrictModel):
    """A new comment or reply. Length and emptiness of the body are checked by the server (422)."""

    target_type: TARGET_TYPES
    target_id: int
    parent_id: int | None = None
    body: str = Field(
        max_length=20_000,
        json_schema_extra=MULTILINE,
        description="Markdown subset: emphasis, links, lists, quotes; 1 to 10,000 characters",
    )
    stance: STANCES | None = None
    anonymous: bool = Field(
        default=False,
        description=(
            'Show me as "a member organisation from <region>", or as "a participant" while my group (region and '
            "category) has fewer than ANONYMITY_MIN_GROUP active organisations"
        ),
    )


class CommentPatch(StrictModel):
    """A new body (and optionally stance) for my comment; the earlier body is kept in its history."""

    body: str = Field(max_length=20_000, json_schema_extra=MULTILINE)
    stance: STANCES | None = None


class FlagCreate(StrictModel):
    """Why the comment needs the secretariat's attention."""

    reason: str = Field(max_length=2_000, json_schema_extra=MULTILINE)


class HideRequest(StrictModel):
    """Why the secretariat hides the comment; the category is shown to every reader."""

    reason: str = Field(max_length=2_000, json_schema_extra=MULTILINE)
    category: HIDDEN_CATEGORIES | None = None


class AuthorOut(BaseModel):
    """Who wrote it. `user_id`, `name` and `organisation` appear only when the author is not anonymous
    or the reader is the secretariat. An anonymous author whose group (region and category) has fewer
    than ANONYMITY_MIN_GROUP active organisations is shown as "a participant", with `region` and
    `category` null."""

    display: str
    region: str | None
    category: AUTHOR_CATEGORIES | None
    user_id: int | None = None
    name: str | None = None
    organisation: str | None = None


class RevisionOut(BaseModel):
    """An earlier body (secretariat only)."""

    body: str
    written_at: datetime
    replaced_at: datetime


class CommentNodeOut(BaseModel):
    """One comment of a thread with its replies."""

    id: int
    parent_id: int | None
    body: str | None = Field(description="Raw Markdown; null when deleted or hidden")
    body_html: str | None = Field(description="Sanitised HTML; null when deleted or hidden")
    stance: STANCES | None
    author: AuthorOut | None = Field(description="null for a deleted comment")
    created_at: datetime
    edited: bool
    deleted: bool
    hidden: bool
    hidden_reason_category: str | None
    replies: list[CommentNodeOut]
    # Secretariat only:
    hidden_reason: str | None = None
    open_flags: int | None = None
    history: list[RevisionOut] | None = None


class ThreadOut(BaseModel):
    """A whole thread as a nested tree."""

    target_type: TARGET_TYPES
    target_id: int
    total: int
    counts: dict[str, int]
    sort: Literal["oldest", "newest"]
    comments: list[CommentNodeOut]


class CommentOut(BaseModel):
    """A comment just written or changed (without replies)."""

    id: int
    target_type: TARGET_TYPES
    target_id: int
    parent_id: int | None
    body: str | None
    body_html: str | None
    stance: STANCES | None
    anonymous: bool
    created_at: datetime
    edited: bool
    deleted: bool
    hidden: bool
    hidden_reason_category: str | None


class FlagOut(BaseModel):
    """A flag was recorded; `hidden` tells whether the comment is now hidden pending review."""

    comment_id: int
    reason: str
    created_at: datetime
    hidden: bool
