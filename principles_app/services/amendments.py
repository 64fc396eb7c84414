"""Propose, revise, withdraw, co-sponsor, reject and merge amendments; rebase siblings on merge."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from principles_app import ratelimits
from principles_app.db import utcnow
from principles_app.domain.amendments import (
    AmendmentKind,
    AmendmentNews,
    AmendmentStatus,
)
from principles_app.domain.diffing import (
    changed_ranges,
    lines_for_ranges,
    ranges_overlap,
    word_diff,
    wrap_lines,
)
from principles_app.domain.procedure import Answer, Procedure
from principles_app.domain.publication import normalise
from principles_app.extensions import db
from principles_app.models import (
    Amendment,
    AmendmentCosponsor,
    Document,
    Principle,
    Recommendation,
    User,
)
from principles_app.services import audit, merging, notifications
from principles_app.services.amendment_states import move as _move
from principles_app.services.amendment_states import record_revision as _revision
from principles_app.services.amendment_states import refuse_while_voted_on as _refuse_while_voted_on
from principles_app.services.drafts import (
    MAX_TEXT,
    check_text,
    check_title,
    line_width,
    lock_document,
)
from principles_app.services.errors import Conflict, NotFound, RateLimited, ValidationFailed
from principles_app.services.rounds import accepting_amendments

ACTIVE = (AmendmentStatus.OPEN, AmendmentStatus.CONFLICTED)


def get_amendment(amendment_id: int) -> Amendment:
    """Return the amendment or raise NotFound."""
    amendment = db.session.get(Amendment, amendment_id)
    if amendment is None:
        raise NotFound(_l("No such amendment."))
    return amendment


def list_amendments(
    document: Document,
    status: str | None = None,
    principle_id: int | None = None,
    with_revisions: bool = False,
    procedure: str | None = None,
    answer: str | None = None,
    needs_vote: bool = False,
) -> list[Amendment]:
    """Return a document's amendments in order of proposal, with what their pages show (see amendments_query)."""
    query = amendments_query(document, status, principle_id, with_revisions, procedure, answer, needs_vote)
    return list(db.session.execute(query).scalars())


def amendments_query(
    document: Document,
    status: str | None = None,
    principle_id: int | None = None,
    with_revisions: bool = False,
    procedure: str | None = None,
    answer: str | None = None,
    needs_vote: bool = False,
) -> Select:
    """Select a document's amendments in order of proposal, with what their pages show.

    ``procedure`` and ``answer`` filter by the recommendation (``answer="none"``: not answered yet);
    ``needs_vote`` keeps the open amendments the meeting must still decide: recommended ``vote``,
    objected to by their proposer, or with no recommendation yet.
    """
    query = (
        select(Amendment)
        .where(Amendment.document_id == document.id)
        .options(
            selectinload(Amendment.proposer),
            selectinload(Amendment.organisation),
            selectinload(Amendment.cosponsors),
            selectinload(Amendment.principle),
            selectinload(Amendment.after_principle),
        )
        .order_by(Amendment.id)
    )
    if with_revisions:
        query = query.options(selectinload(Amendment.revisions))
    if status is not None:
        try:
            query = query.where(Amendment.status == AmendmentStatus(status))
        except ValueError:
            raise ValidationFailed(fields={"status": str(_l("Unknown status."))}) from None
    if principle_id is not None:
        query = query.where(Amendment.principle_id == principle_id)
    if procedure is not None or answer is not None:
        query = query.join(Recommendation, Recommendation.amendment_id == Amendment.id)
    elif needs_vote:
        query = query.outerjoin(Recommendation, Recommendation.amendment_id == Amendment.id)
    if procedure is not None:
        try:
            query = query.where(Recommendation.procedure == Procedure(procedure))
        except ValueError:
            raise ValidationFailed(fields={"procedure": str(_l("Unknown recommendation."))}) from None
    if answer is not None:
        if answer == "none":
            query = query.where(Recommendation.answer.is_(None))
        else:
            try:
                query = query.where(Recommendation.answer == Answer(answer))
            except ValueError:
                raise ValidationFailed(fields={"answer": str(_l("Unknown answer."))}) from None
    if needs_vote:
        query = query.where(
            Amendment.status == AmendmentStatus.OPEN,
            Recommendation.id.is_(None)
            | (Recommendation.procedure == Procedure.VOTE)
            | (Recommendation.answer == Answer.OBJECT),
        )
    return query


# --- Reading: proposer, diff, lines, competition --------------------------------------------


# Revisions that change the text a recommendation was made on (agreeing to ``modified`` does not).
_TEXT_CHANGES = ("rebased", "revised")


def recommended_on_older_text(amendment: Amendment) -> bool:
    """Tell whether the amendment was rebased, revised or conflicted after its recommendation."""
    recommendation = amendment.recommendation
    if recommendation is None:
        return False
    if amendment.status == AmendmentStatus.CONFLICTED:
        return True
    return any(
        r.reason in _TEXT_CHANGES and (r.created_at is None or r.created_at > recommendation.updated_at)
        for r in amendment.revisions
    )


def proposer_label(amendment: Amendment, viewer: User | None = None) -> dict[str, str]:
    """Return how the proposer is shown: the one place to change for anonymity."""
    return {"name": amendment.proposer.name, "organisation": amendment.organisation.name}


def amendment_diff(amendment: Amendment) -> list[tuple[int, str]]:
    """Return the word diff from the amendment's base text to its proposal."""
    return word_diff(amendment.base_text, amendment.proposed_text)


@lru_cache(maxsize=8192)
def _ranges(base: str, proposed: str) -> tuple[tuple[int, int], ...]:
    # Pages show hundreds of amendments; each diff is computed once per process, not per use.
    return tuple(changed_ranges(base, proposed))


def amendment_lines(amendment: Amendment, width: int | None = None) -> tuple[int, int] | None:
    """Return the first and last line of the principle the amendment touches."""
    if amendment.kind == AmendmentKind.INSERT:
        return None
    return _lines(
        amendment.kind == AmendmentKind.DELETE, amendment.base_text, amendment.proposed_text, width or line_width()
    )


@lru_cache(maxsize=8192)
def _lines(deletes: bool, base: str, proposed: str, width: int) -> tuple[int, int] | None:
    if deletes:
        return (1, max(1, len(wrap_lines(base, width))))
    return lines_for_ranges(base, list(_ranges(base, proposed)), width)


def _changed(amendment: Amendment) -> list[tuple[int, int]]:
    if amendment.kind == AmendmentKind.DELETE:
        return [(0, max(len(amendment.base_text), 0))]
    ranges = list(_ranges(amendment.base_text, amendment.proposed_text))
    if amendment.proposed_title != amendment.base_title:
        ranges.append((-1, -1))  # the title counts as one place before the text
    return ranges


def competing_map(amendments: Iterable[Amendment]) -> dict[int, list[int]]:
    """Map each open amendment to the other open ones of its principle whose changes overlap."""
    by_principle: dict[Any, list[Amendment]] = {}
    for a in amendments:
        if a.status != AmendmentStatus.OPEN:
            continue
        if a.kind == AmendmentKind.INSERT:
            key = ("after", a.after_principle_id)
        else:
            key = ("on", a.principle_id)
        by_principle.setdefault(key, []).append(a)
    result: dict[int, list[int]] = {}
    for key, group in by_principle.items():
        if key[0] == "after":
            # Two insertions at the same place compete for it.
            for a in group:
                result[a.id] = [b.id for b in group if b.id != a.id]
            continue
        ranges = {a.id: _changed(a) for a in group}
        for a in group:
            result[a.id] = [
                b.id
                for b in group
                if b.id != a.id and a.base_text == b.base_text and ranges_overlap(ranges[a.id], ranges[b.id])
            ]
    return result


def competing_with(amendment: Amendment) -> list[int]:
    """Return the ids of open amendments that compete with this one."""
    if amendment.status != AmendmentStatus.OPEN:
        return []
    if amendment.kind == AmendmentKind.INSERT:
        after = Amendment.after_principle_id
        place = after.is_(None) if amendment.after_principle_id is None else after == amendment.after_principle_id
        same_place = (Amendment.kind == AmendmentKind.INSERT) & place
    else:
        same_place = (Amendment.kind != AmendmentKind.INSERT) & (Amendment.principle_id == amendment.principle_id)
    query = select(Amendment).where(
        Amendment.document_id == amendment.document_id, Amendment.status == AmendmentStatus.OPEN, same_place
    )
    siblings = list(db.session.execute(query).scalars())
    return competing_map(siblings).get(amendment.id, [])


# --- State changes --------------------------------------------------------------------------


def _lock(amendment: Amendment) -> Amendment:
    """Serialise state changes of a document's amendments and read this one fresh under the lock."""
    # Without it a withdrawal racing a merge could overwrite "merged" with "withdrawn".
    lock_document(amendment.document_id)
    return db.session.execute(
        select(Amendment).where(Amendment.id == amendment.id).execution_options(populate_existing=True)
    ).scalar_one()


lock = _lock  # the recommendation service serialises with the same lock


def _require_round(document: Document) -> None:
    if accepting_amendments(document) is None:
        raise Conflict(_l("Amendments can be proposed and revised only while an amendments round is open."))


def _live_principle(document: Document, principle_id: Any, field: str) -> Principle:
    if isinstance(principle_id, bool) or not isinstance(principle_id, int):
        raise ValidationFailed(fields={field: str(_l("Choose a principle of this document."))})
    principle = db.session.get(Principle, principle_id)
    if principle is None or principle.document_id != document.id or principle.is_deleted:
        raise ValidationFailed(fields={field: str(_l("Choose a principle of this document."))})
    return principle


def _check_rationale(rationale: str | None) -> str:
    rationale = normalise(rationale or "")
    if not rationale:
        raise ValidationFailed(fields={"rationale": str(_l("Say why: give a rationale."))})
    if len(rationale) > MAX_TEXT:
        raise ValidationFailed(fields={"rationale": str(_l("A text has at most 20,000 characters."))})
    return rationale


def _proposal(
    document: Document,
    kind: AmendmentKind,
    principle_id: Any,
    after_principle_id: Any,
    title: str | None,
    text: str | None,
) -> dict[str, Any]:
    """Check a proposal against the working draft and return the amendment's fields."""
    if kind == AmendmentKind.INSERT:
        after = (
            None if after_principle_id is None else _live_principle(document, after_principle_id, "after_principle_id")
        )
        return {
            "principle_id": None,
            "after_principle_id": after.id if after else None,
            "base_title": "",
            "base_text": "",
            "proposed_title": check_title(title),
            "proposed_text": check_text(text),
        }
    principle = _live_principle(document, principle_id, "principle_id")
    fields = {
        "principle_id": principle.id,
        "after_principle_id": None,
        "base_title": principle.title,
        "base_text": principle.text,
    }
    if kind == AmendmentKind.DELETE:
        return {**fields, "proposed_title": "", "proposed_text": ""}
    new_title = principle.title if title is None or not normalise(title) else check_title(title)
    new_text = principle.text if text is None else check_text(text)
    if new_title == principle.title and new_text == principle.text:
        raise ValidationFailed(fields={"text": str(_l("The proposal is identical to the current text."))})
    return {**fields, "proposed_title": new_title, "proposed_text": new_text}


def propose(
    actor: User,
    document: Document,
    kind: str,
    rationale: str,
    principle_id: Any = None,
    after_principle_id: Any = None,
    title: str | None = None,
    text: str | None = None,
) -> Amendment:
    """Propose an amendment while the document's amendments round is open, at most PROPOSAL_RATE_LIMIT a user."""
    if (wait := ratelimits.seconds_until_allowed("PROPOSAL_RATE_LIMIT", str(actor.id))) is not None:
        raise RateLimited(retry_after=wait, message=_l("You are proposing very fast. Wait a moment and try again."))
    try:
        kind = AmendmentKind(kind)
    except ValueError:
        raise ValidationFailed(fields={"kind": str(_l("Choose modify, insert or delete."))}) from None
    fields = _proposal(document, kind, principle_id, after_principle_id, title, text)
    rationale = _check_rationale(rationale)
    _require_round(document)
    amendment = Amendment(
        document_id=document.id,
        kind=kind,
        status=AmendmentStatus.OPEN,
        base_version=document.current_version,
        rationale=rationale,
        proposer_id=actor.id,
        organisation_id=actor.organisation_id,
        **fields,
        original_proposed_title=fields["proposed_title"],
        original_proposed_text=fields["proposed_text"],
    )
    amendment.proposer = actor
    db.session.add(amendment)
    db.session.flush()
    _revision(amendment, "proposed", actor)
    audit.record(
        "amendment.proposed",
        "amendment",
        amendment.id,
        {
            "document": document.slug,
            "kind": kind.value,
            "principle_id": fields["principle_id"],
            "after_principle_id": fields["after_principle_id"],
            "organisation_id": actor.organisation_id,
        },
        actor,
    )
    ratelimits.count("PROPOSAL_RATE_LIMIT", str(actor.id))
    return amendment


def revise(
    actor: User,
    amendment: Amendment,
    rationale: str | None = None,
    title: str | None = None,
    text: str | None = None,
    after_principle_id: Any = ...,
    reason: str = "revised",
    during_round: bool = True,
) -> Amendment:
    """Revise an open or conflicted amendment onto the current text; clears a conflict.

    ``reason`` names the revision in the history; agreeing to the committee's text revises with
    ``during_round=False``, since the procedure runs after the amendments round.
    """
    amendment = _lock(amendment)
    new_status = _move(amendment, "revise")
    _refuse_while_voted_on(amendment)
    document = amendment.document
    if amendment.kind != AmendmentKind.INSERT and (amendment.principle is None or amendment.principle.is_deleted):
        raise Conflict(_l("The principle was deleted; withdraw this amendment or propose a new one."))
    if amendment.kind == AmendmentKind.INSERT:
        after = amendment.after_principle_id if after_principle_id is ... else after_principle_id
        fields = _proposal(
            document,
            amendment.kind,
            None,
            after,
            amendment.proposed_title if title is None else title,
            amendment.proposed_text if text is None else text,
        )
    else:
        fields = _proposal(
            document,
            amendment.kind,
            amendment.principle_id,
            None,
            amendment.proposed_title if title is None else title,
            amendment.proposed_text if text is None else text,
        )
    new_rationale = amendment.rationale if rationale is None else _check_rationale(rationale)
    if during_round:
        _require_round(document)
    for name, value in fields.items():
        setattr(amendment, name, value)
    amendment.rationale = new_rationale
    amendment.base_version = document.current_version
    previous = amendment.status
    amendment.status = new_status
    amendment.updated_at = utcnow()
    _revision(amendment, reason, actor)
    audit.record(
        "amendment.revised",
        "amendment",
        amendment.id,
        {
            "from_status": previous.value,
            "status": new_status.value,
            "base_version": amendment.base_version,
            "reason": reason,
        },
        actor,
    )
    return amendment


def withdraw(actor: User, amendment: Amendment) -> Amendment:
    """Withdraw an amendment on behalf of its organisation."""
    amendment = _lock(amendment)
    previous = amendment.status
    amendment.status = _move(amendment, "withdraw")
    _refuse_while_voted_on(amendment)
    amendment.updated_at = utcnow()
    audit.record("amendment.withdrawn", "amendment", amendment.id, {"from_status": previous.value}, actor)
    return amendment


def cosponsor(actor: User, amendment: Amendment) -> AmendmentCosponsor:
    """Add the actor's organisation as a co-sponsor; twice is a 409."""
    amendment = _lock(amendment)
    _move(amendment, "cosponsor")
    if actor.organisation_id == amendment.organisation_id:
        raise Conflict(_l("An organisation cannot co-sponsor its own amendment."))
    if any(c.organisation_id == actor.organisation_id for c in amendment.cosponsors):
        raise Conflict(_l("Your organisation co-sponsors this amendment already."))
    row = AmendmentCosponsor(organisation_id=actor.organisation_id, user_id=actor.id)
    try:
        with db.session.begin_nested():
            amendment.cosponsors.append(row)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("Your organisation co-sponsors this amendment already.")) from None
    audit.record("amendment.cosponsored", "amendment", amendment.id, {"organisation_id": actor.organisation_id}, actor)
    return row


def reject(actor: User | None, amendment: Amendment) -> Amendment:
    """Reject an amendment (secretariat, or a failed vote)."""
    amendment = _lock(amendment)
    previous = amendment.status
    amendment.status = _move(amendment, "reject")
    _refuse_while_voted_on(amendment)
    amendment.updated_at = utcnow()
    audit.record("amendment.rejected", "amendment", amendment.id, {"from_status": previous.value}, actor)
    notifications.notify_amendment_outcome(amendment, AmendmentNews.REJECTED)
    return amendment


# --- Merge: services/merging.py holds the one merge path, single and batch --------------------

merge_amendment = merging.merge_amendment
