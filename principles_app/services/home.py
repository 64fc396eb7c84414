"""What needs a signed-in user, most urgent first (SPEC §15): the home page and its count.

Every item says what needs doing, until when, and where the work is done (an endpoint and its
arguments, turned into a link by the page). The whole list costs a constant number of queries,
however many rounds, motions, amendments and comments there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from principles_app import permissions
from principles_app.db import utcnow
from principles_app.domain import meetings as meeting_rules
from principles_app.domain.amendments import AmendmentStatus
from principles_app.domain.endorsements import EndorsementState
from principles_app.domain.languages import TRANSLATION_LANGUAGES
from principles_app.domain.rounds import RoundKind, RoundState
from principles_app.extensions import db
from principles_app.models import (
    Amendment,
    AmendmentRevision,
    Attendance,
    Ballot,
    Comment,
    CommentFlag,
    Document,
    ElectorateMember,
    Endorsement,
    Invitation,
    Meeting,
    MeetingProxy,
    Motion,
    Organisation,
    Principle,
    PrincipleTranslation,
    Recommendation,
    Round,
    User,
)
from principles_app.services import meetings as meeting_service

# Rounds closing within this window are "due to close" for the secretariat.
DUE_WINDOW = timedelta(hours=48)


class ItemKind(StrEnum):
    """Say what kind of work a home item asks for."""

    VOTE = "vote"
    PROXY_VOTE = "proxy_vote"
    MEETING = "meeting"
    AMENDMENT_NEWS = "amendment_news"
    REPLY = "reply"
    CONSULTATION = "consultation"
    TRANSLATIONS = "translations"
    FLAGGED = "flagged"
    ROUND_DUE = "round_due"
    UNRECOMMENDED = "unrecommended"
    ENDORSEMENTS = "endorsements"
    INVITATIONS = "invitations"


@dataclass(frozen=True)
class HomeItem:
    """One thing that needs the user: what, how many, until when, and where to do it."""

    kind: ItemKind
    title: str
    endpoint: str
    arguments: dict[str, Any] = field(default_factory=dict)
    deadline: datetime | None = None
    count: int = 1
    status: str | None = None


def _since(user: User) -> datetime:
    """What happened after this moment is new to the user."""
    return user.home_seen_at or user.created_at


def _votes_waiting(user: User) -> list[HomeItem]:
    """Open rounds with motions the user's organisation may vote on and has not (one query)."""
    voted = exists().where(Ballot.motion_id == Motion.id, Ballot.organisation_id == user.organisation_id)
    # An organisation that gave its proxy for the round's meeting votes through its holder.
    gave_proxy = exists().where(
        MeetingProxy.meeting_id == Round.meeting_id, MeetingProxy.giver_organisation_id == user.organisation_id
    )
    rows = db.session.execute(
        select(Round.id, Round.title, Round.closes_at, func.count(Motion.id))
        .join(Motion, Motion.round_id == Round.id)
        .join(
            ElectorateMember,
            and_(ElectorateMember.round_id == Round.id, ElectorateMember.organisation_id == user.organisation_id),
        )
        .where(Round.state == RoundState.OPEN, Motion.outcome.is_(None), ~voted, ~gave_proxy)
        .group_by(Round.id, Round.title, Round.closes_at)
    ).all()
    return [
        HomeItem(ItemKind.VOTE, title, "voting.ballot_page", {"round_id": round_id}, closes_at, count)
        for round_id, title, closes_at, count in rows
    ]


def _proxy_votes_waiting(user: User) -> list[HomeItem]:
    """Open motions of a meeting's rounds where the user's organisation holds a proxy not yet used (one query)."""
    voted = exists().where(Ballot.motion_id == Motion.id, Ballot.organisation_id == MeetingProxy.giver_organisation_id)
    rows = db.session.execute(
        select(Round.id, Round.title, Round.closes_at, Organisation.name, func.count(Motion.id))
        .join(Motion, Motion.round_id == Round.id)
        .join(
            MeetingProxy,
            and_(
                MeetingProxy.meeting_id == Round.meeting_id,
                MeetingProxy.holder_organisation_id == user.organisation_id,
            ),
        )
        .join(Organisation, Organisation.id == MeetingProxy.giver_organisation_id)
        .join(
            ElectorateMember,
            and_(
                ElectorateMember.round_id == Round.id,
                ElectorateMember.organisation_id == MeetingProxy.giver_organisation_id,
            ),
        )
        .where(Round.state == RoundState.OPEN, Motion.outcome.is_(None), ~voted)
        .group_by(Round.id, Round.title, Round.closes_at, Organisation.id, Organisation.name)
    ).all()
    return [
        HomeItem(ItemKind.PROXY_VOTE, title, "voting.ballot_page", {"round_id": round_id}, closes_at, count, giver)
        for round_id, title, closes_at, giver, count in rows
    ]


def _meetings_ahead(user: User, now: datetime) -> list[HomeItem]:
    """General Meetings not yet over, each saying whether the user's organisation can check in now (one query)."""
    checked_in = (
        select(Attendance.mode)
        .where(Attendance.meeting_id == Meeting.id, Attendance.organisation_id == user.organisation_id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        meeting_service.meetings_not_over(
            now, Meeting.id, Meeting.title, Meeting.starts_at, Meeting.ends_at, checked_in
        )
    ).all()
    items = []
    for meeting_id, title, starts_at, ends_at, mode in rows:
        if mode is not None:
            status = "checked_in"
        elif meeting_rules.check_in_open(now, starts_at, ends_at) and permissions.can_vote(user):
            status = "check_in"
        else:
            status = None
        items.append(
            HomeItem(
                ItemKind.MEETING, title, "meetings.meeting_page", {"meeting_id": meeting_id}, starts_at, status=status
            )
        )
    return items


def _amendment_news(user: User, since: datetime) -> list[HomeItem]:
    """The organisation's amendments rebased, conflicted, recommended or merged since the last look."""
    rebased = (
        exists()
        .where(
            AmendmentRevision.amendment_id == Amendment.id,
            AmendmentRevision.reason == "rebased",
            AmendmentRevision.created_at > since,
        )
        .correlate(Amendment)
    )
    outcome = and_(
        Amendment.status.in_((AmendmentStatus.CONFLICTED, AmendmentStatus.MERGED)), Amendment.updated_at > since
    )
    recommended = Recommendation.updated_at > since
    rows = db.session.execute(
        select(Amendment.id, Amendment.status, Amendment.proposed_title, recommended, outcome)
        .outerjoin(Recommendation, Recommendation.amendment_id == Amendment.id)
        .where(
            Amendment.organisation_id == user.organisation_id,
            or_(outcome, and_(Amendment.status == AmendmentStatus.OPEN, or_(rebased, recommended))),
        )
        .order_by(Amendment.id)
    ).all()
    items = []
    for amendment_id, status, title, was_recommended, decided in rows:
        news = status.value if decided else ("recommended" if was_recommended else "rebased")
        items.append(
            HomeItem(
                ItemKind.AMENDMENT_NEWS,
                title or f"#{amendment_id}",
                "amendments.show",
                {"amendment_id": amendment_id},
                status=news,
            )
        )
    return items


def _replies(user: User, since: datetime) -> list[HomeItem]:
    """Replies by others to the user's comments since the last look, still visible."""
    parent = aliased(Comment)
    rows = db.session.execute(
        select(Comment.id, parent.id)
        .join(parent, parent.id == Comment.parent_id)
        .where(
            parent.author_id == user.id,
            Comment.author_id != user.id,
            Comment.created_at > since,
            Comment.deleted_at.is_(None),
            Comment.hidden_at.is_(None),
        )
        .order_by(Comment.created_at)
    ).all()
    return [
        HomeItem(ItemKind.REPLY, f"#{parent_id}", "comments.continue_thread", {"comment_id": reply_id})
        for reply_id, parent_id in rows
    ]


def _consultations() -> list[HomeItem]:
    """Open key-points rounds the user's organisation can contribute to (one query)."""
    rows = db.session.execute(
        select(Round.title, Round.closes_at, Document.slug)
        .join(Document, Document.id == Round.document_id)
        .where(Round.state == RoundState.OPEN, Round.kind == RoundKind.CONSULTATION)
        .order_by(Round.closes_at, Round.id)
    ).all()
    return [
        HomeItem(ItemKind.CONSULTATION, title, "points.consultation", {"slug": slug}, closes_at)
        for title, closes_at, slug in rows
    ]


def _stale_translations(language: str) -> list[HomeItem]:
    """Principles whose translation into the user's language no longer follows the text, by document (one query)."""
    rows = db.session.execute(
        select(Document.slug, Document.title, func.count(PrincipleTranslation.id))
        .join(Principle, Principle.id == PrincipleTranslation.principle_id)
        .join(Document, Document.id == Principle.document_id)
        .where(
            PrincipleTranslation.language == language,
            Principle.number.is_not(None),
            or_(
                PrincipleTranslation.source_title != Principle.title, PrincipleTranslation.source_text != Principle.text
            ),
        )
        .group_by(Document.id, Document.slug, Document.title)
        .order_by(Document.title)
    ).all()
    return [
        HomeItem(ItemKind.TRANSLATIONS, title, "drafts.document", {"slug": slug, "text_lang": language}, count=count)
        for slug, title, count in rows
    ]


def _secretariat_counts() -> list[HomeItem]:
    """Flagged comments, amendments without a recommendation, endorsements waiting, invitations not accepted."""
    flagged = (
        select(func.count(func.distinct(CommentFlag.comment_id)))
        .where(CommentFlag.resolved_at.is_(None))
        .scalar_subquery()
    )
    unrecommended = (
        select(func.count(Amendment.id))
        .where(
            Amendment.status == AmendmentStatus.OPEN,
            ~exists().where(Recommendation.amendment_id == Amendment.id),
        )
        .scalar_subquery()
    )
    endorsements = (
        select(func.count(Endorsement.id)).where(Endorsement.state == EndorsementState.VERIFIED).scalar_subquery()
    )
    invitations = (
        select(func.count(Invitation.id))
        .where(Invitation.accepted_at.is_(None), Invitation.cancelled_at.is_(None))
        .scalar_subquery()
    )
    counts = db.session.execute(select(flagged, unrecommended, endorsements, invitations)).one()
    targets = (
        (ItemKind.FLAGGED, "comments.moderation"),
        (ItemKind.UNRECOMMENDED, "drafts.index"),
        (ItemKind.ENDORSEMENTS, "endorsements.queue"),
        (ItemKind.INVITATIONS, "admin.invitations"),
    )
    return [HomeItem(kind, "", endpoint, count=count) for (kind, endpoint), count in zip(targets, counts) if count]


def _rounds_due(now: datetime) -> list[HomeItem]:
    """Open rounds that close within the next 48 hours (one query)."""
    rows = db.session.execute(
        select(Round.id, Round.title, Round.closes_at)
        .where(Round.state == RoundState.OPEN, Round.closes_at <= now + DUE_WINDOW)
        .order_by(Round.closes_at, Round.id)
    ).all()
    return [
        HomeItem(ItemKind.ROUND_DUE, title, "voting.round_page", {"round_id": round_id}, closes_at)
        for round_id, title, closes_at in rows
    ]


def needs(user: User, now: datetime | None = None) -> list[HomeItem]:
    """Return what needs the user, most urgent first."""
    if not permissions.can_read_drafts(user):
        return []
    now = now or utcnow()
    since = _since(user)
    items: list[HomeItem] = []
    if permissions.can_vote(user):
        items += _votes_waiting(user)
        items += _proxy_votes_waiting(user)
    items += _meetings_ahead(user, now)
    items += _amendment_news(user, since)
    items += _replies(user, since)
    if permissions.can_raise_point(user):
        items += _consultations()
    if permissions.can_translate(user) and user.language in TRANSLATION_LANGUAGES:
        items += _stale_translations(user.language)
    if permissions.is_secretariat(user):
        items += _rounds_due(now)
        items += _secretariat_counts()
    with_deadline = sorted((i for i in items if i.deadline is not None), key=lambda i: i.deadline)
    kinds = list(ItemKind)
    without = sorted((i for i in items if i.deadline is None), key=lambda i: kinds.index(i.kind))
    return with_deadline + without


def count(items: list[HomeItem]) -> int:
    """How many things need the user, as the navigation shows it."""
    return sum(item.count for item in items)


def mark_seen(user: User, now: datetime | None = None) -> None:
    """Remember that the user looked at the home page now."""
    user.home_seen_at = now or utcnow()
    db.session.flush()
