"""Results for presentation: turnout while a round is open, the full result and bulletin once it is
closed, what closing did with each motion, and the adoption vote a publication cites."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from principles_app.domain import tally as tally_domain
from principles_app.domain.rounds import RoundKind, RoundState
from principles_app.domain.voting import Choice, MotionOutcome, Secrecy
from principles_app.extensions import db
from principles_app.models import Ballot, Motion, Organisation, Round, User
from principles_app.services import disclosure
from principles_app.services.motions import electorate_of, motions_of

CHOICES = tally_domain.CHOICES


def participation_of(motion: Motion) -> tally_domain.Participation:
    """Measure turnout on a motion without reading a single choice."""
    electorate = electorate_of(motion.round)
    voters = db.session.execute(select(Ballot.organisation_id).where(Ballot.motion_id == motion.id)).scalars()
    # The choice is not even loaded: participation cannot leak what was chosen.
    return tally_domain.participation(electorate, [tally_domain.CastBallot(o, Choice.ABSTAIN.value) for o in voters])


def tally_of(motion: Motion) -> tally_domain.TallyResult:
    """Tally a motion's current ballots against its frozen electorate."""
    target = motion.round
    ballots = db.session.execute(select(Ballot.organisation_id, Ballot.choice).where(Ballot.motion_id == motion.id))
    return tally_domain.tally(
        electorate_of(target),
        [tally_domain.CastBallot(o, c) for o, c in ballots],
        target.majority,
        Decimal(target.quorum),
    )


def bulletin_of(motion: Motion) -> list[dict[str, str]]:
    """List every current receipt with its choice; in a named round the organisation and any proxy that cast it."""
    named = motion.round.secrecy != Secrecy.SECRET
    holder = aliased(Organisation)
    rows = db.session.execute(
        select(Ballot.receipt, Ballot.choice, Organisation.name, holder.name)
        .join(Organisation, Organisation.id == Ballot.organisation_id)
        .outerjoin(holder, holder.id == Ballot.proxy_organisation_id)
        .where(Ballot.motion_id == motion.id)
        .order_by(Ballot.receipt)
    ).all()
    entries = []
    for receipt, choice, name, proxy_name in rows:
        entry = {"receipt": receipt, "choice": choice}
        if named:
            # A named round says who cast a ballot by proxy; a secret one says nothing of it.
            entry["organisation"] = name
            if proxy_name is not None:
                entry["cast_by_proxy"] = proxy_name
        entries.append(entry)
    return entries


def is_decided(motion: Motion) -> bool:
    """Tell whether the motion's result may be shown: its round is closed and it was tallied."""
    return motion.round.state == RoundState.CLOSED and motion.result is not None


def result_for(motion: Motion, viewer: User | None = None) -> dict[str, Any]:
    """Return participation while the round is open, and the full result once it is closed."""
    decided = is_decided(motion)
    data: dict[str, Any] = {
        "motion_id": motion.id,
        "state": (RoundState.CLOSED if decided else RoundState.OPEN).value,
        "participation": tally_domain.participation_to_jsonable(participation_of(motion)),
    }
    if not decided:
        return data
    stored = disclosure.disclosed_result(motion)
    for key in (
        "tally",
        "majority",
        "quorum",
        "quorum_reached",
        "passed",
        "by_region",
        "by_category",
        "passed_by_count",
        "quorum_reached_by_count",
    ):
        data[key] = stored.get(key)
    data["outcome"] = motion.outcome
    data["effect"] = motion.effect
    data["bulletin"] = bulletin_of(motion)
    return data


def round_summary(target: Round) -> list[dict[str, Any]]:
    """Describe what closing did with each motion, in order: passed, merged, conflicted …"""
    return [
        {
            "motion_id": m.id,
            "position": m.position,
            "amendment_id": m.amendment_id,
            "version_number": m.version_number,
            "outcome": m.outcome,
            "effect": m.effect,
        }
        for m in motions_of(target)
    ]


def passed_adoption_motion(document_id: int, version_number: int) -> Motion | None:
    """Return the latest passed adoption motion on exactly this version of the document."""
    return db.session.execute(
        select(Motion)
        .join(Round, Round.id == Motion.round_id)
        .where(
            Round.document_id == document_id,
            Round.kind == RoundKind.ADOPTION,
            Round.state == RoundState.CLOSED,
            Motion.version_number == version_number,
            Motion.outcome == MotionOutcome.PASSED.value,
        )
        .order_by(Motion.decided_at.desc(), Motion.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def adoption_summary(motion: Motion) -> dict[str, Any]:
    """Describe an adoption vote for the publication record; weights are strings."""
    stored = motion.result or {}
    tally_json = stored.get("tally", {})
    choices = {c: tally_json.get(c, {"count": 0, "weight": "0.0000"}) for c in CHOICES}
    return {
        "round_id": motion.round_id,
        "round_title": motion.round.title,
        "version": motion.version_number,
        "majority": stored.get("majority"),
        "quorum": stored.get("quorum"),
        "quorum_reached": stored.get("quorum_reached"),
        "passed": stored.get("passed"),
        "weights": {
            **{c: choices[c]["weight"] for c in CHOICES},
            "eligible": stored.get("eligible_weight"),
            "participation": stored.get("participation_weight"),
        },
        "counts": {
            **{c: choices[c]["count"] for c in CHOICES},
            "eligible": stored.get("eligible_count"),
            "participation": stored.get("participation_count"),
        },
        "closed_at": (motion.round.closed_at or motion.decided_at).isoformat()
        if (motion.round.closed_at or motion.decided_at)
        else None,
    }
