"""Request and response shapes of endorsements."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from principles_app.domain.endorsements import MAX_STATEMENT, EndorsementState
from principles_app.domain.organisations import Region
from principles_app.web.api.schemas import MULTILINE, StrictModel


class EndorsementCreate(StrictModel):
    """An organisation endorses a publication; the contact address is verified and never shown."""

    organisation_name: str = Field(max_length=200, examples=["Red de Periodistas Libres"])
    country: str = Field(max_length=2, description="ISO 3166-1 alpha-2 code", examples=["CL"])
    region: str = Field(max_length=32, description=f"One of {', '.join(r.value for r in Region)}")
    website: str = Field(max_length=300, examples=["https://example.org"])
    email: str = Field(max_length=254, description="Contact address; receives the verification link, never shown")
    statement: str | None = Field(
        default=None,
        max_length=MAX_STATEMENT * 4,
        description="Plain text, at most 500 characters",
        json_schema_extra=MULTILINE,
    )
    consent: bool = Field(description="Agreement to be listed publicly; must be true")


class EndorsementAccepted(BaseModel):
    """The endorsement waits for the link e-mailed to its contact address (48 hours)."""

    id: int
    state: EndorsementState


class EndorsementOut(BaseModel):
    """An endorsement as anyone may see it once approved: never its contact address."""

    id: int
    organisation_name: str
    country: str
    region: Region
    website: str
    statement: str | None
    approved_at: datetime | None


class EndorsementList(BaseModel):
    """The approved endorsements of a publication, newest first, with counts by region."""

    document: str
    label: str
    count: int
    by_region: dict[str, int]
    endorsements: list[EndorsementOut]


class EndorsementReview(EndorsementOut):
    """An endorsement as the secretariat reviews it, with its state and contact address."""

    publication: str
    state: EndorsementState
    email: str
    verified_at: datetime | None
    reason: str | None


class EndorsementQueue(BaseModel):
    """The verified endorsements awaiting a decision, oldest first."""

    endorsements: list[EndorsementReview]


class EndorsementRejection(StrictModel):
    """Why the secretariat refuses an endorsement (sent to the endorser)."""

    reason: str = Field(max_length=2000, json_schema_extra=MULTILINE)
