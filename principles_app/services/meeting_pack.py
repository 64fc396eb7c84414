"""Build the meeting pack of a draft version: numbered text, every amendment, its redline and result."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from principles_app.domain.amendments import AmendmentKind, AmendmentStatus
from principles_app.domain.diffing import numbered_lines, render_redline, word_diff
from principles_app.extensions import db
from principles_app.labels import ANSWER_NAMES, PROCEDURE_NAMES, name_of
from principles_app.models import Amendment, Document, Motion, User, Version
from principles_app.services import amendments as amendments_service
from principles_app.services import disclosure
from principles_app.services import drafts as drafts_service
from principles_app.services.generated_files import fingerprint_of


@dataclass(frozen=True)
class PackPrinciple:
    """One principle of the version with its numbered lines."""

    number: int
    title: str
    lines: list[tuple[int, str]]


@dataclass(frozen=True)
class PackAmendment:
    """One amendment as delegates read it on paper."""

    id: int
    kind: str
    status: str
    heading: str
    title_redline: str | None
    text_redline: str
    rationale: str
    proposer: dict[str, str]
    cosponsors: list[str]
    result: dict[str, Any] | None
    # The secretariat's recommendation: procedure and answer named in the reader's language.
    recommendation: dict[str, Any] | None = None


@dataclass(frozen=True)
class MeetingPack:
    """What delegates hold in their hands for one version."""

    document: Document
    version: Version
    principles: list[PackPrinciple]
    amendments: list[PackAmendment]


def _heading(amendment: Amendment) -> str:
    number = amendment.principle_number
    if amendment.kind == AmendmentKind.INSERT:
        return _("New principle after principle %(n)s", n=number) if number else _("New principle at the start")
    lines = amendments_service.amendment_lines(amendment)
    if number is None:
        return _("A principle since deleted")
    if lines is None:
        return _("Principle %(n)s, title", n=number)
    first, last = lines
    if first == last:
        return _("Principle %(n)s, line %(first)s", n=number, first=first)
    return _("Principle %(n)s, lines %(first)s–%(last)s", n=number, first=first, last=last)


def _recommendation(amendment: Amendment) -> dict[str, Any] | None:
    found = amendment.recommendation
    if found is None:
        return None
    return {
        "procedure": str(name_of(PROCEDURE_NAMES, found.procedure)),
        "reason": found.reason,
        "text": found.text,
        "covered_by_id": found.covered_by_id,
        "answer": str(name_of(ANSWER_NAMES, found.answer)) if found.answer else None,
        "answer_comment": found.answer_comment,
    }


def _vote_results(document: Document) -> dict[int, dict[str, Any] | None]:
    """Return the tally of the last decided motion on each voted amendment of a document, in one query.

    A secret round's small groups are merged as on the result page.
    """
    motions = (
        db.session.execute(
            select(Motion)
            .options(joinedload(Motion.round))
            .join(Amendment, Amendment.id == Motion.amendment_id)
            .where(Amendment.document_id == document.id, Motion.outcome.is_not(None))
            .order_by(Motion.decided_at, Motion.id)
        )
        .scalars()
        .all()
    )
    results: dict[int, dict[str, Any] | None] = {}
    for motion in motions:  # the last decided motion wins
        results[motion.amendment_id] = (
            {"outcome": motion.outcome, **disclosure.disclosed_result(motion)} if motion.result else None
        )
    return results


@lru_cache(maxsize=8192)
def _redline(base: str, proposed: str, deleted: str, inserted: str) -> str:
    # A pack of 150 amendments is built on every request (its content is its cache key): each
    # redline is computed once per process, not per request.
    return render_redline(word_diff(base, proposed), deleted, inserted)


def _in_pack(amendment: Amendment, number: int) -> bool:
    """Tell whether an amendment was before the meeting at this version."""
    if amendment.status == AmendmentStatus.WITHDRAWN or amendment.base_version > number:
        return False
    return amendment.merged_in_version is None or amendment.merged_in_version > number


def build_meeting_pack(document: Document, number: int, viewer: User | None) -> MeetingPack:
    """Assemble the numbered text of version ``number`` and the amendments before it."""
    version = drafts_service.get_version(document, number)
    width = drafts_service.line_width()
    principles = [
        PackPrinciple(int(p["number"]), p["title"], numbered_lines(p["text"], width))
        for p in version.snapshot["principles"]
    ]
    deleted, inserted = _("deleted:"), _("inserted:")
    results = _vote_results(document)
    rows: list[PackAmendment] = []
    for amendment in amendments_service.list_amendments(document):
        if not _in_pack(amendment, number):
            continue
        title_redline = None
        if amendment.proposed_title != amendment.base_title:
            title_redline = _redline(amendment.base_title, amendment.proposed_title, deleted, inserted)
        rows.append(
            PackAmendment(
                id=amendment.id,
                kind=str(amendment.kind),
                status=str(amendment.status),
                heading=_heading(amendment),
                title_redline=title_redline,
                text_redline=_redline(amendment.base_text, amendment.proposed_text, deleted, inserted),
                rationale=amendment.rationale,
                proposer=amendments_service.proposer_label(amendment, viewer),
                cosponsors=[c.organisation.name for c in amendment.cosponsors],
                result=results.get(amendment.id),
                recommendation=_recommendation(amendment),
            )
        )
    return MeetingPack(document, version, principles, rows)


def pack_fingerprint(pack: MeetingPack, layout: str) -> str:
    """Return a key that changes whenever the pack would print differently.

    Built from what the pack shows (the version, every amendment with its status, sponsors and
    result, as this viewer sees them) rather than from the rows' timestamps, so a vote closed, an
    organisation renamed or a sponsor added after the version was made all show up; ``layout``
    names the template and stylesheet that print it.
    """
    version = pack.version
    return fingerprint_of(
        {
            "document": pack.document.title,
            "version": version.number,
            "sha256": version.sha256,
            "preamble": version.snapshot.get("preamble"),
            "principles": [asdict(p) for p in pack.principles],
            "amendments": [asdict(a) for a in pack.amendments],
            "layout": layout,
        }
    )
