"""Comments and threads: post, read a nested thread, edit, delete, flag, hide, restore."""

from __future__ import annotations

from flask import g, jsonify, request

from principles_app import permissions
from principles_app.extensions import db
from principles_app.services import comments as comment_service
from principles_app.services.comments import CommentNode
from principles_app.services.errors import NotFound, ValidationFailed
from principles_app.web.api import bp
from principles_app.web.api.comments_schemas import (
    AuthorOut,
    CommentCreate,
    CommentNodeOut,
    CommentOut,
    CommentPatch,
    FlagCreate,
    FlagOut,
    HideRequest,
    RevisionOut,
    ThreadOut,
)
from principles_app.web.api.openapi import Endpoint, endpoint


def _author_out(node: CommentNode) -> AuthorOut | None:
    author = node.author
    if author is None:
        return None
    if not author.revealed:
        # Only the protective label: no id, name, organisation, e-mail or anything derived from them.
        return AuthorOut(display=str(author.display), region=author.region, category=author.category)
    return AuthorOut(
        display=str(author.display),
        region=author.region,
        category=author.category,
        user_id=author.user_id,
        name=author.name,
        organisation=author.organisation,
    )


def _node_out(node: CommentNode, moderator: bool) -> CommentNodeOut:
    fields = dict(
        id=node.id,
        parent_id=node.parent_id,
        body=node.body,
        body_html=node.body_html,
        stance=node.stance,
        author=_author_out(node),
        created_at=node.created_at,
        edited=node.edited,
        deleted=node.deleted,
        hidden=node.hidden,
        hidden_reason_category=node.hidden_category,
        replies=[_node_out(child, moderator) for child in node.replies],
    )
    if moderator:
        fields.update(
            hidden_reason=node.hidden_reason,
            open_flags=node.open_flags,
            history=[RevisionOut(**entry) for entry in node.history],
        )
    return CommentNodeOut(**fields)


def _comment_out(comment) -> CommentOut:
    deleted, hidden = comment.is_deleted, comment.is_hidden
    shows_body = not deleted and not hidden
    return CommentOut(
        id=comment.id,
        target_type=comment.target_type.value,
        target_id=comment.target_id,
        parent_id=comment.parent_id,
        body=comment.body if shows_body else None,
        body_html=comment.body_html if shows_body else None,
        stance=comment.stance.value if comment.stance and not deleted else None,
        anonymous=comment.anonymous,
        created_at=comment.created_at,
        edited=comment.edited_at is not None,
        deleted=deleted,
        hidden=hidden,
        hidden_reason_category=comment.hidden_category.value if hidden and comment.hidden_category else None,
    )


def _dump(model, status: int = 200):
    # exclude_unset keeps secretariat-only and named-author keys out of other readers' responses.
    response = jsonify(model.model_dump(mode="json", exclude_unset=True))
    response.status_code = status
    return response


def _visible_comment(comment_id: int):
    """Return the comment when the caller may read its thread; otherwise 404."""
    if not permissions.can_read_threads(g.api_user):
        raise NotFound()
    return comment_service.get_comment(comment_id)


@bp.post("/comments")
@endpoint(
    Endpoint(
        "Post a comment or a reply on a principle or an amendment",
        body=CommentCreate,
        response=CommentOut,
        status=201,
        errors=(403, 404, 429),
        tag="comments",
    )
)
def post_comment(body: CommentCreate):
    comment = comment_service.post_comment(g.api_user, **body.model_dump())
    db.session.commit()
    return _dump(_comment_out(comment), 201)


@bp.get("/threads/<target_type>/<int:target_id>")
@endpoint(
    Endpoint(
        "A thread as a nested tree, with counts per stance",
        response=ThreadOut,
        errors=(404,),
        query={"sort": {"type": "string", "enum": ["oldest", "newest"]}},
        tag="comments",
    )
)
def get_thread(target_type: str, target_id: int):
    sort = request.args.get("sort", "oldest")
    if sort not in comment_service.SORTS:
        raise ValidationFailed(fields={"sort": "oldest or newest"})
    view = comment_service.load_thread(target_type, target_id, g.api_user, sort=sort)
    moderator = permissions.can_moderate(g.api_user)
    thread = ThreadOut(
        target_type=view.target.type,
        target_id=view.target.id,
        total=view.total,
        counts=view.counts,
        sort=view.sort,
        comments=[_node_out(node, moderator) for node in view.roots],
    )
    return _dump(thread)


@bp.patch("/comments/<int:comment_id>")
@endpoint(
    Endpoint(
        "Edit my comment (the earlier body is kept)",
        body=CommentPatch,
        response=CommentOut,
        errors=(403, 404, 409),
        tag="comments",
    )
)
def edit_comment(comment_id: int, body: CommentPatch):
    comment = _visible_comment(comment_id)
    changes = body.model_dump(exclude_unset=True)
    comment_service.edit_comment(g.api_user, comment, changes["body"], changes.get("stance", ...))
    db.session.commit()
    return _dump(_comment_out(comment))


@bp.delete("/comments/<int:comment_id>")
@endpoint(Endpoint("Delete a comment, leaving a tombstone (author or secretariat)", errors=(403, 404), tag="comments"))
def delete_comment(comment_id: int):
    comment = _visible_comment(comment_id)
    comment_service.delete_comment(g.api_user, comment)
    db.session.commit()
    return "", 204


@bp.post("/comments/<int:comment_id>/flag")
@endpoint(
    Endpoint(
        "Flag a comment for moderation (one flag per organisation)",
        body=FlagCreate,
        response=FlagOut,
        status=201,
        errors=(403, 404, 409),
        tag="comments",
    )
)
def flag_comment(comment_id: int, body: FlagCreate):
    comment = _visible_comment(comment_id)
    flag = comment_service.flag_comment(g.api_user, comment, body.reason)
    db.session.commit()
    return _dump(
        FlagOut(comment_id=comment.id, reason=flag.reason, created_at=flag.created_at, hidden=comment.is_hidden), 201
    )


@bp.post("/comments/<int:comment_id>/hide")
@endpoint(
    Endpoint(
        "Hide a comment behind a placeholder, with a reason",
        auth="secretariat",
        body=HideRequest,
        response=CommentOut,
        errors=(404, 409),
        tag="comments",
    )
)
def hide_comment(comment_id: int, body: HideRequest):
    comment = _visible_comment(comment_id)
    comment_service.hide_comment(g.api_user, comment, body.reason, body.category)
    db.session.commit()
    return _dump(_comment_out(comment))


@bp.post("/comments/<int:comment_id>/restore")
@endpoint(
    Endpoint(
        "Show a hidden comment again and dismiss its flags",
        auth="secretariat",
        response=CommentOut,
        errors=(404,),
        tag="comments",
    )
)
def restore_comment(comment_id: int):
    comment = _visible_comment(comment_id)
    comment_service.restore_comment(g.api_user, comment)
    db.session.commit()
    return _dump(_comment_out(comment))
