"""Consultation pages: raise and support key points, themes, session points, and principles' sources."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from principles_app import permissions
from principles_app.domain.languages import LANGUAGE_NAMES, LANGUAGES, direction_of
from principles_app.domain.organisations import AuthorCategory
from principles_app.extensions import db
from principles_app.models import Document, Organisation, Region
from principles_app.services import anonymity
from principles_app.services import drafts as draft_service
from principles_app.services import points as point_service
from principles_app.services import translations as translation_service
from principles_app.web.points.forms import (
    ActionForm,
    PointForm,
    PointTranslationForm,
    SessionPointForm,
    SourcesForm,
    ThemeCreateForm,
    ThemeMergeForm,
    ThemeRenameForm,
)
from principles_app.web.submitting import act, done, submit

bp = Blueprint("points", __name__)

LANGUAGE_CHOICES = [("", "—")] + [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
POINT_CATEGORY_NAMES = {
    AuthorCategory.MEMBER.value: _l("member organisations"),
    AuthorCategory.OBSERVER.value: _l("observer organisations"),
    AuthorCategory.SECRETARIAT.value: _l("the secretariat"),
}


@bp.context_processor
def _names() -> dict:
    return {"POINT_CATEGORY_NAMES": POINT_CATEGORY_NAMES}


def _readable_document(slug: str):
    if not permissions.can_read_drafts(current_user):
        abort(403)
    return draft_service.get_document(slug)


def _filters_and_page():
    return point_service.parse_filters(request.args), point_service.page_number(request.args.get("page"))


def _list_context(document, filters, page, by_region: bool = False) -> dict:
    views, shown = point_service.list_points(document, current_user, filters, page, by_region=by_region)
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return {
        "document": document,
        "points": views,
        "page": shown,
        "page_url": lambda number: url_for(request.endpoint, **request.view_args, **args, page=number),
        "filters": filters,
        "themes": point_service.themes_of(document),
        "regions": list(Region),
        "categories": list(AuthorCategory),
        "languages": LANGUAGES,
        "action_form": ActionForm(),
        "may_support": permissions.can_support_point(current_user),
    }


@bp.route("/documents/<slug>/consultation/", methods=["GET", "POST"])
@login_required
def consultation(slug: str):
    document = _readable_document(slug)
    current = point_service.consultation_of(document)
    form = PointForm()
    form.language.choices = LANGUAGE_CHOICES
    may_raise = current is not None and permissions.can_raise_point(current_user)
    status = 200
    if request.method == "POST":
        if not permissions.can_raise_point(current_user):
            abort(403)
        outcome = submit(
            form,
            lambda: point_service.submit_point(
                current_user,
                document,
                form.text.data,
                theme=form.theme.data or None,
                anonymous=form.anonymous.data,
                language=form.language.data or None,
            ),
        )
        if outcome.succeeded:
            return done(_("Key point submitted."), url_for("points.show", point_id=outcome.result.id))
        status = outcome.status
    filters, page = _filters_and_page()
    return render_template(
        "points/consultation.html",
        form=form,
        current=current,
        latest=point_service.latest_consultation(document),
        may_raise=may_raise,
        may_record=current is not None and permissions.can_record_session_point(current_user),
        offered=anonymity.offered_label(current_user),
        **_list_context(document, filters, page),
    ), status


@bp.get("/documents/<slug>/consultation/not-taken-up")
@login_required
def not_taken_up(slug: str):
    document = _readable_document(slug)
    filters, page = _filters_and_page()
    filters = point_service.PointFilters(**{**filters.__dict__, "unlinked": True})
    return render_template(
        "points/not_taken_up.html",
        by_region=point_service.unlinked_counts_by_region(document, current_user),
        **_list_context(document, filters, page, by_region=True),
    )


@bp.route("/documents/<slug>/consultation/session-point", methods=["GET", "POST"])
@login_required
def session_point(slug: str):
    if not permissions.can_record_session_point(current_user):
        abort(403)
    document = draft_service.get_document(slug)
    form = SessionPointForm()
    form.language.choices = LANGUAGE_CHOICES
    organisations = db.session.execute(
        select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.name)
    ).scalars()
    form.organisation_id.choices = [("", "—")] + [(str(o.id), o.name) for o in organisations]
    outcome = submit(
        form,
        lambda: point_service.submit_point(
            current_user,
            document,
            form.text.data,
            theme=form.theme.data or None,
            anonymous=form.anonymous.data,
            language=form.language.data or None,
            session=form.session.data,
            session_date=form.session_date.data,
            organisation_id=int(form.organisation_id.data) if (form.organisation_id.data or "").isdigit() else None,
        ),
    )
    if outcome.succeeded:
        return done(_("Key point recorded."), url_for("points.consultation", slug=document.slug))
    return render_template(
        "points/session_point.html", form=form, document=document, current=point_service.consultation_of(document)
    ), outcome.status


def _readable_point(point_id: int):
    if not permissions.can_read_drafts(current_user):
        abort(403)
    return point_service.get_point(point_id)


@bp.get("/points/<int:point_id>")
@login_required
def show(point_id: int):
    point = _readable_point(point_id)
    view = point_service.point_view(point, current_user)
    translations = point_service.translations_of(point)
    reading = request.args.get("lang")
    shown = translations.get(reading) if reading != point.language else None
    return render_template(
        "points/point.html",
        point=point,
        view=view,
        document=point.document,
        translations=translations,
        shown=shown,
        reading=shown.language if shown else point.language,
        revisions=point_service.revisions_of(point) if permissions.can_edit_point(current_user, point) else [],
        may_edit=permissions.can_edit_point(current_user, point) and point_service.takes_input(point),
        may_translate=permissions.can_translate_point(current_user, point),
        may_support=permissions.can_support_point(current_user, point),
        open=point_service.takes_input(point),
        principles=draft_service.live_principles(point.document),
        action_form=ActionForm(),
        languages=LANGUAGES,
    )


@bp.route("/points/<int:point_id>/edit", methods=["GET", "POST"])
@login_required
def edit(point_id: int):
    point = _readable_point(point_id)
    if not permissions.can_edit_point(current_user, point):
        abort(403)
    form = PointForm()
    form.language.choices = LANGUAGE_CHOICES
    if request.method == "GET":
        form.text.data, form.language.data = point.text, point.language
        form.theme.data = point.theme.name if point.theme else ""
    outcome = submit(
        form,
        lambda: point_service.edit_point(
            current_user, point, form.text.data, language=form.language.data or None, theme=form.theme.data or None
        ),
    )
    if outcome.succeeded:
        return done(_("Key point saved."), url_for("points.show", point_id=point.id))
    return render_template("points/edit.html", form=form, point=point, document=point.document), outcome.status


@bp.post("/points/<int:point_id>/support")
@login_required
def support(point_id: int):
    point = _readable_point(point_id)
    if not permissions.can_support_point(current_user, point):
        abort(403)
    act(ActionForm(), lambda: point_service.support_point(current_user, point))
    return done(_("Your organisation supports this point."), _back(point))


@bp.post("/points/<int:point_id>/withdraw")
@login_required
def withdraw(point_id: int):
    point = _readable_point(point_id)
    if not permissions.can_support_point(current_user, point):
        abort(403)
    act(ActionForm(), lambda: point_service.withdraw_support(current_user, point))
    return done(_("Support withdrawn."), _back(point))


def _back(point) -> str:
    """Return to the list the button was pressed on (its own address, passed along), else to the point."""
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("points.show", point_id=point.id)


@bp.route("/points/<int:point_id>/translate/<language>", methods=["GET", "POST"])
@login_required
def translate(point_id: int, language: str):
    point = _readable_point(point_id)
    if language not in LANGUAGES or language == point.language:
        abort(404)
    if not permissions.can_translate_point(current_user, point):
        abort(403)
    form = PointTranslationForm()
    existing = point_service.translations_of(point).get(language)
    if request.method == "GET" and existing is not None:
        form.text.data = existing.text
    outcome = submit(form, lambda: point_service.put_point_translation(current_user, point, language, form.text.data))
    if outcome.succeeded:
        return done(_("Translation saved."), url_for("points.show", point_id=point.id, lang=language))
    return render_template(
        "points/translate.html",
        form=form,
        point=point,
        language=language,
        direction=direction_of(language),
        document=point.document,
    ), outcome.status


# --- The secretariat's themes -------------------------------------------------------------------


@bp.route("/documents/<slug>/themes", methods=["GET", "POST"])
@login_required
def themes(slug: str):
    if not permissions.can_manage_themes(current_user):
        abort(403)
    document = draft_service.get_document(slug)
    form = ThemeCreateForm()
    outcome = submit(form, lambda: point_service.create_theme(current_user, document, form.name.data))
    if outcome.succeeded:
        return done(_("Theme added."), url_for("points.themes", slug=document.slug))
    listed = point_service.themes_of(document)
    counts = point_service.theme_counts(document)
    merge_forms = {}
    for theme in listed:
        merge = ThemeMergeForm(prefix=f"merge-{theme.id}")
        merge.into.choices = [(str(other.id), other.name) for other in listed if other.id != theme.id]
        merge_forms[theme.id] = merge
    return render_template(
        "points/themes.html",
        document=document,
        form=form,
        themes=listed,
        counts=counts,
        rename_forms={theme.id: ThemeRenameForm(prefix=f"rename-{theme.id}", name=theme.name) for theme in listed},
        merge_forms=merge_forms,
    ), outcome.status


@bp.post("/themes/<int:theme_id>/rename")
@login_required
def rename_theme(theme_id: int):
    if not permissions.can_manage_themes(current_user):
        abort(403)
    theme = point_service.get_theme(theme_id)
    form = ThemeRenameForm(prefix=f"rename-{theme.id}")
    act(form, lambda: point_service.rename_theme(current_user, theme, form.name.data))
    return done(_("Theme renamed."), url_for("points.themes", slug=theme_document_slug(theme)))


@bp.post("/themes/<int:theme_id>/merge")
@login_required
def merge_theme(theme_id: int):
    if not permissions.can_manage_themes(current_user):
        abort(403)
    theme = point_service.get_theme(theme_id)
    slug = theme_document_slug(theme)
    form = ThemeMergeForm(prefix=f"merge-{theme.id}")
    form.into.choices = [(str(other.id), other.name) for other in point_service.themes_of(theme_document(theme))]
    act(form, lambda: point_service.merge_themes(current_user, theme, point_service.get_theme(int(form.into.data))))
    return done(_("Themes merged."), url_for("points.themes", slug=slug))


def theme_document(theme) -> Document:
    return db.session.get(Document, theme.document_id)


def theme_document_slug(theme) -> str:
    return theme_document(theme).slug


# --- Principles and their sources ---------------------------------------------------------------


@bp.route("/principles/<int:principle_id>/sources", methods=["GET", "POST"])
@login_required
def sources(principle_id: int):
    if not permissions.can_link_sources(current_user):
        abort(403)
    principle = translation_service.get_principle(principle_id)
    document = principle.document
    form = SourcesForm()
    current_ids = [link.point_id for link in point_service.sources_rows(principle)]

    def save():
        shown = {int(raw) for raw in request.form.getlist("shown") if raw.isdigit()}
        ticked = {int(raw) for raw in request.form.getlist("point_ids") if raw.isdigit()}
        return point_service.set_sources(current_user, principle, sorted((set(current_ids) - shown) | ticked))

    outcome = submit(form, save)
    if outcome.succeeded:
        return done(
            _("Sources saved."), url_for("drafts.document", slug=document.slug, _anchor=f"principle-{principle.id}")
        )
    filters, page = _filters_and_page()
    linked = point_service.sources_by_principle([principle.id], current_user).get(principle.id, [])
    return render_template(
        "points/sources.html",
        form=form,
        principle=principle,
        linked=linked,
        current_ids=set(current_ids),
        **_list_context(document, filters, page),
    ), outcome.status
