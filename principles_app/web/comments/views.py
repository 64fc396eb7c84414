"""Thread pages, replies, edits, flags, moderation queue and the activity page (no JavaScript)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.dates import format_date
from flask import Blueprint, abort, g, render_template, request, url_for
from flask_babel import get_locale, get_timezone, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from principles_app import permissions
from principles_app.extensions import db
from principles_app.services import anonymity
from principles_app.services import comments as comment_service
from principles_app.services.comments import Target, ThreadView, load_thread
from principles_app.web.comments.forms import CommentForm, ConfirmForm, EditCommentForm, FlagForm, HideForm
from principles_app.web.submitting import act, done, submit

bp = Blueprint("comments", __name__)

__all__ = ["bp", "load_thread", "target_url", "ThreadView"]


@bp.before_request
def _signed_in_only():
    # 404, not a sign-in redirect: a public reader must not learn that a thread exists.
    if not permissions.can_read_threads(current_user):
        abort(404)


@bp.app_template_global("comment_labels")
def comment_labels() -> dict[str, str]:
    """Return the thread's fixed words, translated once per page instead of once per comment."""
    return {
        "support": _("Support"),
        "oppose": _("Oppose"),
        "question": _("Question"),
        "edited": _("edited"),
        "deleted": _("deleted"),
        "link": _("Link"),
        "reply": _("Reply"),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "flag": _("Flag"),
        "hide": _("Hide"),
        "restore": _("Restore"),
        "flagged": _("Flagged by your organisation"),
        "you_anonymous": _("you, shown anonymously"),
        "posted_anonymously": _("posted anonymously"),
        "was_deleted": _("This comment was deleted."),
        "hidden_text": _("Hidden text (secretariat only)"),
        "reason": _("Reason:"),
        "history": _("Earlier versions (secretariat only)"),
        "hidden": {
            category: _("This comment is hidden: %(reason)s.", reason=reason)
            for category, reason in (
                ("pending_review", _("flagged by several organisations, waiting for review")),
                ("abusive", _("abusive")),
                ("personal_information", _("exposed personal information")),
                ("off_topic", _("off topic")),
                ("spam", _("spam")),
                ("other", _("other reasons")),
            )
        },
        "comments_base": url_for("comments.continue_thread", comment_id=0)[:-1],
    }


@bp.app_template_global("anonymity_offer")
def anonymity_offer() -> dict[str, Any]:
    """Say how the signed-in user would be shown if they posted anonymously, and whether by their group."""
    label = anonymity.offered_label(current_user) if current_user.is_authenticated else None
    return {
        "label": str(label.display) if label else None,
        "narrow": label is None or label.region is not None,
        "min_group": anonymity.min_group(),
    }


@bp.app_template_global("continue_label")
def continue_label(count: int) -> str:
    """Return the "continue this thread" link text."""
    return ngettext("Continue this thread (%(num)d more reply)", "Continue this thread (%(num)d more replies)", count)


@bp.app_template_filter("comment_time")
def comment_time(value: datetime) -> str:
    """Show a comment's time in the reader's zone, zone named (e.g. "28 Nov 2026, 14:05 (Africa/Lagos)")."""
    # A long thread shows thousands of times: the locale, the zone and each day's formatted date are
    # looked up once per request; the clock time is plain 24-hour digits.
    cache = g.get("_comment_time_cache")
    if cache is None:
        zone = get_timezone()
        cache = g._comment_time_cache = {
            "locale": get_locale(),
            "zone": zone,
            "zone_name": getattr(zone, "key", None) or str(zone),
            "days": {},
        }
    local = value.astimezone(cache["zone"])
    day = cache["days"].get(local.date())
    if day is None:
        day = cache["days"][local.date()] = format_date(local.date(), "medium", locale=cache["locale"])
    return f"{day}, {local.hour:02d}:{local.minute:02d} ({cache['zone_name']})"


def target_url(target: Target) -> str:
    """Return the page of the principle or amendment a thread belongs to."""
    if target.type == "amendment":
        return f"/amendments/{target.id}"
    return f"/documents/{target.document_slug}/#principle-{target.id}"


def _sort() -> str:
    sort = request.args.get("sort", "oldest")
    return sort if sort in comment_service.SORTS else "oldest"


def _thread_page(view: ThreadView, form: CommentForm, status: int = 200):
    return render_template("comments/thread.html", view=view, form=form, target_url=target_url(view.target)), status


@bp.get("/threads/<target_type>/<int:target_id>")
def thread(target_type: str, target_id: int):
    view = load_thread(target_type, target_id, current_user, sort=_sort())
    return _thread_page(view, CommentForm())


@bp.post("/threads/<target_type>/<int:target_id>")
def post_comment(target_type: str, target_id: int):
    form = CommentForm()
    raw_parent = (form.parent_id.data or "").strip()
    if raw_parent and not raw_parent.isdigit():
        form.parent_id.errors = [_("Reply to a comment of this thread.")]
        view = load_thread(target_type, target_id, current_user, sort=_sort())
        return _thread_page(view, form, 422)
    return _save_comment(form, target_type, target_id, parent_id=int(raw_parent) if raw_parent else None)


def _save_comment(form: CommentForm, target_type: str, target_id: int, parent_id: int | None, reply_to=None):
    outcome = submit(
        form,
        lambda: comment_service.post_comment(
            current_user,
            target_type=target_type,
            target_id=target_id,
            body=form.body.data or "",
            parent_id=parent_id,
            stance=form.stance.data or None,
            anonymous=form.anonymous.data,
        ),
        raise_for=(404, 429),
    )
    if outcome.succeeded:
        return done(_("Your comment is posted."), _comment_url(outcome.result))
    if reply_to is not None:
        return _reply_page(reply_to, form, outcome.status)
    return _thread_page(load_thread(target_type, target_id, current_user, sort=_sort()), form, outcome.status)


def _reply_page(comment, form: CommentForm, status: int = 200):
    view = load_thread(comment.target_type.value, comment.target_id, current_user, focus_id=comment.id)
    view.display_depth = 1
    return render_template(
        "comments/reply.html", view=view, form=form, comment=comment, target_url=target_url(view.target)
    ), status


@bp.route("/comments/<int:comment_id>/reply", methods=["GET", "POST"])
def reply(comment_id: int):
    comment = comment_service.get_comment(comment_id)
    form = CommentForm()
    if request.method == "POST":
        return _save_comment(form, comment.target_type.value, comment.target_id, comment.id, reply_to=comment)
    return _reply_page(comment, form)


@bp.get("/comments/<int:comment_id>")
def continue_thread(comment_id: int):
    comment = comment_service.get_comment(comment_id)
    view = load_thread(comment.target_type.value, comment.target_id, current_user, sort=_sort(), focus_id=comment.id)
    return render_template("comments/continue.html", view=view, form=CommentForm(), target_url=target_url(view.target))


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit(comment_id: int):
    comment = comment_service.get_comment(comment_id)
    if not permissions.can_edit_comment(current_user, comment):
        abort(403)
    form = EditCommentForm(obj=None if request.method == "POST" else comment)
    if request.method == "GET":
        form.stance.data = comment.stance.value if comment.stance else ""
    outcome = submit(
        form,
        lambda: comment_service.edit_comment(current_user, comment, form.body.data or "", form.stance.data or None),
    )
    if outcome.succeeded:
        return done(_("Your comment is saved."), _comment_url(comment))
    return render_template("comments/edit.html", form=form, comment=comment), outcome.status


def _comment_url(comment) -> str:
    return (
        url_for("comments.thread", target_type=comment.target_type.value, target_id=comment.target_id)
        + f"#comment-{comment.id}"
    )


@bp.route("/comments/<int:comment_id>/delete", methods=["GET", "POST"])
def delete(comment_id: int):
    comment = comment_service.get_comment(comment_id)
    if not permissions.can_delete_comment(current_user, comment):
        abort(403)
    form = ConfirmForm()
    outcome = submit(form, lambda: comment_service.delete_comment(current_user, comment))
    if outcome.succeeded:
        return done(_("The comment is deleted; its replies stay."), _comment_url(comment))
    return render_template(
        "comments/confirm.html",
        form=form,
        comment=comment,
        title=_("Delete this comment?"),
        explanation=_("Its text disappears; a placeholder keeps the replies in place."),
        button=_("Delete comment"),
        action=url_for("comments.delete", comment_id=comment.id),
    ), outcome.status


@bp.route("/comments/<int:comment_id>/flag", methods=["GET", "POST"])
def flag(comment_id: int):
    comment = comment_service.get_comment(comment_id)
    if not permissions.can_flag(current_user, comment):
        abort(403)
    form = FlagForm()
    outcome = submit(form, lambda: comment_service.flag_comment(current_user, comment, form.reason.data or ""))
    if outcome.succeeded:
        return done(_("Thank you. The secretariat will look at this comment."), _comment_url(comment))
    return render_template("comments/flag.html", form=form, comment=comment), outcome.status


@bp.route("/comments/<int:comment_id>/hide", methods=["GET", "POST"])
def hide(comment_id: int):
    comment = comment_service.get_comment(comment_id)
    if not permissions.can_moderate(current_user):
        abort(403)
    form = HideForm()
    outcome = submit(
        form, lambda: comment_service.hide_comment(current_user, comment, form.reason.data or "", form.category.data)
    )
    if outcome.succeeded:
        return done(_("The comment is hidden."), _back_to_queue_or(comment))
    return render_template("comments/hide.html", form=form, comment=comment), outcome.status


@bp.post("/comments/<int:comment_id>/restore")
def restore(comment_id: int):
    comment = comment_service.get_comment(comment_id)
    if not permissions.can_moderate(current_user):
        abort(403)
    act(ConfirmForm(), lambda: comment_service.restore_comment(current_user, comment))
    return done(_("The comment is shown again and its flags are dismissed."), _back_to_queue_or(comment))


def _back_to_queue_or(comment) -> str:
    return url_for("comments.moderation") if request.args.get("next") == "queue" else _comment_url(comment)


@bp.get("/moderation/comments")
def moderation():
    if not permissions.can_moderate(current_user):
        abort(403)
    items = comment_service.moderation_queue(current_user)
    return render_template("comments/moderation.html", items=items, form=ConfirmForm())


@bp.get("/activity")
def activity():
    view = comment_service.activity_for(current_user)
    db.session.commit()
    return render_template("comments/activity.html", view=view)
