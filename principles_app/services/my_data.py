"""Your data (SPEC §13): everything a person wrote, and their account settings, as one JSON document.

Anonymous contributions are included: the person is their author. Secrets never are: no password
hash, no token, no two-factor secret, recovery code or passkey, only whether two-factor sign-in is on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import (
    Amendment,
    AmendmentRevision,
    Comment,
    CommentFlag,
    KeyPoint,
    PrincipleTranslation,
    User,
)
from principles_app.services import two_factor

FORMAT = "principles-my-data/1"


def _at(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _value(enum_or_none) -> str | None:
    return getattr(enum_or_none, "value", enum_or_none)


def _rows(statement) -> list:
    return list(db.session.execute(statement).scalars())


def account_settings(user: User) -> dict[str, Any]:
    """The account as its owner sees it, without any secret."""
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "language": user.language,
        "time_zone": user.time_zone,
        "notifications": _value(user.notifications),
        "role": _value(user.role),
        "organisation": {"id": user.organisation_id, "name": user.organisation.name},
        "active": user.active,
        "two_factor": two_factor.is_on(user),
        "created_at": _at(user.created_at),
    }


def export_for(user: User) -> dict[str, Any]:
    """Return everything the user wrote: comments (anonymous ones too), amendments with their revisions,
    translations, flags and key points, with their account settings."""
    comments = _rows(select(Comment).where(Comment.author_id == user.id).order_by(Comment.id))
    amendments = _rows(select(Amendment).where(Amendment.proposer_id == user.id).order_by(Amendment.id))
    revisions = _rows(
        select(AmendmentRevision).where(AmendmentRevision.user_id == user.id).order_by(AmendmentRevision.id)
    )
    translations = _rows(
        select(PrincipleTranslation)
        .where(PrincipleTranslation.translated_by_id == user.id)
        .order_by(PrincipleTranslation.id)
    )
    flags = _rows(select(CommentFlag).where(CommentFlag.user_id == user.id).order_by(CommentFlag.id))
    points = _rows(select(KeyPoint).where(KeyPoint.author_id == user.id).order_by(KeyPoint.id))
    return {
        "format": FORMAT,
        "exported_at": _at(utcnow()),
        "account": account_settings(user),
        "comments": [
            {
                "id": c.id,
                "target_type": _value(c.target_type),
                "target_id": c.target_id,
                "parent_id": c.parent_id,
                "body": c.body,
                "stance": _value(c.stance),
                "anonymous": c.anonymous,
                "created_at": _at(c.created_at),
                "edited_at": _at(c.edited_at),
                "deleted_at": _at(c.deleted_at),
            }
            for c in comments
        ],
        "amendments": [
            {
                "id": a.id,
                "document_id": a.document_id,
                "kind": _value(a.kind),
                "status": _value(a.status),
                "principle_id": a.principle_id,
                "after_principle_id": a.after_principle_id,
                "title": a.proposed_title,
                "text": a.proposed_text,
                "rationale": a.rationale,
                "created_at": _at(a.created_at),
            }
            for a in amendments
        ],
        "amendment_revisions": [
            {
                "id": r.id,
                "amendment_id": r.amendment_id,
                "title": r.proposed_title,
                "text": r.proposed_text,
                "rationale": r.rationale,
                "created_at": _at(r.created_at),
            }
            for r in revisions
        ],
        "translations": [
            {
                "principle_id": t.principle_id,
                "language": t.language,
                "title": t.title,
                "text": t.text,
                "created_at": _at(t.created_at),
                "updated_at": _at(t.updated_at),
            }
            for t in translations
        ],
        "flags": [{"comment_id": f.comment_id, "reason": f.reason, "created_at": _at(f.created_at)} for f in flags],
        "key_points": [
            {
                "id": p.id,
                "document_id": p.document_id,
                "text": p.text,
                "anonymous": p.anonymous,
                "created_at": _at(p.created_at),
                "edited_at": _at(p.edited_at),
            }
            for p in points
        ],
    }
