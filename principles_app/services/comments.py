"""Threaded comments: post, edit, delete, flag, moderate, and load a thread for a reader."""
from __future__ import annotations

from dataclasses import dataclass, field
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
    Category,
    Comment,
    CommentActivityVisit,
    CommentFlag,
    CommentRevision,
    HiddenCategory,
    Organisation,
    Stance,
    TargetType,
    User,
)
from principles_app.services import audit
from principles_app.services.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationFailed

DEFAULT_FLAG_THRESHOLD = 3
DEFAULT_RATE_LIMIT = "10 per minute"
MAX_REASON_LENGTH = 1000
# Replies deeper than this are reached through "continue this thread".
DISPLAY_DEPTH = 6
SORTS = ("oldest", "newest")


# ---------------------------------------------------------------------------------------------
# Targets: comments hang on a principle or an amendment (no polymorphic foreign key).


@dataclass(frozen=True)
class Target:
    """The principle or amendment a thread belongs to."""

    type: str
    id: int
    document_slug: str
    label: str
    # The amendment's proposing organisation (None for a principle).
    organisation_id: int | None = None


def _principle_target(target_id: int) -> Target | None:
    from principles_app.models.drafts import Document, Principle

    row = db.session.execute(
        select(Principle, Document.slug).join(Document, Document.id == Principle.document_id)
        .where(Principle.id == target_id)).first()
    if row is None:
        return None
    principle, slug = row
    if principle.number is None or principle.deleted_at is not None:
        return None
    return Target("principle", principle.id, slug, _l("Principle %(n)d: %(title)s", n=principle.number,
                                                            title=principle.title))


def _amendment_target(target_id: int) -> Target | None:
    from principles_app.models.drafts import Amendment, Document

    row = db.session.execute(
        select(Amendment.id, Amendment.organisation_id, Document.slug)
        .join(Document, Document.id == Amendment.document_id).where(Amendment.id == target_id)).first()
    if row is None:
        return None
    return Target("amendment", row.id, row.slug, _l("Amendment %(n)d", n=row.id), row.organisation_id)


TARGET_LOOKUPS = {"principle": _principle_target, "amendment": _amendment_target}


def get_target(target_type: str, target_id: int) -> Target:
    """Return the thread's target, or raise NotFound when unknown or deleted."""
    lookup = TARGET_LOOKUPS.get(str(target_type))
    target = lookup(target_id) if lookup is not None else None
    if target is None:
        raise NotFound(_l("There is no such principle or amendment to comment on."))
    return target


# ---------------------------------------------------------------------------------------------
# Reading


def get_comment(comment_id: int) -> Comment:
    """Return the comment or raise NotFound."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(_l("No such comment."))
    return comment


@dataclass
class AuthorView:
    """Who wrote a comment, as far as this reader may know."""

    display: str
    region: str
    category: str  # member, observer or secretariat: never ally/donor, which would narrow it down
    revealed: bool
    user_id: int | None = None
    name: str | None = None
    organisation: str | None = None
    is_viewer: bool = False


@dataclass
class CommentNode:
    """One comment of a loaded thread, shaped for one reader."""

    id: int
    parent_id: int | None
    depth: int
    created_at: datetime
    stance: str | None
    body: str | None
    body_html: str | None
    author: AuthorView | None
    anonymous: bool
    edited: bool
    edited_at: datetime | None
    deleted: bool
    hidden: bool
    hidden_category: str | None
    hidden_reason: str | None
    pending_review: bool
    can_reply: bool
    can_edit: bool
    can_delete: bool
    can_flag: bool
    flagged_by_my_organisation: bool
    open_flags: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    replies: list[CommentNode] = field(default_factory=list)
    descendants: int = 0


@dataclass
class ThreadView:
    """A thread as one reader sees it: the tree, stance counts and the sort used."""

    target: Target
    roots: list[CommentNode]
    counts: dict[str, int]
    total: int
    sort: str
    focus_id: int | None = None
    focus_parent_id: int | None = None
    display_depth: int = DISPLAY_DEPTH


def _category_label(category: Category) -> str:
    if category == Category.MEMBER:
        return "member"
    if category == Category.SECRETARIAT:
        return "secretariat"
    return "observer"


def anonymous_display(category: str, region: str) -> str:
    """Return the protective label an anonymous author is shown by."""
    from principles_app.web.templating import REGION_NAMES

    region_name = REGION_NAMES.get(region, region)
    if category == "member":
        return _l("a member organisation from %(region)s", region=region_name)
    if category == "secretariat":
        return _l("a member of the network secretariat")
    return _l("an observer organisation from %(region)s", region=region_name)


def _author_view(comment: Comment, author: User, organisation: Organisation, viewer: User | None) -> AuthorView:
    category = _category_label(organisation.category)
    region = organisation.region.value
    is_viewer = viewer is not None and viewer.id == author.id
    if permissions.can_see_author(viewer, comment):
        return AuthorView(display=f"{author.name} ({organisation.name})", region=region, category=category,
                          revealed=True, user_id=author.id, name=author.name, organisation=organisation.name,
                          is_viewer=is_viewer)
    return AuthorView(display=anonymous_display(category, region), region=region, category=category,
                      revealed=False, is_viewer=is_viewer)


def _node(comment: Comment, author: User, organisation: Organisation, viewer: User | None,
          flagged_ids: set[int], open_flags: dict[int, int], history: dict[int, list]) -> CommentNode:
    moderator = permissions.can_moderate(viewer)
    deleted, hidden = comment.is_deleted, comment.is_hidden
    # A tombstone shows nothing of what was said or who said it; a hidden comment only to moderators.
    shows_body = not deleted and (not hidden or moderator)
    shows_author = not deleted or moderator
    return CommentNode(
        id=comment.id,
        parent_id=comment.parent_id,
        depth=0,
        created_at=comment.created_at,
        stance=comment.stance.value if comment.stance and not deleted else None,
        body=comment.body if shows_body else None,
        body_html=comment.body_html if shows_body else None,
        author=_author_view(comment, author, organisation, viewer) if shows_author else None,
        anonymous=comment.anonymous,
        edited=comment.edited_at is not None,
        edited_at=comment.edited_at,
        deleted=deleted,
        hidden=hidden,
        hidden_category=comment.hidden_category.value if hidden and comment.hidden_category else None,
        hidden_reason=comment.hidden_reason if hidden and moderator else None,
        pending_review=comment.pending_review if moderator else False,
        can_reply=permissions.can_comment(viewer),
        can_edit=permissions.can_edit_comment(viewer, comment),
        can_delete=permissions.can_delete_comment(viewer, comment),
        can_flag=(permissions.can_flag(viewer, comment) and not deleted and comment.id not in flagged_ids
                  and comment.author_id != viewer.id),
        flagged_by_my_organisation=comment.id in flagged_ids,
        open_flags=open_flags.get(comment.id, 0) if moderator else 0,
        history=history.get(comment.id, []) if moderator else [],
    )


def _thread_filter(target_type: str, target_id: int):
    return (Comment.target_type == TargetType(target_type), Comment.target_id == target_id)


def load_thread(target_type: str, target_id: int, viewer: User | None, sort: str = "oldest",
                focus_id: int | None = None) -> ThreadView:
    """Load a whole thread in a constant number of queries, shaped for this reader."""
    if not permissions.can_read_threads(viewer):
        raise NotFound()
    target = get_target(target_type, target_id)
    sort = sort if sort in SORTS else "oldest"
    where = _thread_filter(target.type, target.id)
    rows = db.session.execute(
        select(Comment, User, Organisation)
        .join(User, User.id == Comment.author_id)
        .join(Organisation, Organisation.id == Comment.organisation_id)
        .where(*where).order_by(Comment.created_at, Comment.id)).all()
    flagged_ids: set[int] = set()
    if viewer is not None and permissions.can_flag(viewer, None):
        flagged_ids = set(db.session.execute(
            select(CommentFlag.comment_id).join(Comment, Comment.id == CommentFlag.comment_id)
            .where(*where, CommentFlag.organisation_id == viewer.organisation_id)).scalars())
    open_flags: dict[int, int] = {}
    history: dict[int, list] = {}
    if permissions.can_moderate(viewer):
        open_flags = dict(db.session.execute(
            select(CommentFlag.comment_id, func.count(CommentFlag.id))
            .join(Comment, Comment.id == CommentFlag.comment_id)
            .where(*where, CommentFlag.resolved_at.is_(None)).group_by(CommentFlag.comment_id)).all())
        for revision in db.session.execute(
                select(CommentRevision).join(Comment, Comment.id == CommentRevision.comment_id)
                .where(*where).order_by(CommentRevision.id)).scalars():
            history.setdefault(revision.comment_id, []).append(
                {"body": revision.body, "written_at": revision.written_at, "replaced_at": revision.replaced_at})
    nodes = {comment.id: _node(comment, author, organisation, viewer, flagged_ids, open_flags, history)
             for comment, author, organisation in rows}
    roots: list[CommentNode] = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id is not None else None
        (parent.replies if parent is not None else roots).append(node)
    newest_first = sort == "newest"
    _finish_tree(roots, 0, newest_first)
    counts = {stance.value: 0 for stance in Stance}
    visible = 0
    for comment, _author, _organisation in rows:
        if comment.is_deleted or comment.is_hidden:
            continue
        visible += 1
        if comment.stance is not None:
            counts[comment.stance.value] += 1
    view = ThreadView(target=target, roots=roots, counts=counts, total=visible, sort=sort)
    if focus_id is not None:
        focus = nodes.get(focus_id)
        if focus is None:
            raise NotFound(_l("No such comment."))
        view.roots, view.focus_id, view.focus_parent_id = [focus], focus.id, focus.parent_id
        _finish_tree(view.roots, 0, newest_first)
    return view


def _finish_tree(nodes: list[CommentNode], depth: int, newest_first: bool) -> int:
    """Set depths and descendant counts and sort each level; return how many nodes there are."""
    # Iterative, so a thread nested thousands deep cannot exhaust Python's recursion limit.
    total = 0
    stack: list[tuple[list[CommentNode], int]] = [(nodes, depth)]
    order: list[CommentNode] = []
    while stack:
        level, level_depth = stack.pop()
        level.sort(key=lambda n: (n.created_at, n.id), reverse=newest_first)
        for node in level:
            node.depth = level_depth
            order.append(node)
            stack.append((node.replies, level_depth + 1))
        total += len(level)
    for node in reversed(order):
        node.descendants = sum(1 + child.descendants for child in node.replies)
    return total


def thread_for_api(view: ThreadView) -> list[CommentNode]:
    """Return the roots of a loaded thread (the API gives the whole tree)."""
    return view.roots


# ---------------------------------------------------------------------------------------------
# Writing


def _clean_body(body: Any) -> str:
    if not isinstance(body, str) or not body.strip():
        raise ValidationFailed(fields={"body": _l("Write something first.")})
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
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(fields={name: _l("Keep it under %(n)d characters.", n=MAX_REASON_LENGTH + 1)})
    return reason.strip()


def _rate_limit_key(user: User):
    limit = parse(current_app.config.get("COMMENT_RATE_LIMIT") or DEFAULT_RATE_LIMIT)
    return limit, ("comment-post", str(user.id))


def _refuse_when_posting_too_fast(user: User) -> None:
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    limit, identifiers = _rate_limit_key(user)
    if not limiter.limiter.test(limit, *identifiers):
        reset_at = limiter.limiter.get_window_stats(limit, *identifiers).reset_time
        raise RateLimited(retry_after=int(reset_at - utcnow().timestamp()) + 1,
                          message=_l("You are posting very fast. Wait a moment and try again."))


def _count_post(user: User) -> None:
    if current_app.config.get("RATELIMIT_ENABLED", True):
        limit, identifiers = _rate_limit_key(user)
        limiter.limiter.hit(limit, *identifiers)


def post_comment(user: User, *, target_type: str, target_id: int, body: str, parent_id: int | None = None,
                 stance: str | None = None, anonymous: bool = False) -> Comment:
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
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.target_type != TargetType(target.type) or parent.target_id != target.id:
            raise ValidationFailed(fields={"parent_id": _l("Reply to a comment of this thread.")})
    comment = Comment(target_type=TargetType(target.type), target_id=target.id, parent_id=parent_id,
                      author_id=user.id, organisation_id=user.organisation_id, body=text,
                      body_html=render_comment(text), stance=chosen_stance, anonymous=bool(anonymous),
                      created_at=utcnow())
    db.session.add(comment)
    db.session.flush()
    _count_post(user)
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
        db.session.add(CommentRevision(comment_id=comment.id, body=comment.body,
                                       written_at=comment.edited_at or comment.created_at, replaced_at=now))
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
    return int(current_app.config.get("COMMENT_FLAG_THRESHOLD") or DEFAULT_FLAG_THRESHOLD)


def flag_comment(user: User, comment: Comment, reason: str) -> CommentFlag:
    """Flag a comment for the secretariat, once per organisation; enough flags hide it for review."""
    if not permissions.can_flag(user, comment):
        raise Forbidden(_l("Only member organisations may flag comments."))
    if comment.author_id == user.id:
        raise Conflict(_l("You cannot flag your own comment."))
    if comment.is_deleted:
        raise Conflict(_l("This comment was deleted."))
    text = _clean_reason(reason)
    exists = db.session.execute(select(CommentFlag.id).where(
        CommentFlag.comment_id == comment.id, CommentFlag.organisation_id == user.organisation_id)).first()
    if exists is not None:
        raise Conflict(_l("Your organisation has flagged this comment already."))
    flag = CommentFlag(comment_id=comment.id, organisation_id=user.organisation_id, user_id=user.id, reason=text,
                       created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(flag)
    except IntegrityError:
        # Two delegates of one organisation flagging at the same instant: the database keeps one.
        raise Conflict(_l("Your organisation has flagged this comment already.")) from None
    audit.record("comment.flag", "comment", comment.id, {"organisation_id": user.organisation_id, "reason": text},
                 actor=user)
    open_organisations = db.session.execute(
        select(func.count(func.distinct(CommentFlag.organisation_id)))
        .where(CommentFlag.comment_id == comment.id, CommentFlag.resolved_at.is_(None))).scalar_one()
    if open_organisations >= _flag_threshold() and not comment.is_hidden:
        comment.hidden_at = utcnow()
        comment.hidden_category = HiddenCategory.PENDING_REVIEW
        comment.hidden_reason = _l("Hidden automatically after flags from %(n)d organisations.",
                                       n=open_organisations)
        comment.hidden_by_id = None
        comment.pending_review = True
        audit.record("comment.hide_pending_review", "comment", comment.id, {"flags": open_organisations}, actor=None)
    db.session.flush()
    return flag


def _resolve_flags(comment: Comment, at: datetime) -> None:
    for flag in db.session.execute(select(CommentFlag).where(
            CommentFlag.comment_id == comment.id, CommentFlag.resolved_at.is_(None))).scalars():
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
        .join(User, User.id == Comment.author_id).join(Organisation, Organisation.id == Comment.organisation_id)
        .where(or_(Comment.pending_review.is_(True), Comment.id.in_(flagged_ids)))
        .order_by(Comment.created_at)).all()
    flags: dict[int, list[tuple[CommentFlag, str]]] = {}
    for flag, organisation_name in db.session.execute(
            select(CommentFlag, Organisation.name).join(Organisation, Organisation.id == CommentFlag.organisation_id)
            .where(CommentFlag.resolved_at.is_(None)).order_by(CommentFlag.created_at)).all():
        flags.setdefault(flag.comment_id, []).append((flag, organisation_name))
    items = [QueueItem(comment, author, organisation, [f for f, _n in flags.get(comment.id, [])],
                       [n for _f, n in flags.get(comment.id, [])]) for comment, author, organisation in rows]
    items.sort(key=lambda item: (-len(item.flags), item.comment.created_at))
    return items


@dataclass
class ActivityItem:
    """A comment someone may want to read: a reply to mine or new on my organisation's amendment."""

    kind: str  # "reply" or "amendment"
    node: CommentNode
    target_type: str
    target_id: int
    is_new: bool


@dataclass
class ActivityView:
    """What happened since the reader's last visit."""

    since: datetime | None
    items: list[ActivityItem]


def activity_for(user: User, mark_visited: bool = True, limit: int = 200) -> ActivityView:
    """List replies to my comments and comments on my organisation's amendments, newest first."""
    from principles_app.models.drafts import Amendment

    if not permissions.can_read_threads(user):
        raise NotFound()
    visit = db.session.get(CommentActivityVisit, user.id)
    since = visit.visited_at if visit is not None else None
    parent = db.aliased(Comment)
    replies = select(Comment.id).join(parent, parent.id == Comment.parent_id).where(
        parent.author_id == user.id, Comment.author_id != user.id)
    my_amendments = select(Amendment.id).where(Amendment.organisation_id == user.organisation_id)
    on_amendments = select(Comment.id).where(
        Comment.target_type == TargetType.AMENDMENT, Comment.target_id.in_(my_amendments),
        Comment.author_id != user.id)
    rows = db.session.execute(
        select(Comment, User, Organisation)
        .join(User, User.id == Comment.author_id).join(Organisation, Organisation.id == Comment.organisation_id)
        .where(or_(Comment.id.in_(replies), Comment.id.in_(on_amendments)), Comment.deleted_at.is_(None))
        .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit)).all()
    reply_ids = set(db.session.execute(replies).scalars())
    items = []
    for comment, author, organisation in rows:
        node = _node(comment, author, organisation, user, set(), {}, {})
        items.append(ActivityItem("reply" if comment.id in reply_ids else "amendment", node,
                                  comment.target_type.value, comment.target_id,
                                  since is None or comment.created_at > since))
    if mark_visited:
        if visit is None:
            db.session.add(CommentActivityVisit(user_id=user.id, visited_at=utcnow()))
        else:
            visit.visited_at = utcnow()
        db.session.flush()
    return ActivityView(since, items)
