"""Read threads: find a comment's target, load a whole thread shaped for one reader, list activity."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from principles_app import permissions
from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.labels import anonymous_display, author_category  # noqa: F401  (comments re-exports it)
from principles_app.models import (
    Amendment,
    Comment,
    CommentActivityVisit,
    CommentFlag,
    CommentRevision,
    Document,
    Organisation,
    Principle,
    Stance,
    TargetType,
    User,
)
from principles_app.services import anonymity
from principles_app.services.errors import NotFound

MAX_ID = 2**31 - 1


def valid_id(value: Any) -> bool:
    """Tell whether a value can be a row id (a positive 32-bit integer)."""
    # Out-of-range ids would make the database raise instead of simply finding nothing.
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


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
    row = db.session.execute(
        select(Principle, Document.slug)
        .join(Document, Document.id == Principle.document_id)
        .where(Principle.id == target_id)
    ).first()
    if row is None:
        return None
    principle, slug = row
    if principle.number is None or principle.deleted_at is not None:
        return None
    return Target(
        "principle", principle.id, slug, _l("Principle %(n)d: %(title)s", n=principle.number, title=principle.title)
    )


def _amendment_target(target_id: int) -> Target | None:
    row = db.session.execute(
        select(Amendment.id, Amendment.organisation_id, Document.slug)
        .join(Document, Document.id == Amendment.document_id)
        .where(Amendment.id == target_id)
    ).first()
    if row is None:
        return None
    return Target("amendment", row.id, row.slug, _l("Amendment %(n)d", n=row.id), row.organisation_id)


TARGET_LOOKUPS = {"principle": _principle_target, "amendment": _amendment_target}


def get_target(target_type: str, target_id: int) -> Target:
    """Return the thread's target, or raise NotFound when unknown or deleted."""
    lookup = TARGET_LOOKUPS.get(str(target_type))
    target = lookup(target_id) if lookup is not None and valid_id(target_id) else None
    if target is None:
        raise NotFound(_l("There is no such principle or amendment to comment on."))
    return target


# ---------------------------------------------------------------------------------------------
# Reading


def get_comment(comment_id: int) -> Comment:
    """Return the comment or raise NotFound."""
    comment = db.session.get(Comment, comment_id) if valid_id(comment_id) else None
    if comment is None:
        raise NotFound(_l("No such comment."))
    return comment


@dataclass
class AuthorView:
    """Who wrote a comment, as far as this reader may know."""

    display: str
    # Both None when the author's group is too small to be named (shown as "a participant").
    region: str | None
    category: str | None  # member, observer or secretariat: never ally/donor, which would narrow it down
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
    can_moderate: bool
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
    viewer_can_comment: bool = False


class _NodeBuilder:
    """Shape comments for one reader; what depends only on the reader is worked out once."""

    def __init__(
        self,
        viewer: User | None,
        flagged_ids: set[int] = frozenset(),
        open_flags: dict | None = None,
        history: dict | None = None,
    ):
        self.viewer = viewer
        self.viewer_id = viewer.id if viewer is not None else None
        self.moderator = permissions.can_moderate(viewer)
        self.may_comment = permissions.can_comment(viewer)
        self.may_flag = permissions.can_flag(viewer, None)
        self.flagged_ids, self.open_flags, self.history = flagged_ids, open_flags or {}, history or {}
        self._authors: dict[tuple[int, bool], AuthorView] = {}
        self._group_sizes: anonymity.GroupSizes | None = None

    def author_view(self, row) -> AuthorView:
        """Return who wrote it as far as this reader may know (cached per author and anonymity)."""
        key = (row.author_id, row.anonymous)
        view = self._authors.get(key)
        if view is None:
            category = author_category(row.organisation_category)
            region = row.organisation_region.value
            is_viewer = self.viewer_id == row.author_id
            if permissions.can_see_author(self.viewer, row):
                view = AuthorView(
                    display=f"{row.author_name} ({row.organisation_name})",
                    region=region,
                    category=category,
                    revealed=True,
                    user_id=row.author_id,
                    name=row.author_name,
                    organisation=row.organisation_name,
                    is_viewer=is_viewer,
                )
            else:
                if self._group_sizes is None:
                    self._group_sizes = anonymity.group_sizes()  # once per thread, only if needed
                label = anonymity.protective_label(category, region, self._group_sizes)
                # Translated once per author here rather than once per comment when rendered.
                view = AuthorView(
                    display=str(label.display) if has_request_context() else label.display,
                    region=label.region,
                    category=label.category,
                    revealed=False,
                    is_viewer=is_viewer,
                )
            self._authors[key] = view
        return view

    def node(self, comment) -> CommentNode:
        """Return the comment as this reader sees it."""
        moderator = self.moderator
        deleted, hidden = comment.deleted_at is not None, comment.hidden_at is not None
        # A tombstone shows nothing of what was said or who said it; a hidden comment only to moderators.
        shows_body = not deleted and (not hidden or moderator)
        shows_author = not deleted or moderator
        own = self.viewer_id is not None and comment.author_id == self.viewer_id
        return CommentNode(
            id=comment.id,
            parent_id=comment.parent_id,
            depth=0,
            created_at=comment.created_at,
            stance=comment.stance.value if comment.stance and not deleted else None,
            body=comment.body if shows_body else None,
            body_html=comment.body_html if shows_body else None,
            author=self.author_view(comment) if shows_author else None,
            anonymous=comment.anonymous,
            edited=comment.edited_at is not None,
            edited_at=comment.edited_at,
            deleted=deleted,
            hidden=hidden,
            hidden_category=comment.hidden_category.value if hidden and comment.hidden_category else None,
            hidden_reason=comment.hidden_reason if hidden and moderator else None,
            pending_review=comment.pending_review if moderator else False,
            can_reply=self.may_comment,
            can_edit=own,
            can_delete=own or moderator,
            can_flag=self.may_flag and not own and not deleted and comment.id not in self.flagged_ids,
            can_moderate=moderator,
            flagged_by_my_organisation=comment.id in self.flagged_ids,
            open_flags=self.open_flags.get(comment.id, 0) if moderator else 0,
            history=self.history.get(comment.id, []) if moderator else [],
        )


def _comment_rows():
    """Select what a reader may see of comments, with author and organisation, as plain rows (fast)."""
    return (
        select(
            Comment.id,
            Comment.parent_id,
            Comment.author_id,
            Comment.target_type,
            Comment.target_id,
            Comment.created_at,
            Comment.stance,
            Comment.body,
            Comment.body_html,
            Comment.anonymous,
            Comment.edited_at,
            Comment.deleted_at,
            Comment.hidden_at,
            Comment.hidden_category,
            Comment.hidden_reason,
            Comment.pending_review,
            User.name.label("author_name"),
            Organisation.name.label("organisation_name"),
            Organisation.region.label("organisation_region"),
            Organisation.category.label("organisation_category"),
        )
        .join(User, User.id == Comment.author_id)
        .join(Organisation, Organisation.id == Comment.organisation_id)
    )


def _thread_filter(target_type: str, target_id: int):
    return (Comment.target_type == TargetType(target_type), Comment.target_id == target_id)


def load_thread(
    target_type: str, target_id: int, viewer: User | None, sort: str = "oldest", focus_id: int | None = None
) -> ThreadView:
    """Load a whole thread in a constant number of queries, shaped for this reader."""
    if not permissions.can_read_threads(viewer):
        raise NotFound()
    target = get_target(target_type, target_id)
    sort = sort if sort in SORTS else "oldest"
    where = _thread_filter(target.type, target.id)
    rows = db.session.execute(_comment_rows().where(*where).order_by(Comment.created_at, Comment.id)).all()
    flagged_ids: set[int] = set()
    if viewer is not None and permissions.can_flag(viewer, None):
        flagged_ids = set(
            db.session.execute(
                select(CommentFlag.comment_id)
                .join(Comment, Comment.id == CommentFlag.comment_id)
                .where(*where, CommentFlag.organisation_id == viewer.organisation_id)
            ).scalars()
        )
    open_flags: dict[int, int] = {}
    history: dict[int, list] = {}
    if permissions.can_moderate(viewer):
        open_flags = dict(
            db.session.execute(
                select(CommentFlag.comment_id, func.count(CommentFlag.id))
                .join(Comment, Comment.id == CommentFlag.comment_id)
                .where(*where, CommentFlag.resolved_at.is_(None))
                .group_by(CommentFlag.comment_id)
            ).all()
        )
        for revision in db.session.execute(
            select(CommentRevision)
            .join(Comment, Comment.id == CommentRevision.comment_id)
            .where(*where)
            .order_by(CommentRevision.id)
        ).scalars():
            history.setdefault(revision.comment_id, []).append(
                {"body": revision.body, "written_at": revision.written_at, "replaced_at": revision.replaced_at}
            )
    builder = _NodeBuilder(viewer, flagged_ids, open_flags, history)
    nodes = {row.id: builder.node(row) for row in rows}
    roots: list[CommentNode] = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id is not None else None
        (parent.replies if parent is not None else roots).append(node)
    newest_first = sort == "newest"
    _finish_tree(roots, 0, newest_first)
    counts = {stance.value: 0 for stance in Stance}
    visible = 0
    for row in rows:
        if row.deleted_at is not None or row.hidden_at is not None:
            continue
        visible += 1
        if row.stance is not None:
            counts[row.stance.value] += 1
    view = ThreadView(
        target=target,
        roots=roots,
        counts=counts,
        total=visible,
        sort=sort,
        viewer_can_comment=permissions.can_comment(viewer),
    )
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
    if not permissions.can_read_threads(user):
        raise NotFound()
    visit = db.session.get(CommentActivityVisit, user.id)
    since = visit.visited_at if visit is not None else None
    parent = db.aliased(Comment)
    replies = (
        select(Comment.id)
        .join(parent, parent.id == Comment.parent_id)
        .where(parent.author_id == user.id, Comment.author_id != user.id)
    )
    my_amendments = select(Amendment.id).where(Amendment.organisation_id == user.organisation_id)
    on_amendments = select(Comment.id).where(
        Comment.target_type == TargetType.AMENDMENT, Comment.target_id.in_(my_amendments), Comment.author_id != user.id
    )
    rows = db.session.execute(
        _comment_rows()
        .where(or_(Comment.id.in_(replies), Comment.id.in_(on_amendments)), Comment.deleted_at.is_(None))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(limit)
    ).all()
    reply_ids = set(db.session.execute(replies).scalars())
    items = []
    builder = _NodeBuilder(user)
    for row in rows:
        items.append(
            ActivityItem(
                "reply" if row.id in reply_ids else "amendment",
                builder.node(row),
                row.target_type.value,
                row.target_id,
                since is None or row.created_at > since,
            )
        )
    if mark_visited:
        if visit is None:
            db.session.add(CommentActivityVisit(user_id=user.id, visited_at=utcnow()))
        else:
            visit.visited_at = utcnow()
        db.session.flush()
    return ActivityView(since, items)
