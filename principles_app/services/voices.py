"""Who took part in a document, by region and by category, in a constant number of queries.

Each kind of contribution is a ``Contribution``: a name and one aggregate query counting it per
organisation. Adding a kind (key points, say) is adding one entry to ``CONTRIBUTIONS``; the
table, the chart, the API and the least-heard sentence pick it up. Counts are folded into
regions and categories in Python from one query over the organisations. Anonymous comments
count in their author's region, like every other contribution; a region or category with fewer
active organisations than the anonymity threshold is never shown apart but folded into one
"smaller groups" row, so no count names an organisation that chose not to be named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, func, or_, select

from principles_app.domain.amendments import AmendmentStatus
from principles_app.domain.attribution import words_by_owner
from principles_app.domain.comments import TargetType
from principles_app.extensions import db
from principles_app.labels import CATEGORY_NAMES, REGION_NAMES
from principles_app.models import (
    Amendment,
    AmendmentCosponsor,
    Ballot,
    Comment,
    Document,
    KeyPoint,
    Motion,
    Organisation,
    PointSupport,
    Principle,
    Publication,
    Round,
    Version,
)
from principles_app.services import attribution
from principles_app.services.anonymity import min_group
from principles_app.services.points import unlinked_condition

Counts = dict[int, int]  # organisation id → how many


@dataclass(frozen=True)
class Scope:
    """What is counted: a document, up to a moment (a publication's) and words of one version."""

    document: Document
    version: Version
    until: datetime | None = None
    since: datetime | None = None

    def before(self, column: Any) -> ColumnElement[bool]:
        """Limit a timestamp column to the scope's period (no limit for the working draft)."""
        clauses = [column.is_not(None)]
        if self.until is not None:
            clauses.append(column <= self.until)
        if self.since is not None:
            clauses.append(column >= self.since)
        return and_(*clauses)


def _by_organisation(query) -> Counts:
    return {organisation_id: count for organisation_id, count in db.session.execute(query) if organisation_id}


def _amendments(scope: Scope, status: AmendmentStatus | None = None) -> Counts:
    query = (
        select(Amendment.organisation_id, func.count())
        .where(Amendment.document_id == scope.document.id, scope.before(Amendment.created_at))
        .group_by(Amendment.organisation_id)
    )
    if status is not None:
        query = query.where(Amendment.status == status)
        if status == AmendmentStatus.MERGED:
            query = query.where(Amendment.merged_in_version <= scope.version.number)
    return _by_organisation(query)


def _words(scope: Scope) -> Counts:
    """Words of the version each organisation's merged amendments introduced (cached attribution)."""
    owners = words_by_owner(attribution.attribution_of(scope.document, scope.version))
    ids = [owner for owner in owners if owner is not None]
    if not ids:
        return {}
    counts: Counts = {}
    for amendment_id, organisation_id in db.session.execute(
        select(Amendment.id, Amendment.organisation_id).where(Amendment.id.in_(ids))
    ):
        counts[organisation_id] = counts.get(organisation_id, 0) + owners[amendment_id]
    return counts


def _comments(scope: Scope) -> Counts:
    principles = select(Principle.id).where(Principle.document_id == scope.document.id)
    amendments = select(Amendment.id).where(Amendment.document_id == scope.document.id)
    return _by_organisation(
        select(Comment.organisation_id, func.count())
        .where(
            or_(
                (Comment.target_type == TargetType.PRINCIPLE) & Comment.target_id.in_(principles),
                (Comment.target_type == TargetType.AMENDMENT) & Comment.target_id.in_(amendments),
            ),
            Comment.deleted_at.is_(None),
            scope.before(Comment.created_at),
        )
        .group_by(Comment.organisation_id)
    )


def _cosponsorships(scope: Scope) -> Counts:
    return _by_organisation(
        select(AmendmentCosponsor.organisation_id, func.count())
        .join(Amendment, Amendment.id == AmendmentCosponsor.amendment_id)
        .where(Amendment.document_id == scope.document.id, scope.before(AmendmentCosponsor.created_at))
        .group_by(AmendmentCosponsor.organisation_id)
    )


def _ballots(scope: Scope) -> Counts:
    return _by_organisation(
        select(Ballot.organisation_id, func.count())
        .join(Motion, Motion.id == Ballot.motion_id)
        .join(Round, Round.id == Motion.round_id)
        .where(Round.document_id == scope.document.id, scope.before(Ballot.cast_at))
        .group_by(Ballot.organisation_id)
    )


def _points(scope: Scope, taken_up: bool = False) -> Counts:
    """Key points each organisation raised (anonymous ones count in their organisation's region)."""
    query = (
        select(KeyPoint.organisation_id, func.count())
        .where(KeyPoint.document_id == scope.document.id, scope.before(KeyPoint.created_at))
        .group_by(KeyPoint.organisation_id)
    )
    if taken_up:
        query = query.where(~unlinked_condition())
    return _by_organisation(query)


def _supports(scope: Scope) -> Counts:
    return _by_organisation(
        select(PointSupport.organisation_id, func.count())
        .join(KeyPoint, KeyPoint.id == PointSupport.point_id)
        .where(KeyPoint.document_id == scope.document.id, scope.before(PointSupport.created_at))
        .group_by(PointSupport.organisation_id)
    )


@dataclass(frozen=True)
class Contribution:
    """One kind of contribution: its key (API), its name (page) and how to count it per organisation."""

    key: str
    label: Any
    count: Callable[[Scope], Counts]


CONTRIBUTIONS: list[Contribution] = [
    Contribution("amendments_proposed", _l("Amendments proposed"), _amendments),
    Contribution(
        "amendments_merged", _l("Amendments merged"), lambda scope: _amendments(scope, AmendmentStatus.MERGED)
    ),
    Contribution(
        "amendments_rejected", _l("Amendments rejected"), lambda scope: _amendments(scope, AmendmentStatus.REJECTED)
    ),
    Contribution("words", _l("Words of the text introduced"), _words),
    Contribution("comments", _l("Comments"), _comments),
    Contribution("cosponsorships", _l("Co-sponsorships"), _cosponsorships),
    Contribution("ballots", _l("Ballots cast"), _ballots),
    Contribution("points_raised", _l("Key points raised"), _points),
    Contribution("points_supported", _l("Key points supported"), _supports),
    Contribution("points_taken_up", _l("Key points taken up"), lambda scope: _points(scope, taken_up=True)),
]

SMALLER_GROUPS = "smaller_groups"


@dataclass
class Group:
    """One row of the table: a region or category (or the smaller ones together)."""

    key: str
    label: Any
    organisations: int = 0  # active organisations of the group
    eligible: int = 0  # of them, those eligible to vote (member organisations)
    took_part: int = 0  # organisations with at least one contribution
    eligible_took_part: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def share(self) -> float | None:
        """The share of the group's eligible organisations that took part (None without any)."""
        return self.eligible_took_part / self.eligible if self.eligible else None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Voices:
    """Contributions by region and by category, with who is heard least."""

    contributions: list[Contribution]
    regions: list[Group]
    categories: list[Group]
    totals: Group

    @property
    def least_heard(self) -> Group | None:
        """The region whose eligible organisations took part least (then: fewest contributions)."""
        candidates = [g for g in self.regions if g.key != SMALLER_GROUPS and g.eligible]
        if not candidates:
            return None
        return min(candidates, key=lambda g: (g.share, g.total, str(g.label)))

    def as_json(self) -> dict[str, Any]:
        def row(group: Group) -> dict[str, Any]:
            return {
                "key": group.key,
                "name": str(group.label),
                "organisations": group.organisations,
                "eligible_organisations": group.eligible,
                "organisations_taking_part": group.took_part,
                "eligible_share": round(group.share, 4) if group.share is not None else None,
                **{c.key: group.counts.get(c.key, 0) for c in self.contributions},
            }

        least = self.least_heard
        return {
            "contributions": [c.key for c in self.contributions],
            "by_region": [row(g) for g in self.regions],
            "by_category": [row(g) for g in self.categories],
            "totals": row(self.totals),
            "least_heard_region": least.key if least is not None else None,
        }


def _fold(groups: dict[str, Group], threshold: int, keys: list[str]) -> list[Group]:
    """Order groups as the vocabulary does; fold those under the threshold into one row."""
    shown: list[Group] = []
    smaller = Group(SMALLER_GROUPS, _l("Smaller groups together"))
    for key in keys:
        group = groups.get(key)
        if group is None:
            continue
        if group.organisations >= threshold:
            shown.append(group)
            continue
        smaller.organisations += group.organisations
        smaller.eligible += group.eligible
        smaller.took_part += group.took_part
        smaller.eligible_took_part += group.eligible_took_part
        for name, value in group.counts.items():
            smaller.counts[name] = smaller.counts.get(name, 0) + value
    if smaller.organisations:
        shown.append(smaller)
    return shown


def voices_of(scope: Scope) -> Voices:
    """Count every contribution of the scope by region and category (one query per kind, one for organisations)."""
    per_kind = {c.key: c.count(scope) for c in CONTRIBUTIONS}
    organisations = db.session.execute(
        select(
            Organisation.id,
            Organisation.region,
            Organisation.category,
            Organisation.active,
            Organisation.eligible_to_vote,
        )
    ).all()
    regions: dict[str, Group] = {}
    categories: dict[str, Group] = {}
    totals = Group("all", _l("All organisations"))
    for row in organisations:
        counts = {key: found[row.id] for key, found in per_kind.items() if found.get(row.id)}
        if not row.active and not counts:
            continue
        region = getattr(row.region, "value", row.region)
        category = getattr(row.category, "value", row.category)
        eligible = bool(row.eligible_to_vote)
        region_group = regions.setdefault(region, Group(region, REGION_NAMES.get(region, region)))
        category_group = categories.setdefault(category, Group(category, CATEGORY_NAMES.get(category, category)))
        for group in (region_group, category_group, totals):
            group.organisations += 1
            group.eligible += eligible
            group.took_part += bool(counts)
            group.eligible_took_part += eligible and bool(counts)
            for key, value in counts.items():
                group.counts[key] = group.counts.get(key, 0) + value
    threshold = min_group()
    return Voices(
        CONTRIBUTIONS,
        _fold(regions, threshold, [str(k) for k in REGION_NAMES]),
        _fold(categories, threshold, [str(k) for k in CATEGORY_NAMES]),
        totals,
    )


def document_voices(document: Document) -> Voices:
    """Voices of a document's working draft, now."""
    version = db.session.execute(
        select(Version).where(Version.document_id == document.id, Version.number == document.current_version)
    ).scalar_one()
    return voices_of(Scope(document, version))


def publication_voices(publication: Publication) -> Voices:
    """Voices of a publication: contributions until it was published, words of its version."""
    version = db.session.execute(
        select(Version).where(
            Version.document_id == publication.document_id, Version.number == publication.version_number
        )
    ).scalar_one()
    return voices_of(Scope(publication.document, version, publication.published_at))
