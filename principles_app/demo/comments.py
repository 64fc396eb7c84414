"""The demo thread: support, a question and its answer, and an anonymous voice on one amendment."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from principles_app.extensions import db
from principles_app.models import Amendment, Comment, Document, TargetType, User
from principles_app.services import comments as comment_service

DEMO_THREAD = (
    # (author email, parent index or None, stance, anonymous, body)
    (
        "amina@sahel.example.org",
        None,
        "support",
        False,
        "Naming the four working languages makes the promise **checkable**. We support this.",
    ),
    (
        "ellen@horizon.example.org",
        None,
        "question",
        False,
        "Who pays for interpretation when a meeting is called at short notice?",
    ),
    (
        "lucia@andean.example.org",
        1,
        None,
        False,
        "The secretariat's meeting budget would, as it does today; the amendment only makes the rule explicit.",
    ),
    (
        "karim@maghreb.example.org",
        None,
        "support",
        True,
        "Our staff follow these meetings in Arabic. Being excluded from a decision for not working in English "
        "happens more often than people think.",
    ),
)


def load_thread(network: dict[str, Any]) -> None:
    """Start a short thread on one demo amendment, once; skip when there is no demo document."""
    slug = (network.get("document") or {}).get("slug")
    document = db.session.execute(select(Document).where(Document.slug == slug)).scalar_one_or_none()
    if document is None:
        return
    amendments = (
        db.session.execute(select(Amendment).where(Amendment.document_id == document.id).order_by(Amendment.id))
        .scalars()
        .all()
    )
    if not amendments:
        return
    # The second demo amendment (languages) when there is one: the first is voted in by the demo.
    amendment = amendments[1] if len(amendments) > 1 else amendments[0]
    exists = db.session.execute(
        select(Comment.id)
        .where(Comment.target_type == TargetType.AMENDMENT, Comment.target_id == amendment.id)
        .limit(1)
    ).first()
    if exists is not None:
        return
    posted: list[Comment] = []
    for email, parent_index, stance, anonymous, body in DEMO_THREAD:
        author = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        if author is None:
            continue
        parent_id = posted[parent_index].id if parent_index is not None and parent_index < len(posted) else None
        posted.append(
            comment_service.post_comment(
                author,
                target_type="amendment",
                target_id=amendment.id,
                body=body,
                parent_id=parent_id,
                stance=stance,
                anonymous=anonymous,
            )
        )
