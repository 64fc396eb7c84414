"""Request and response shapes of General Meetings, attendance and proxies."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, RootModel

from principles_app.web.api.schemas import Id, StrictModel, UtcDateTime, WeightString

MODES = Literal["in_room", "online", "absent"]


class MeetingCreate(StrictModel):
    """A new General Meeting of the document."""

    title: str = Field(min_length=1, max_length=200)
    starts_at: UtcDateTime
    ends_at: UtcDateTime
    time_zone: str = Field(min_length=1, max_length=64, description="IANA zone where it is held, e.g. Europe/Berlin")
    place: str = Field(min_length=1, max_length=200)
    online_url: str | None = Field(default=None, max_length=500, description="https:// link to join online")
    quorum: WeightString | None = Field(default=None, description='fraction of the eligible weight, default "0.5"')
    proxy_limit: int | None = Field(default=None, ge=1, le=1000, description="proxies one organisation may hold")
    proxies_close_at: UtcDateTime | None = Field(default=None, description="default: starts_at")


class MeetingPatch(StrictModel):
    """Changes to a General Meeting; fields not given keep their value, checked together as when scheduled.

    ``proxies_close_at`` cannot change once it has passed (409); null sets it to ``starts_at``.
    """

    title: str = Field(default=None, min_length=1, max_length=200)
    starts_at: UtcDateTime = None
    ends_at: UtcDateTime = None
    time_zone: str = Field(default=None, min_length=1, max_length=64, description="IANA zone, e.g. Europe/Berlin")
    place: str = Field(default=None, min_length=1, max_length=200)
    online_url: str | None = Field(default=None, max_length=500, description="https:// link; null for none")
    quorum: WeightString = Field(default=None, description="fraction of the eligible weight")
    proxy_limit: int = Field(default=None, ge=1, le=1000, description="proxies one organisation may hold")
    proxies_close_at: UtcDateTime | None = Field(default=None, description="null: starts_at")


class AttendanceSummaryOut(BaseModel):
    """Who is present or represented, against the eligible weight, and whether that is a quorum."""

    present_count: int
    present_weight: WeightString
    represented_count: int
    represented_weight: WeightString
    eligible_count: int
    eligible_weight: WeightString
    quorum: WeightString
    quorum_reached: bool


class MeetingOut(BaseModel):
    """A General Meeting; times in UTC, ``time_zone`` says where it is held."""

    id: int
    document: str
    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    place: str
    online_url: str | None
    quorum: WeightString
    proxy_limit: int
    proxies_close_at: datetime
    attendance_summary: AttendanceSummaryOut


class MeetingList(RootModel[list[MeetingOut]]):
    """A document's meetings, earliest first."""


class AttendanceIn(StrictModel):
    """How the organisation attends."""

    mode: MODES


class AttendanceOut(BaseModel):
    """The organisation's attendance as recorded, and the meeting's summary after it."""

    organisation_id: int
    mode: MODES
    attendance_summary: AttendanceSummaryOut


class ProxyIn(StrictModel):
    """Hand the organisation's vote at the meeting to another member organisation."""

    holder_organisation_id: Id
    giver_organisation_id: Id | None = Field(
        default=None, description="the secretariat names the giver; a member gives its own organisation's proxy"
    )


class ProxyOut(BaseModel):
    """A standing proxy."""

    giver_organisation_id: int
    giver: str
    holder_organisation_id: int
    holder: str
    given_at: datetime


class ProxyList(RootModel[list[ProxyOut]]):
    """The meeting's standing proxies."""
