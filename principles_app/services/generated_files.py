"""Generated files (meeting packs, translated exports) rendered once and shared by every worker.

A file is stored in the database under what it is of (``kind``, ``subject``), its format and
language, and a fingerprint of everything it shows. A request first computes the fingerprint
(cheap) and renders only when no stored file has it (costly: a PDF of a long pack takes seconds).
A change to what the file shows gives a new fingerprint, so nothing is ever served stale, and
nothing needs to be invalidated by hand; older renderings of the same file are pruned.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from principles_app.extensions import db
from principles_app.models import GeneratedFile

# Renderings kept per file beyond the newest: a few, so viewers who see different versions of one
# file (a pack before and after a vote) do not evict each other's.
KEEP = 4


def fingerprint_of(content: Any) -> str:
    """Return the SHA-256 of a JSON-able description of what a file shows."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def generated_file(
    kind: str, subject: str, fmt: str, language: str, fingerprint: str, render: Callable[[], bytes | str]
) -> GeneratedFile:
    """Return the stored file with this fingerprint, rendering and storing it the first time."""
    query = select(GeneratedFile).where(
        GeneratedFile.kind == kind,
        GeneratedFile.subject == subject,
        GeneratedFile.format == fmt,
        GeneratedFile.language == language,
        GeneratedFile.fingerprint == fingerprint,
    )
    found = db.session.execute(query).scalar_one_or_none()
    if found is not None:
        return found
    body = render()
    if isinstance(body, str):
        body = body.encode("utf-8")
    row = GeneratedFile(
        kind=kind,
        subject=subject,
        format=fmt,
        language=language,
        fingerprint=fingerprint,
        body=body,
        etag=hashlib.sha256(body).hexdigest(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        # Another worker rendered the same file at the same moment: serve theirs (one ETag for all).
        return db.session.execute(query).scalar_one()
    _prune(kind, subject, fmt, language)
    return row


def _prune(kind: str, subject: str, fmt: str, language: str) -> None:
    older = (
        select(GeneratedFile.id)
        .where(
            GeneratedFile.kind == kind,
            GeneratedFile.subject == subject,
            GeneratedFile.format == fmt,
            GeneratedFile.language == language,
        )
        .order_by(GeneratedFile.id.desc())
        .offset(KEEP)
    )
    stale = list(db.session.execute(older).scalars())
    if stale:
        db.session.execute(
            delete(GeneratedFile).where(GeneratedFile.id.in_(stale)).execution_options(synchronize_session=False)
        )
