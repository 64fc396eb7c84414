"""Documents, their working draft, immutable versions and redlines between versions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from principles_app.db import utcnow
from principles_app.domain.diffing import render_redline, word_diff
from principles_app.domain.publication import normalise, version_hash
from principles_app.extensions import db
from principles_app.models import Document, Principle, User, Version
from principles_app.services import audit
from principles_app.services.errors import Conflict, NotFound, ValidationFailed

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_TEXT = 20_000
MAX_TITLE = 200


def line_width() -> int:
    """Return the configured width at which principle texts wrap into numbered lines."""
    return int(current_app.config["LINE_WIDTH"])


def get_document(slug: str) -> Document:
    """Return the document with this slug or raise NotFound."""
    document = db.session.execute(select(Document).where(Document.slug == slug)).scalar_one_or_none()
    if document is None:
        raise NotFound(_l("No such document."))
    return document


def list_documents() -> list[Document]:
    """Return every document by title."""
    return list(db.session.execute(select(Document).order_by(Document.title)).scalars())


def live_principles(document: Document, refresh: bool = False) -> list[Principle]:
    """Return the principles of the working draft in order."""
    query = (
        select(Principle)
        .where(Principle.document_id == document.id, Principle.number.is_not(None))
        .order_by(Principle.number)
    )
    if refresh:
        query = query.execution_options(populate_existing=True)
    return list(db.session.execute(query).scalars())


def check_title(title: str | None, field: str = "title") -> str:
    """Normalise a principle title or refuse it with 422."""
    title = normalise(title or "")
    if not title:
        raise ValidationFailed(fields={field: str(_l("Give a title."))})
    if len(title) > MAX_TITLE or "\n" in title:
        raise ValidationFailed(fields={field: str(_l("A title is one line of at most 200 characters."))})
    return title


def check_text(text: str | None, field: str = "text") -> str:
    """Normalise a principle text or refuse it with 422."""
    text = normalise(text or "")
    if not text:
        raise ValidationFailed(fields={field: str(_l("Give the text."))})
    if len(text) > MAX_TEXT:
        raise ValidationFailed(fields={field: str(_l("A text has at most 20,000 characters."))})
    return text


def snapshot_of(document: Document, principles: list[Principle]) -> dict[str, Any]:
    """Return the document's text as a snapshot dict (principle ids kept for comparisons)."""
    return {
        "title": document.title,
        "preamble": document.preamble or "",
        "principles": [{"id": p.id, "number": p.number, "title": p.title, "text": p.text} for p in principles],
    }


def create_document(
    actor: User | None, slug: str, title: str, preamble: str | None, principles: list[dict[str, str]]
) -> Document:
    """Create a document with its principles as version 1."""
    slug = (slug or "").strip()
    if not SLUG_PATTERN.match(slug) or len(slug) > 100:
        raise ValidationFailed(
            fields={"slug": str(_l("Use lowercase letters, digits and single hyphens (at most 100)."))}
        )
    title = check_title(title)
    preamble = normalise(preamble or "")
    if len(preamble) > MAX_TEXT:
        raise ValidationFailed(fields={"preamble": str(_l("A text has at most 20,000 characters."))})
    if not principles:
        raise ValidationFailed(fields={"principles": str(_l("Give at least one principle."))})
    checked = [
        (check_title(p.get("title"), f"principles.{i}.title"), check_text(p.get("text"), f"principles.{i}.text"))
        for i, p in enumerate(principles)
    ]
    if db.session.execute(select(Document.id).where(Document.slug == slug)).first() is not None:
        raise Conflict(_l("A document with this slug exists already."), fields={"slug": str(_l("Already taken."))})
    document = Document(slug=slug, title=title, preamble=preamble, current_version=1)
    db.session.add(document)
    db.session.flush()
    rows = [Principle(document_id=document.id, number=n, title=t, text=x) for n, (t, x) in enumerate(checked, start=1)]
    db.session.add_all(rows)
    db.session.flush()
    audit.record("document.created", "document", document.id, {"slug": slug, "title": title}, actor)
    record_version(actor, document, 1, rows, [])
    return document


def record_version(
    actor: User | None, document: Document, number: int, principles: list[Principle], merged_amendment_ids: list[int]
) -> Version:
    """Freeze the working draft as an immutable version."""
    snapshot = snapshot_of(document, principles)
    version = Version(
        document_id=document.id,
        number=number,
        snapshot=snapshot,
        merged_amendment_ids=list(merged_amendment_ids),
        sha256=version_hash(snapshot),
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(version)
    document.current_version = number
    db.session.flush()
    audit.record(
        "version.created",
        "document",
        document.id,
        {"version": number, "sha256": version.sha256, "merged_amendment_ids": list(merged_amendment_ids)},
        actor,
    )
    return version


def lock_document(document_id: int) -> Document:
    """Take the document's write lock for this transaction and return it fresh."""
    # The first statement is a write: PostgreSQL takes the row lock, SQLite its database
    # write lock, so two merges never read the same state and both write on top of it.
    db.session.execute(
        update(Document)
        .where(Document.id == document_id)
        .values(lock_version=Document.lock_version + 1, updated_at=utcnow())
    )
    query = select(Document).where(Document.id == document_id).execution_options(populate_existing=True)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update()
    return db.session.execute(query).scalar_one()


def list_versions(document: Document) -> list[Version]:
    """Return every version of the document, newest first."""
    return list(
        db.session.execute(
            select(Version).where(Version.document_id == document.id).order_by(Version.number.desc())
        ).scalars()
    )


def get_version(document: Document, number: int) -> Version:
    """Return one version or raise NotFound."""
    version = db.session.execute(
        select(Version).where(Version.document_id == document.id, Version.number == number)
    ).scalar_one_or_none()
    if version is None:
        raise NotFound(_l("No such version."))
    return version


@dataclass(frozen=True)
class PrincipleChange:
    """How one principle differs between two versions."""

    principle_id: int | None
    number_a: int | None
    number_b: int | None
    change: str  # unchanged, modified, inserted, deleted
    title_redline: str
    text_redline: str


@dataclass(frozen=True)
class Comparison:
    """A redline of a whole document between two versions."""

    title_redline: str
    preamble_redline: str
    principles: list[PrincipleChange]

    @property
    def changed(self) -> list[PrincipleChange]:
        """Return only the principles that changed."""
        return [p for p in self.principles if p.change != "unchanged"]


def _redline(old: str, new: str, deleted_label: str, inserted_label: str) -> str:
    return render_redline(word_diff(old, new), deleted_label, inserted_label)


def compare_snapshots(
    a: dict[str, Any], b: dict[str, Any], deleted_label: str = "deleted:", inserted_label: str = "inserted:"
) -> Comparison:
    """Compare two snapshots principle by principle (matched by stable id, in b's order)."""

    def key(p: dict[str, Any], index: int):
        return p.get("id", f"n{index}")

    old = {key(p, i): p for i, p in enumerate(a["principles"])}
    new_keys = {key(p, i) for i, p in enumerate(b["principles"])}
    labels = (deleted_label, inserted_label)
    rows: list[PrincipleChange] = []
    for i, p in enumerate(b["principles"]):
        before = old.get(key(p, i))
        if before is None:
            rows.append(
                PrincipleChange(
                    p.get("id"),
                    None,
                    p["number"],
                    "inserted",
                    _redline("", p["title"], *labels),
                    _redline("", p["text"], *labels),
                )
            )
            continue
        same = before["title"] == p["title"] and before["text"] == p["text"]
        rows.append(
            PrincipleChange(
                p.get("id"),
                before["number"],
                p["number"],
                "unchanged" if same else "modified",
                _redline(before["title"], p["title"], *labels),
                _redline(before["text"], p["text"], *labels),
            )
        )
    for i, p in enumerate(a["principles"]):
        if key(p, i) not in new_keys:
            # Show a deleted principle where it stood, before whatever now holds its number.
            at = next(
                (n for n, row in enumerate(rows) if row.number_a is not None and row.number_a > p["number"]), len(rows)
            )
            rows.insert(
                at,
                PrincipleChange(
                    p.get("id"),
                    p["number"],
                    None,
                    "deleted",
                    _redline(p["title"], "", *labels),
                    _redline(p["text"], "", *labels),
                ),
            )
    return Comparison(
        _redline(a["title"], b["title"], *labels),
        _redline(a.get("preamble") or "", b.get("preamble") or "", *labels),
        rows,
    )
