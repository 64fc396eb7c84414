"""Request and response shapes of publications."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from principles_app.web.api.schemas import StrictModel


class PublicationCreate(StrictModel):
    """Publish an adopted version under a label."""

    version: int = Field(ge=1, le=1_000_000, description="The version whose adoption motion passed")
    label: str = Field(min_length=1, max_length=40, examples=["1.0"])
    approved_at: date = Field(description="Approval date, YYYY-MM-DD")
    meeting: str = Field(min_length=1, max_length=200, examples=["General Meeting, Berlin 2024"])


class PublishedPrinciple(BaseModel):
    """One principle as adopted."""

    number: int
    title: str
    text: str


class AdoptionOut(BaseModel):
    """The vote that adopted the version; weights are decimal strings."""

    majority: str
    quorum: str
    quorum_reached: bool
    passed: bool
    yes_weight: str
    no_weight: str
    abstain_weight: str
    eligible_weight: str
    yes_count: int
    no_count: int
    abstain_count: int
    eligible_count: int
    participation_weight: str
    participation_count: int
    closed_at: str


class PublicationBrief(BaseModel):
    """A publication without its text."""

    document: str
    title: str
    label: str
    version: int
    approved_at: date
    meeting: str
    published_at: datetime
    sha256: str
    url: str


class PublicationOut(PublicationBrief):
    """A publication with its text, adoption result, credits and export links."""

    preamble: str
    principles: list[PublishedPrinciple]
    adoption: AdoptionOut | None
    credits: list[str]
    exports: dict[str, str]


class PublicationList(BaseModel):
    """Every publication, newest first."""

    publications: list[PublicationBrief]
