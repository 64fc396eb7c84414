"""Shapes of the search API (SPEC §15)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SearchHit(BaseModel):
    """One result the caller may see."""

    kind: str = Field(description="principle, publication, amendment, comment, point or translation")
    id: int = Field(description="The id of the principle, publication, amendment, comment, key point or translation")
    document: str = Field(description="The document's slug")
    title: str = Field(description="Escaped HTML; matched words in <mark>")
    snippet: str = Field(description="Escaped HTML: a passage around the first match, matched words in <mark>")
    author: str | None = Field(description="A comment's named author; null for anonymous comments and other kinds")
    language: str | None = Field(description="The text's language, when known")
    parent_type: str | None = Field(description="A comment's target (principle, amendment) or a translation's original")
    parent_id: int | None
    label: str | None = Field(description="A publication's label")
    url: str = Field(description="The page that shows it")
    score: float = Field(description="Relevance: higher is better, comparable within one answer only")


class SearchResults(BaseModel):
    """A page of results, best first."""

    q: str
    kinds: list[str]
    document: str | None
    results: list[SearchHit]
    page: int
    pages: int
    per_page: int
    total: int
