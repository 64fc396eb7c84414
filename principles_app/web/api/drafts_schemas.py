"""Request and response shapes of documents, versions, rounds and amendments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from principles_app.domain.amendments import AmendmentKind, AmendmentStatus
from principles_app.domain.procedure import Answer, Procedure
from principles_app.domain.rounds import RoundKind, RoundState
from principles_app.domain.voting import Majority, Secrecy
from principles_app.web.api.schemas import MULTILINE, Id, StrictModel, UtcDateTime, WeightString, literal_of

AMENDMENT_KINDS = literal_of(AmendmentKind)
AMENDMENT_STATUSES = literal_of(AmendmentStatus)
ROUND_KINDS = literal_of(RoundKind)
ROUND_STATES = literal_of(RoundState)
MAJORITIES = literal_of(Majority)
SECRECIES = literal_of(Secrecy)
PROCEDURES = literal_of(Procedure)
ANSWERS = literal_of(Answer)


class PrincipleIn(StrictModel):
    """A principle of a new document."""

    title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=20_000, json_schema_extra=MULTILINE)


class DocumentCreate(StrictModel):
    """A new document; it becomes version 1."""

    slug: str = Field(min_length=1, max_length=100, description="lowercase letters, digits and hyphens")
    title: str = Field(min_length=1, max_length=200)
    preamble: str | None = Field(default=None, json_schema_extra=MULTILINE)
    principles: list[PrincipleIn] = Field(min_length=1, max_length=500)


class PrincipleOut(BaseModel):
    """A principle of the working draft."""

    id: int
    number: int
    title: str
    text: str


class DocumentOut(BaseModel):
    """A document's working draft at its current version."""

    slug: str
    title: str
    preamble: str
    version: int
    principles: list[PrincipleOut]


class DocumentBrief(BaseModel):
    """A document in a list."""

    slug: str
    title: str
    version: int


class DocumentList(BaseModel):
    """Every document."""

    documents: list[DocumentBrief]


class SnapshotPrinciple(BaseModel):
    """A principle as a version froze it."""

    id: int | None = None
    number: int
    title: str
    text: str


class Snapshot(BaseModel):
    """The whole text of a version."""

    title: str
    preamble: str
    principles: list[SnapshotPrinciple]


class VersionBrief(BaseModel):
    """A version in the history."""

    number: int
    sha256: str
    created_at: datetime
    merged_amendment_ids: list[int]


class VersionList(BaseModel):
    """A document's versions, newest first."""

    versions: list[VersionBrief]


class VersionOut(VersionBrief):
    """A version with its immutable snapshot; sha256 is over its canonical serialisation."""

    snapshot: Snapshot


class RoundCreate(StrictModel):
    """A new round of a document (scheduled until opened)."""

    kind: ROUND_KINDS
    title: str = Field(min_length=1, max_length=200)
    closes_at: UtcDateTime
    majority: MAJORITIES | None = None
    quorum: WeightString | None = Field(default=None, description='fraction of eligible weight, e.g. "0.5"')
    secrecy: SECRECIES | None = None
    meeting_id: Id | None = Field(default=None, description="a General Meeting of the same document to vote at")


class RoundPatch(StrictModel):
    """A later closing time for an open round, or the meeting of a scheduled round (null: none)."""

    closes_at: UtcDateTime | None = Field(default=None, description="a later closing time (open rounds)")
    meeting_id: Id | None = Field(
        default=None, description="a General Meeting of the same document, or null to detach (scheduled rounds)"
    )


class DeadlineWarning(BaseModel):
    """Member organisations of a region for whom a round closes at night, and their local closing time."""

    region: str
    organisations: int
    local_time: str = Field(description="ISO 8601 local time with its UTC offset")


class RoundOut(BaseModel):
    """A round and (for voting rounds) its motions."""

    id: int
    document: str
    kind: ROUND_KINDS
    title: str
    state: ROUND_STATES
    closes_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None
    accepts_input: bool
    majority: MAJORITIES
    quorum: WeightString
    secrecy: SECRECIES
    meeting_id: int | None = Field(default=None, description="the General Meeting the round is voted at")
    created_at: datetime
    motions: list[dict[str, Any]] = []
    deadline_warnings: list[DeadlineWarning] = Field(
        default=[],
        description=(
            "Regions whose member organisations see the closing time between 22:00 and 06:00, listed when "
            "that is so for more than a quarter of them (a warning: nothing is refused)"
        ),
    )


class AmendmentCreate(StrictModel):
    """A proposed change: modify or delete principle_id, or insert after after_principle_id (null = first)."""

    kind: AMENDMENT_KINDS
    principle_id: int | None = None
    after_principle_id: int | None = None
    title: str | None = Field(default=None, max_length=200)
    text: str | None = Field(default=None, max_length=20_000, json_schema_extra=MULTILINE)
    rationale: str = Field(max_length=20_000, json_schema_extra=MULTILINE)


class AmendmentPatch(StrictModel):
    """A revision: only the fields given change; the base moves to the current text."""

    title: str | None = Field(default=None, max_length=200)
    text: str | None = Field(default=None, max_length=20_000, json_schema_extra=MULTILINE)
    rationale: str | None = Field(default=None, max_length=20_000, json_schema_extra=MULTILINE)
    after_principle_id: int | None = None


class Proposer(BaseModel):
    """Who proposed an amendment, as readers may see it."""

    name: str
    organisation: str


class Cosponsor(BaseModel):
    """A co-sponsoring organisation."""

    organisation_id: int
    organisation: str
    created_at: datetime


class LineRange(BaseModel):
    """The lines of the principle an amendment touches."""

    first: int
    last: int


class RevisionOut(BaseModel):
    """One step of an amendment's history."""

    number: int
    reason: str
    base_version: int
    proposed_title: str
    proposed_text: str
    rationale: str
    created_at: datetime


class RecommendationIn(StrictModel):
    """The secretariat's recommendation on an open amendment; a change clears the proposer's answer."""

    procedure: PROCEDURES
    reason: str = Field(max_length=20_000, json_schema_extra=MULTILINE)
    text: str | None = Field(
        default=None,
        max_length=20_000,
        json_schema_extra=MULTILINE,
        description="the committee's text for the principle; only with modified",
    )
    covered_by_id: Id | None = Field(
        default=None, description="an open amendment of the same document; only with covered_by"
    )


class RecommendationAnswerIn(StrictModel):
    """The proposer's organisation's answer to a recommendation."""

    agree: bool
    comment: str | None = Field(default=None, max_length=20_000, json_schema_extra=MULTILINE)


class RecommendationOut(BaseModel):
    """What the secretariat recommends for an amendment and how the proposer answered."""

    procedure: PROCEDURES
    reason: str
    text: str | None = None
    covered_by_id: int | None = None
    answer: ANSWERS | None = None
    answer_comment: str | None = None
    answered_at: datetime | None = None
    updated_at: datetime
    on_older_text: bool = Field(
        default=False,
        description="true when the amendment was rebased, revised or conflicted after the recommendation",
    )


class AmendmentOut(BaseModel):
    """An amendment with its redline, lines and competitors."""

    id: int
    document: str
    kind: AMENDMENT_KINDS
    status: AMENDMENT_STATUSES
    principle_id: int | None
    after_principle_id: int | None
    principle_number: int | None
    base_version: int
    base_title: str
    base_text: str
    title: str
    proposed_text: str
    original_proposed_title: str
    original_proposed_text: str
    rationale: str
    proposer: Proposer
    cosponsors: list[Cosponsor]
    diff: list[tuple[int, str]] = Field(description="op -1 deleted, 0 kept, 1 inserted")
    lines: LineRange | None
    competing_with: list[int]
    merged_in_version: int | None
    created_at: datetime
    updated_at: datetime
    revisions: list[RevisionOut]
    recommendation: RecommendationOut | None = Field(
        description="the secretariat's recommendation and the proposer's answer; null when none"
    )


class AmendmentList(BaseModel):
    """A document's amendments."""

    amendments: list[AmendmentOut]


class MergeOut(BaseModel):
    """The version a merge made and what happened to the other amendments of the principle."""

    version: int
    rebased: list[int]
    conflicted: list[int]


class BatchMergeIn(StrictModel):
    """Open amendments of the document to merge, in this order, into one new version."""

    amendment_ids: list[Id] = Field(min_length=1, max_length=1000)


class BatchMergeOut(BaseModel):
    """The one version a batch merge made, what it merged and what happened to the other amendments."""

    version: int
    merged: list[int]
    rebased: list[int]
    conflicted: list[int]


class ConsolidatedPrincipleOut(BaseModel):
    """One principle of the consolidated text against the working draft."""

    principle_id: int | None = Field(description="null for a principle an amendment would insert")
    number: int | None = Field(description="in the consolidated text; null when deleted")
    number_in_draft: int | None = Field(description="in the working draft; null when inserted")
    change: str = Field(description="unchanged, modified, inserted or deleted")
    title: str
    text: str
    title_diff: list[tuple[int, str]] = Field(description="op -1 deleted, 0 kept, 1 inserted")
    diff: list[tuple[int, str]] = Field(description="the text against the working draft")
    lines: LineRange | None = Field(description="the lines of the working draft's text it changes")
    amendment_ids: list[int]


class NotAppliedOut(BaseModel):
    """An amendment that would not apply cleanly after the ones before it, and why."""

    amendment_id: int
    reason: str = Field(description="principle_gone, anchor_gone, changed or conflict")
    message: str


class ConsolidatedOut(BaseModel):
    """The working draft with every amendment recommended accept (or modified, agreed) applied in order."""

    document: str
    version: int
    principles: list[ConsolidatedPrincipleOut]
    applied: list[int]
    not_applied: list[NotAppliedOut]
