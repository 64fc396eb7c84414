"""Request and response shapes of the translation endpoints."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from principles_app.web.api.schemas import MULTILINE, Id, StrictModel


class TranslationPut(StrictModel):
    """A translation of a principle's title and text into one language."""

    title: str = Field(description="The translated title (one line, at most 200 characters)")
    text: str = Field(description="The translated text", json_schema_extra=MULTILINE)
    source_version: Id | None = Field(
        default=None,
        description="The document version whose text was translated; when older than the "
        "principle's current text, 409 unless confirm_stale is true",
    )
    confirm_stale: bool = Field(default=False, description="Save even though the source changed since source_version")
    document: str | None = Field(
        default=None,
        max_length=100,
        description="Slug of the document the principle is expected to belong to (422 if not)",
    )


class TranslationOut(BaseModel):
    """A translation; when stale, what changed in the English source since it was made."""

    principle_id: int
    language: str
    title: str
    text: str
    source_version: int = Field(description="Document version current when the translation was made")
    stale: bool = Field(description="The principle's title or text changed since the translation was made")
    source_title: str = Field(description="The principle's title the translation was made from")
    source_text: str = Field(description="The principle's text the translation was made from")
    source_diff: list[tuple[int, str]] | None = Field(
        default=None,
        description="When stale: word diff from source_text to the current text, [op, text] with op -1/0/1",
    )
    source_title_diff: list[tuple[int, str]] | None = Field(
        default=None, description="When stale: word diff from source_title to the current title"
    )
    translated_by: str | None = None
    updated_at: datetime


class TranslationList(BaseModel):
    """Every translation of one principle."""

    principle_id: int
    document: str
    source_language: str
    version: int = Field(description="The document's current version")
    title: str
    text: str
    translations: list[TranslationOut]
