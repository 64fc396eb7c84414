"""Request and response shapes of invitations (SPEC §13)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from principles_app.web.api.schemas import LANGUAGES, ROLES, Id, StrictModel


class InvitationCreate(StrictModel):
    """A person to invite; they choose their own password through the e-mailed link."""

    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    name: str = Field(min_length=1, max_length=200)
    role: ROLES
    organisation_id: Id
    language: LANGUAGES | None = Field(default=None, description="The language of the e-mail and of the account")


class InvitationOut(BaseModel):
    """An invitation as the secretariat sees it; the link itself is never shown."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    role: ROLES
    organisation_id: int
    language: LANGUAGES | None
    sent_at: datetime
    expires_at: datetime
    expired: bool


class InvitationList(BaseModel):
    """The pending invitations, newest first (expired ones included, to re-send)."""

    invitations: list[InvitationOut]
