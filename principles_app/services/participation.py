"""Quiet members of a round, invitations to take part, and deadlines that are fair across time zones.

A member organisation is *quiet* in a round when, since the round opened, it has proposed no
amendment, co-sponsored none, written no comment and cast no ballot on the round's document.
The secretariat may invite each quiet organisation once per round (the database refuses a
second invitation); every active user of the organisation gets the invitation in their language.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from principles_app import permissions
from principles_app.domain.fair_deadlines import Fairness, MemberPlace, fairness
from principles_app.domain.organisations import Region
from principles_app.domain.rounds import RoundState
from principles_app.extensions import db
from principles_app.labels import REGION_NAMES
from principles_app.models import Organisation, ParticipationInvitation, Round, User, Version
from principles_app.services import audit, notifications
from principles_app.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from principles_app.services.voices import CONTRIBUTIONS, Scope

# Contributions that say an organisation took part in a round (words belong to versions, not rounds).
ROUND_CONTRIBUTIONS = [c for c in CONTRIBUTIONS if c.key not in ("words", "amendments_merged", "amendments_rejected")]


def member_places() -> list[MemberPlace]:
    """Every eligible member organisation with the zones its active users chose (one query)."""
    rows = db.session.execute(
        select(Organisation.id, Organisation.region, User.time_zone)
        .outerjoin(User, (User.organisation_id == Organisation.id) & User.active.is_(True))
        .where(Organisation.eligible_to_vote)
    ).all()
    zones: dict[int, list[str]] = defaultdict(list)
    regions: dict[int, str] = {}
    for organisation_id, region, zone in rows:
        regions[organisation_id] = getattr(region, "value", region)
        if zone:
            zones[organisation_id].append(zone)
    return [MemberPlace(oid, regions[oid], tuple(zones[oid])) for oid in sorted(regions)]


def deadline_fairness(closes_at: datetime) -> Fairness:
    """Judge a closing time for the member organisations (two queries at most)."""
    return fairness(closes_at, member_places())


# --- Quiet members ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuietMember:
    organisation_id: int
    name: str
    region: str
    invited: bool


def _round_scope(target: Round) -> Scope:
    version = db.session.execute(
        select(Version).where(
            Version.document_id == target.document_id, Version.number == target.document.current_version
        )
    ).scalar_one()
    return Scope(target.document, version, since=target.opened_at or target.created_at)


def participation_in(target: Round) -> dict[int, dict[str, int]]:
    """Each organisation's contributions since the round opened, by kind (one query per kind)."""
    scope = _round_scope(target)
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for contribution in ROUND_CONTRIBUTIONS:
        for organisation_id, count in contribution.count(scope).items():
            found[organisation_id][contribution.key] = count
    return found


def quiet_members(target: Round) -> dict[str, list[QuietMember]]:
    """The eligible member organisations that have not taken part in the round, by region (in order)."""
    active = participation_in(target)
    invited = set(
        db.session.execute(
            select(ParticipationInvitation.organisation_id).where(ParticipationInvitation.round_id == target.id)
        ).scalars()
    )
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.region)
        .where(Organisation.eligible_to_vote)
        .order_by(Organisation.name)
    ).all()
    by_region: dict[str, list[QuietMember]] = {}
    order = [str(r) for r in REGION_NAMES]
    for row in sorted(rows, key=lambda r: order.index(getattr(r.region, "value", r.region))):
        if row.id in active:
            continue
        region = getattr(row.region, "value", row.region)
        by_region.setdefault(region, []).append(QuietMember(row.id, row.name, region, row.id in invited))
    return by_region


def open_round(target: Round) -> None:
    """Refuse unless the round is open."""
    if target.state != RoundState.OPEN:
        raise Conflict(_l("Only an open round's quiet members can be invited."))


def invite(
    actor: User, target: Round, organisation_id: int | None = None, region: str | None = None
) -> list[Organisation]:
    """Invite one quiet organisation, or every quiet one of a region, to take part; return those invited now."""
    if not permissions.can_invite_quiet_members(actor):
        raise Forbidden()
    open_round(target)
    if (organisation_id is None) == (region is None):
        raise ValidationFailed(fields={"organisation_id": str(_l("Choose one organisation or one region."))})
    if region is not None and region not in {r.value for r in Region}:
        raise ValidationFailed(fields={"region": str(_l("Choose a region from the list."))})
    quiet = [m for members in quiet_members(target).values() for m in members]
    if organisation_id is not None:
        chosen = [m for m in quiet if m.organisation_id == organisation_id]
        if not chosen:
            if db.session.get(Organisation, organisation_id) is None:
                raise NotFound(_l("No such organisation."))
            raise Conflict(_l("This organisation has already taken part in the round."))
    else:
        chosen = [m for m in quiet if m.region == region]
    invited: list[Organisation] = []
    for member in chosen:
        if member.invited:
            continue
        try:
            with db.session.begin_nested():
                db.session.add(
                    ParticipationInvitation(
                        round_id=target.id, organisation_id=member.organisation_id, invited_by_id=actor.id
                    )
                )
        except IntegrityError:
            continue  # invited a moment ago by someone else: once per round is enough
        organisation = db.session.get(Organisation, member.organisation_id)
        invited.append(organisation)
        _notify(target, organisation)
        audit.record(
            "round.participation_invited",
            "round",
            target.id,
            {"organisation_id": organisation.id, "organisation": organisation.name},
            actor,
        )
    if organisation_id is not None and not invited:
        raise Conflict(_l("This organisation was already invited to this round."))
    return invited


def _notify(target: Round, organisation: Organisation) -> None:
    users = db.session.execute(
        select(User).where(User.organisation_id == organisation.id, User.active.is_(True)).order_by(User.id)
    ).scalars()
    context = {
        "document": target.document.title,
        "title": target.title,
        "closes_at": target.closes_at,
        "organisation": organisation.name,
        "url": notifications.link_to("voices.document_voices", slug=target.document.slug),
        "round_url": notifications.link_to("voting.round_page", round_id=target.id),
    }
    for user in users:
        notifications.notify(user, "participation_invitation", context)
