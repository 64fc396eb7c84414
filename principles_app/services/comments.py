"""Threaded comments: post, edit, delete, flag, moderate, and load a thread for a reader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from principles_app import permissions
from principles_app.db import utcnow
from principles_app.domain.markup import MAX_BODY_LENGTH, render_comment
from principles_app.extensions import db, limiter
from principles_app.models import (
    Comment,
    CommentFlag,
    CommentRevision,
    HiddenCategory,
    Organisation,
    Stance,
    TargetType,
    User,
)
from principles_app.services import audit, notifications
from principles_app.services.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationFailed
from principles_app.services.threads import (  # noqa: F401  (re-exported: one module for callers)
    DISPLAY_DEPTH,
    SORTS,
    TARGET_LOOKUPS,
    ActivityItem,
    ActivityView,
    AuthorView,
    CommentNode,
    Target,
    ThreadView,
    activity_for,
    anonymous_display,
    get_comment,
    get_target,
    load_thread,
    valid_id,
)

MAX_REASON_LENGTH = 1000


# ---------------------------------------------------------------------------------------------
# Writing


def _clean_body(body: Any) -> str:
    if not isinstance(body, str) or not body.strip():
        raise ValidationFailed(fields={"body": _l("Write something first.")})
    if "\x00" in body:
        raise ValidationFailed(fields={"body": _l("The text contains a character that cannot be stored.")})
    if len(body) > MAX_BODY_LENGTH:
        raise ValidationFailed(fields={"body": _l("Keep it under %(n)d characters.", n=MAX_BODY_LENGTH + 1)})
    return body.strip()


def _clean_stance(stance: Any) -> Stance | None:
    if stance in (None, ""):
        return None
    try:
        return Stance(stance)
    except ValueError:
        raise ValidationFailed(fields={"stance": _l("Choose support, oppose or question.")}) from None


def _clean_reason(reason: Any, name: str = "reason") -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationFailed(fields={name: _l("Give a reason.")})
    if "\x00" in reason:
        raise ValidationFailed(fields={name: _l("The text contains a character that cannot be stored.")})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(fields={name: _l("Keep it under %(n)d characters.", n=MAX_REASON_LENGTH + 1)})
    return reason.strip()


def _rate_limit_key(user: User):
    limit = parse(current_app.config["COMMENT_RATE_LIMIT"])
    return limit, ("comment-post", str(user.id))


def _refuse_when_posting_too_fast(user: User) -> None:
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    limit, identifiers = _rate_limit_key(user)
    if not limiter.limiter.test(limit, *identifiers):
        reset_at = limiter.limiter.get_window_stats(limit, *identifiers).reset_time
        raise RateLimited(
            retry_after=int(reset_at - utcnow().timestamp()) + 1,
            message=_l("You are posting very fast. Wait a moment and try again."),
        )


def _count_post(user: User) -> None:
    if current_app.config["RATELIMIT_ENABLED"]:
        limit, identifiers = _rate_limit_key(user)
        limiter.limiter.hit(limit, *identifiers)


def post_comment(
    user: User,
    *,
    target_type: str,
    target_id: int,
    body: str,
    parent_id: int | None = None,
    stance: str | None = None,
    anonymous: bool = False,
) -> Comment:
    """Post a comment or a reply on a principle or an amendment."""
    if not permissions.can_read_threads(user):
        raise NotFound()
    if not permissions.can_comment(user):
        raise Forbidden(_l("You may not comment."))
    if str(target_type) not in TARGET_LOOKUPS:
        raise ValidationFailed(fields={"target_type": _l("Comment on a principle or an amendment.")})
    _refuse_when_posting_too_fast(user)
    text = _clean_body(body)
    chosen_stance = _clean_stance(stance)
    target = get_target(target_type, target_id)
    parent = None
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id) if valid_id(parent_id) else None
        if parent is None or parent.target_type != TargetType(target.type) or parent.target_id != target.id:
            raise ValidationFailed(fields={"parent_id": _l("Reply to a comment of this thread.")})
    comment = Comment(
        target_type=TargetType(target.type),
        target_id=target.id,
        parent_id=parent_id,
        author_id=user.id,
        organisation_id=user.organisation_id,
        body=text,
        body_html=render_comment(text),
        stance=chosen_stance,
        anonymous=bool(anonymous),
        created_at=utcnow(),
    )
    db.session.add(comment)
    db.session.flush()
    _count_post(user)
    notifications.notify_reply(comment)
    return comment


def edit_comment(user: User, comment: Comment, body: str, stance: Any = ...) -> Comment:
    """Change a comment's body (and stance), keeping the earlier body in its history."""
    if not permissions.can_edit_comment(user, comment):
        raise Forbidden(_l("Only the author may edit a comment."))
    if comment.is_deleted:
        raise Conflict(_l("This comment was deleted."))
    if comment.is_hidden:
        raise Conflict(_l("This comment is hidden by moderation and cannot be edited."))
    text = _clean_body(body)
    new_stance = comment.stance if stance is ... else _clean_stance(stance)
    if text == comment.body and new_stance == comment.stance:
        return comment
    now = utcnow()
    if text != comment.body:
        db.session.add(
            CommentRevision(
                comment_id=comment.id,
                body=comment.body,
                written_at=comment.edited_at or comment.created_at,
                replaced_at=now,
            )
        )
        comment.body, comment.body_html = text, render_comment(text)
    comment.stance = new_stance
    comment.edited_at = now
    db.session.flush()
    return comment


def delete_comment(user: User, comment: Comment) -> Comment:
    """Leave a tombstone in place of the comment; its replies stay."""
    if not permissions.can_delete_comment(user, comment):
        raise Forbidden(_l("Only the author or the secretariat may delete a comment."))
    if comment.is_deleted:
        return comment
    comment.deleted_at = utcnow()
    if user.id != comment.author_id:
        audit.record("comment.delete", "comment", comment.id, {"author_id": comment.author_id}, actor=user)
    db.session.flush()
    return comment


def _flag_threshold() -> int:
    return int(current_app.config["COMMENT_FLAG_THRESHOLD"])


def flag_comment(user: User, comment: Comment, reason: str) -> CommentFlag:
    """Flag a comment for the secretariat, once per organisation; enough flags hide it for review."""
    if not permissions.can_flag(user, comment):
        raise Forbidden(_l("Only member organisations may flag comments."))
    if comment.author_id == user.id:
        raise Conflict(_l("You cannot flag your own comment."))
    if comment.is_deleted:
        raise Conflict(_l("This comment was deleted."))
    text = _clean_reason(reason)
    exists = db.session.execute(
        select(CommentFlag.id).where(
            CommentFlag.comment_id == comment.id, CommentFlag.organisation_id == user.organisation_id
        )
    ).first()
    if exists is not None:
        raise Conflict(_l("Your organisation has flagged this comment already."))
    flag = CommentFlag(
        comment_id=comment.id, organisation_id=user.organisation_id, user_id=user.id, reason=text, created_at=utcnow()
    )
    try:
        with db.session.begin_nested():
            db.session.add(flag)
    except IntegrityError:
        # Two delegates of one organisation flagging at the same instant: the database keeps one.
        raise Conflict(_l("Your organisation has flagged this comment already.")) from None
    audit.record(
        "comment.flag", "comment", comment.id, {"organisation_id": user.organisation_id, "reason": text}, actor=user
    )
    open_organisations = db.session.execute(
        select(func.count(func.distinct(CommentFlag.organisation_id))).where(
            CommentFlag.comment_id == comment.id, CommentFlag.resolved_at.is_(None)
        )
    ).scalar_one()
    if open_organisations >= _flag_threshold() and not comment.is_hidden:
        comment.hidden_at = utcnow()
        comment.hidden_category = HiddenCategory.PENDING_REVIEW
        # Stored for the secretariat, in the audit log's language; readers only see the category.
        comment.hidden_reason = f"Hidden automatically after flags from {open_organisations} organisations."
        comment.hidden_by_id = None
        comment.pending_review = True
        audit.record("comment.hide_pending_review", "comment", comment.id, {"flags": open_organisations}, actor=None)
    db.session.flush()
    return flag


def _resolve_flags(comment: Comment, at: datetime) -> None:
    for flag in db.session.execute(
        select(CommentFlag).where(CommentFlag.comment_id == comment.id, CommentFlag.resolved_at.is_(None))
    ).scalars():
        flag.resolved_at = at


def hide_comment(user: User, comment: Comment, reason: str, category: str | None = None) -> Comment:
    """Hide a comment behind a placeholder that names the reason category."""
    if not permissions.can_moderate(user):
        raise Forbidden(_l("Only the secretariat moderates comments."))
    text = _clean_reason(reason)
    try:
        chosen = HiddenCategory(category) if category else HiddenCategory.OTHER
    except ValueError:
        chosen = None
    if chosen is None or chosen == HiddenCategory.PENDING_REVIEW:
        raise ValidationFailed(fields={"category": _l("Choose one of the listed reasons.")})
    if comment.is_deleted:
        raise Conflict(_l("This comment was deleted."))
    now = utcnow()
    comment.hidden_at, comment.hidden_category, comment.hidden_reason = now, chosen, text
    comment.hidden_by_id, comment.pending_review = user.id, False
    _resolve_flags(comment, now)
    audit.record("comment.hide", "comment", comment.id, {"category": chosen.value, "reason": text}, actor=user)
    db.session.flush()
    return comment


def restore_comment(user: User, comment: Comment) -> Comment:
    """Show a hidden comment again, or dismiss the flags on a visible one."""
    if not permissions.can_moderate(user):
        raise Forbidden(_l("Only the secretariat moderates comments."))
    was_hidden = comment.is_hidden
    comment.hidden_at = comment.hidden_category = comment.hidden_reason = comment.hidden_by_id = None
    comment.pending_review = False
    _resolve_flags(comment, utcnow())
    audit.record("comment.restore", "comment", comment.id, {"was_hidden": was_hidden}, actor=user)
    db.session.flush()
    return comment


# ---------------------------------------------------------------------------------------------
# Moderation queue and activity


@dataclass
class QueueItem:
    """A comment waiting for the secretariat: its flags and where it is."""

    comment: Comment
    author: User
    organisation: Organisation
    flags: list[CommentFlag]
    flag_organisations: list[str]


def moderation_queue(user: User) -> list[QueueItem]:
    """List comments with open flags or pending review, most flagged first."""
    if not permissions.can_moderate(user):
        raise Forbidden()
    flagged_ids = select(CommentFlag.comment_id).where(CommentFlag.resolved_at.is_(None))
    rows = db.session.execute(
        select(Comment, User, Organisation)
        .join(User, User.id == Comment.author_id)
        .join(Organisation, Organisation.id == Comment.organisation_id)
        .where(or_(Comment.pending_review.is_(True), Comment.id.in_(flagged_ids)))
        .order_by(Comment.created_at)
    ).all()
    flags: dict[int, list[tuple[CommentFlag, str]]] = {}
    for flag, organisation_name in db.session.execute(
        select(CommentFlag, Organisation.name)
        .join(Organisation, Organisation.id == CommentFlag.organisation_id)
        .where(CommentFlag.resolved_at.is_(None))
        .order_by(CommentFlag.created_at)
    ).all():
        flags.setdefault(flag.comment_id, []).append((flag, organisation_name))
    items = [
        QueueItem(
            comment,
            author,
            organisation,
            [f for f, _n in flags.get(comment.id, [])],
            [n for _f, n in flags.get(comment.id, [])],
        )
        for comment, author, organisation in rows
    ]
    items.sort(key=lambda item: (-len(item.flags), item.comment.created_at))
    return items
