"""Publish adopted versions, read publications back and render their exports once."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from principles_app.db import utcnow
from principles_app.domain.amendments import AmendmentStatus
from principles_app.domain.publication import (
    DEFAULT_LABELS,
    AdoptionResult,
    ExportPrinciple,
    PublicationExport,
    normalise,
    text_direction,
    version_hash,
)
from principles_app.domain.rounds import RoundKind, RoundState
from principles_app.exports import RENDERERS, render
from principles_app.extensions import db
from principles_app.labels import MAJORITY_NAMES, name_of
from principles_app.models import (
    Amendment,
    AmendmentCosponsor,
    Document,
    ExportCache,
    Organisation,
    Publication,
    Round,
    User,
    Version,
)
from principles_app.services import audit, results
from principles_app.services import endorsements as endorsement_service
from principles_app.services.errors import Conflict, NotFound, ValidationFailed

LABEL_PATTERN = re.compile(r"^[0-9A-Za-z](?:[0-9A-Za-z._-]{0,38}[0-9A-Za-z])?$")
MAX_MEETING = 200
ADOPTION_FIELDS = tuple(AdoptionResult.__dataclass_fields__)


# --- The adoption record ----------------------------------------------------------------------


def passed_adoption(document_id: int, version_number: int) -> dict[str, Any] | None:
    """Return the summary of the passed adoption motion on this exact version, or None."""
    motion = results.passed_adoption_motion(document_id, version_number)
    return None if motion is None else results.adoption_summary(motion)


def _weight(value: Any) -> str:
    try:
        return str(Decimal(str(value if value is not None else "0")))
    except InvalidOperation:
        return "0"


def adoption_record(summary: dict[str, Any]) -> dict[str, Any]:
    """Flatten services.results.adoption_summary into the fields of AdoptionResult (weights as strings)."""
    weights, counts = summary.get("weights") or {}, summary.get("counts") or {}

    def figure(choice: str, part: str) -> Any:
        return (weights if part == "weight" else counts).get(choice)

    closed_at = summary.get("closed_at")
    return {
        "majority": str(summary.get("majority") or ""),
        "quorum": _weight(summary.get("quorum")),
        "quorum_reached": bool(summary.get("quorum_reached")),
        "passed": bool(summary.get("passed")),
        "yes_weight": _weight(figure("yes", "weight")),
        "no_weight": _weight(figure("no", "weight")),
        "abstain_weight": _weight(figure("abstain", "weight")),
        "eligible_weight": _weight(figure("eligible", "weight")),
        "yes_count": int(figure("yes", "count") or 0),
        "no_count": int(figure("no", "count") or 0),
        "abstain_count": int(figure("abstain", "count") or 0),
        "eligible_count": int(figure("eligible", "count") or 0),
        "participation_weight": _weight(figure("participation", "weight")),
        "participation_count": int(figure("participation", "count") or 0),
        "closed_at": closed_at.isoformat() if hasattr(closed_at, "isoformat") else str(closed_at or ""),
    }


def _quorum_text(quorum: str) -> str:
    try:
        percent = (Decimal(quorum) * 100).normalize()
    except InvalidOperation:
        return quorum
    return _("%(percent)s%% of the eligible weight casting a ballot", percent=f"{percent:f}")


# --- Credits ----------------------------------------------------------------------------------


def credited_organisations(document: Document, version_number: int) -> list[str]:
    """Name the organisations whose amendments were merged up to this version, minus opt-outs."""
    merged = select(Amendment.id, Amendment.organisation_id).where(
        Amendment.document_id == document.id,
        Amendment.status == AmendmentStatus.MERGED,
        Amendment.merged_in_version <= version_number,
    )
    rows = db.session.execute(merged).all()
    organisation_ids = {row.organisation_id for row in rows}
    amendment_ids = [row.id for row in rows]
    if amendment_ids:
        organisation_ids |= set(
            db.session.execute(
                select(AmendmentCosponsor.organisation_id).where(AmendmentCosponsor.amendment_id.in_(amendment_ids))
            ).scalars()
        )
    if not organisation_ids:
        return []
    names = db.session.execute(
        select(Organisation.name).where(Organisation.id.in_(organisation_ids), Organisation.credit_opt_out.is_(False))
    ).scalars()
    return sorted(names, key=str.casefold)


# --- Publishing -------------------------------------------------------------------------------


def _check_label(label: str | None) -> str:
    label = (label or "").strip()
    if not LABEL_PATTERN.match(label):
        raise ValidationFailed(
            fields={
                "label": str(
                    _l(
                        "Use 1 to 40 letters, digits, dots, hyphens or underscores, starting and ending with a letter or digit."
                    )
                )
            }
        )
    return label


def _check_meeting(meeting: str | None) -> str:
    meeting = normalise(meeting or "")
    if not meeting or "\n" in meeting or len(meeting) > MAX_MEETING:
        raise ValidationFailed(fields={"meeting": str(_l("Name the meeting in one line of at most 200 characters."))})
    return meeting


def in_open_vote(document: Document, version_number: int) -> bool:
    """Tell whether the text of this version is still before a voting or adoption round."""
    if version_number != document.current_version:
        return False
    open_round = db.session.execute(
        select(Round.id).where(
            Round.document_id == document.id,
            Round.state == RoundState.OPEN,
            Round.kind.in_((RoundKind.VOTING, RoundKind.ADOPTION)),
        )
    ).first()
    return open_round is not None


def frozen_record(document: Document, version: Version, summary: dict[str, Any]) -> dict[str, Any]:
    """Freeze what every export of this publication will show, forever."""
    snapshot = version.snapshot
    principles = [
        {"id": p.get("id"), "number": int(p["number"]), "title": normalise(p["title"]), "text": normalise(p["text"])}
        for p in snapshot["principles"]
    ]
    return {
        "slug": document.slug,
        "title": normalise(snapshot["title"]),
        "preamble": normalise(snapshot.get("preamble")),
        "principles": principles,
        "version": version.number,
        "sha256": version_hash(snapshot),
        "adoption": adoption_record(summary),
        "credits": credited_organisations(document, version.number),
    }


def publish(
    actor: User | None, document: Document, version_number: int, label: str, approved_at: date, meeting: str
) -> Publication:
    """Publish an adopted version under a label; refuse unless its adoption motion passed."""
    label = _check_label(label)
    meeting = _check_meeting(meeting)
    if not isinstance(approved_at, date):
        raise ValidationFailed(fields={"approved_at": str(_l("Give the approval date as YYYY-MM-DD."))})
    version = db.session.execute(
        select(Version).where(Version.document_id == document.id, Version.number == version_number)
    ).scalar_one_or_none()
    if version is None:
        raise NotFound(_l("No such version."))
    if in_open_vote(document, version_number):
        raise Conflict(_l("This version is still before an open round; publish it after the round closes."))
    summary = passed_adoption(document.id, version_number)
    if summary is None:
        raise Conflict(_l("Only a version whose adoption motion passed can be published."))
    if find_publication(document, label) is not None:
        raise Conflict(_l("This label is already published."), fields={"label": str(_l("Already used."))})
    record = frozen_record(document, version, summary)
    publication = Publication(
        document_id=document.id,
        version_number=version_number,
        label=label,
        approved_at=approved_at,
        meeting=meeting,
        published_at=utcnow(),
        published_by_id=actor.id if actor is not None else None,
        sha256=record["sha256"],
        record=record,
    )
    try:
        with db.session.begin_nested():
            db.session.add(publication)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("This label is already published."), fields={"label": str(_l("Already used."))}) from None
    audit.record(
        "publication.created",
        "publication",
        publication.id,
        {
            "document": document.slug,
            "version": version_number,
            "label": label,
            "approved_at": approved_at.isoformat(),
            "meeting": meeting,
            "sha256": record["sha256"],
            "credits": record["credits"],
        },
        actor,
    )
    # Organisations that endorsed an earlier publication are invited to endorse this one (SPEC §17).
    endorsement_service.invite_to_renew(publication)
    return publication


# --- Reading ----------------------------------------------------------------------------------


def find_publication(document: Document, label: str) -> Publication | None:
    """Return the publication with this label, or None."""
    return db.session.execute(
        select(Publication).where(Publication.document_id == document.id, Publication.label == label)
    ).scalar_one_or_none()


def get_publication(document: Document, label: str) -> Publication:
    """Return the publication with this label or raise NotFound."""
    publication = find_publication(document, label)
    if publication is None:
        raise NotFound(_l("No such publication."))
    return publication


def published_document(slug: str) -> Document:
    """Return a document that has at least one publication, or raise NotFound (drafts stay private)."""
    document = db.session.execute(select(Document).where(Document.slug == slug)).scalar_one_or_none()
    if document is None or latest_publication(document) is None:
        raise NotFound(_l("No such published document."))
    return document


def publications_of(document: Document) -> list[Publication]:
    """Return every publication of a document, newest first."""
    return list(
        db.session.execute(
            select(Publication)
            .where(Publication.document_id == document.id)
            .order_by(Publication.published_at.desc(), Publication.id.desc())
        ).scalars()
    )


def latest_publication(document: Document) -> Publication | None:
    """Return the publication that supersedes all others, or None."""
    return db.session.execute(
        select(Publication)
        .where(Publication.document_id == document.id)
        .order_by(Publication.published_at.desc(), Publication.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def all_publications(limit: int | None = None) -> list[Publication]:
    """Return every publication of every document, newest first."""
    query = select(Publication).order_by(Publication.published_at.desc(), Publication.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.execute(query).scalars())


def latest_by_document() -> list[Publication]:
    """Return the latest publication of each published document, by title."""
    latest: dict[int, Publication] = {}
    for publication in all_publications():
        latest.setdefault(publication.document_id, publication)
    return sorted(latest.values(), key=lambda p: p.record["title"].casefold())


_KEY_COLUMNS = (
    Publication.id,
    Publication.document_id,
    Publication.label,
    Publication.sha256,
    Publication.published_at,
)
_NEWEST_FIRST = (Publication.published_at.desc(), Publication.id.desc())
# Built once: public pages run these on every request, and building a statement costs more than running it.
_ALL_KEYS = select(*_KEY_COLUMNS).order_by(*_NEWEST_FIRST).limit(bindparam("limit"))
_KEYS_OF_SLUG = (
    select(*_KEY_COLUMNS)
    .join(Document, Document.id == Publication.document_id)
    .where(Document.slug == bindparam("slug"))
    .order_by(*_NEWEST_FIRST)
)
_KEY_OF_LABEL = _KEYS_OF_SLUG.where(Publication.label == bindparam("label"))


def publication_keys(slug: str | None = None, label: str | None = None, limit: int | None = None) -> list[Any]:
    """Return (id, document_id, label, sha256, published_at) rows, newest first, with one light query.

    Public pages key their cache on these rows, so a page already rendered costs one query.
    """
    if slug is None:
        return list(db.session.execute(_ALL_KEYS, {"limit": limit if limit is not None else 1_000_000}).all())
    if label is None:
        return list(db.session.execute(_KEYS_OF_SLUG, {"slug": slug}).all())
    return list(db.session.execute(_KEY_OF_LABEL, {"slug": slug, "label": label}).all())


def publication_fingerprint(publications: list[Any]) -> str:
    """Return a short key that changes whenever any of these publications would read differently."""
    parts = [f"{p.id}:{p.label}:{p.sha256}:{p.published_at.isoformat()}" for p in publications]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


# --- Exports ----------------------------------------------------------------------------------


def export_labels() -> dict[str, str]:
    """Return the fixed texts of the exports in the current interface language."""
    return {key: _(value) for key, value in DEFAULT_LABELS.items()}


def export_of(publication: Publication, language: str = "en") -> PublicationExport:
    """Build the plain export model of a publication from its frozen record."""
    record = publication.record
    adoption = record.get("adoption")
    result = None
    if adoption:
        fields = {k: adoption[k] for k in ADOPTION_FIELDS if k in adoption}
        majority = fields.get("majority", "")
        fields["majority"] = str(name_of(MAJORITY_NAMES, majority))
        fields["quorum"] = _quorum_text(fields.get("quorum", ""))
        result = AdoptionResult(**fields)
    return PublicationExport(
        slug=record["slug"],
        title=record["title"],
        preamble=record["preamble"],
        principles=[ExportPrinciple(p["number"], p["title"], p["text"]) for p in record["principles"]],
        label=publication.label,
        approved_at=publication.approved_at.isoformat(),
        meeting=publication.meeting,
        version=record["version"],
        sha256=record["sha256"],
        adoption=result,
        credits=record["credits"],
        language=language,
        direction=text_direction(record["title"]),
        source_language=language,
        labels=export_labels(),
    )


def rendered_export(publication: Publication, fmt: str, language: str) -> ExportCache:
    """Return the rendered export, rendering and storing it the first time (one render for all workers)."""
    if fmt not in RENDERERS:
        raise NotFound(_l("No such export format."))
    query = select(ExportCache).where(
        ExportCache.publication_id == publication.id, ExportCache.format == fmt, ExportCache.language == language
    )
    cached = db.session.execute(query).scalar_one_or_none()
    if cached is not None:
        return cached
    body = render(fmt, export_of(publication, language))
    row = ExportCache(
        publication_id=publication.id, format=fmt, language=language, body=body, etag=hashlib.sha256(body).hexdigest()
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        # Another worker rendered it at the same moment: serve theirs, so every reader gets one ETag.
        return db.session.execute(query).scalar_one()
    return row
