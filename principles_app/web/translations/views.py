"""Translate a principle; the draft and public pages read translations through the helpers below."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from principles_app import permissions
from principles_app.services import translations as translation_service
from principles_app.web.submitting import done, submit
from principles_app.web.translations.forms import TranslationForm

bp = Blueprint("translations", __name__)


def requested_text_language() -> str | None:
    """Return the ?text_lang= a reader chose for the text of a document, if it is a translation language."""
    chosen = request.args.get("text_lang")
    return chosen if chosen in translation_service.TRANSLATION_LANGUAGES else None


def draft_translations(principles, language: str | None) -> dict:
    """Return, by principle id, how each principle reads in the chosen language (None: not translated)."""
    if language is None:
        return {}
    found = translation_service.translations_by_principle([p.id for p in principles], language)
    return {p.id: translation_service.describe(found[p.id]) if p.id in found else None for p in principles}


@bp.route("/principles/<int:principle_id>/translations/<language>/edit", methods=["GET", "POST"])
@login_required
def edit(principle_id: int, language: str):
    principle = translation_service.get_principle(principle_id)
    if language not in translation_service.TRANSLATION_LANGUAGES:
        abort(404)
    if not permissions.can_translate(current_user, principle):
        abort(403)
    if principle.is_deleted:
        abort(404)
    document = principle.document
    existing = translation_service.find_translation(principle, language)
    view = translation_service.describe(existing) if existing is not None else None
    form = TranslationForm()
    if request.method == "GET":
        form.source_version.data = str(document.current_version)
        if existing is not None:
            form.title.data, form.text.data = existing.title, existing.text
    source_version = int(form.source_version.data) if (form.source_version.data or "").isdigit() else None
    outcome = submit(
        form,
        lambda: translation_service.put_translation(
            current_user,
            principle,
            language,
            form.title.data,
            form.text.data,
            source_version=source_version,
            confirm_stale=form.confirm_stale.data,
        ),
    )
    if outcome.succeeded:
        return done(
            _("Translation saved."),
            url_for("drafts.document", slug=document.slug, text_lang=language, _anchor=f"principle-{principle.id}"),
        )
    status = outcome.status
    # A refused stale save shows what changed since the version the translator started from.
    since = None
    if status == 409 and (form.source_version.data or "").isdigit():
        before = translation_service.principle_at_version(principle, int(form.source_version.data))
        if before is not None:
            since = translation_service.source_changes(
                before["title"], before["text"], principle, _("deleted:"), _("inserted:")
            )
    return render_template(
        "translations/edit.html",
        principle=principle,
        document=document,
        language=language,
        form=form,
        existing=view,
        since=since,
        stale_refused=status == 409,
    ), status
