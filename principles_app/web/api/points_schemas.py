"""Request and response shapes of the key point endpoints (SPEC §16)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from principles_app.web.api.schemas import MULTILINE, Id, StrictModel

Day = date  # a field below is called "date"


class SessionIn(StrictModel):
    """The live engagement session a point was raised in."""

    name: str = Field(description="The session's name (at most 200 characters)")
    date: Day | None = Field(default=None, description="The day it was held (YYYY-MM-DD; default today)")


class PointCreate(StrictModel):
    """A key point; the secretariat adds session and organisation_id for a point raised in an engagement session."""

    text: str = Field(
        description="The point, at most 1,000 characters, in en, es, fr or ar", json_schema_extra=MULTILINE
    )
    theme: str | Id | None = Field(
        default=None, description="A theme of the document, by id or name (a new name adds it)"
    )
    anonymous: bool = Field(default=False, description="Show the organisation only by the protective label")
    language: str | None = Field(default=None, description="en, es, fr or ar; detected from the text when missing")
    session: str | SessionIn | None = Field(
        default=None, description="Secretariat only: the engagement session's name, or {name, date}"
    )
    session_date: date | None = Field(default=None, description="Secretariat only: the session's day (default today)")
    organisation_id: Id | None = Field(default=None, description="Secretariat only: the organisation that raised it")


class PointPatch(StrictModel):
    """A new wording of one's own point while the consultation is open (the earlier one is kept)."""

    text: str = Field(json_schema_extra=MULTILINE)
    language: str | None = None
    theme: str | Id | None = None


class PointOut(BaseModel):
    """A key point as the caller may see it: the organisation only when it is not anonymous to them."""

    id: int
    document: str
    text: str
    language: str
    theme_id: int | None
    theme: str | None
    anonymous: bool
    organisation_id: int | None = Field(description="null when the point is anonymous to the caller")
    organisation: str = Field(description="The organisation's name, or the protective label")
    region: str | None = Field(description="null when naming it would identify an anonymous organisation")
    category: str | None
    session: str | None = Field(description="The engagement session the point was raised in, if any")
    session_date: date | None
    supports: int
    supported: bool = Field(description="The caller's organisation supports this point")
    translations: list[str] = Field(description="Languages the point can be read in besides its own")
    principle_ids: list[int] = Field(description="Principles that draw on this point now")
    created_at: datetime
    edited_at: datetime | None


class PointList(BaseModel):
    """One page of a document's key points, most supported first."""

    document: str
    points: list[PointOut]
    page: int
    pages: int
    per_page: int
    total: int


class SupportOut(BaseModel):
    """A point's support count after the caller's organisation supported it or withdrew."""

    point_id: int
    supports: int
    supported: bool


class SourcesPut(StrictModel):
    """The key points a principle draws on, replacing the current ones."""

    point_ids: list[Id] = Field(max_length=1000)


class SourcesOut(BaseModel):
    """The key points a principle draws on (now, or in a given version), and their regions."""

    principle_id: int
    version: int | None = Field(description="The version asked for; null for the working draft")
    point_ids: list[int]
    points: list[PointOut]
    regions: list[str]


class PointTranslationPut(StrictModel):
    """A key point's text in another of the four languages."""

    text: str = Field(json_schema_extra=MULTILINE)


class PointTranslationOut(BaseModel):
    point_id: int
    language: str
    text: str
    stale: bool = Field(description="The point was edited since this translation was made")
