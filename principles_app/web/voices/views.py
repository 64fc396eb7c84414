"""Voices pages: attribution of a version, participation by region and category, quiet members."""

from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import HiddenField

from principles_app import permissions
from principles_app.domain.languages import DEFAULT_LANGUAGE, LANGUAGES
from principles_app.services import attribution as attribution_service
from principles_app.services import drafts as draft_service
from principles_app.services import participation
from principles_app.services import publications as publications_service
from principles_app.services import rounds as round_service
from principles_app.services import voices as voices_service
from principles_app.web.forms_common import TextSafeForm
from principles_app.web.submitting import act, done

bp = Blueprint("voices", __name__)
public_voices_bp = Blueprint("public_voices", __name__, url_prefix="/principles")


class InviteForm(TextSafeForm):
    """Invite one quiet organisation, or every quiet organisation of a region, to take part."""

    organisation_id = HiddenField()
    region = HiddenField()


@bp.before_request
@login_required
def _signed_in_only():
    if not permissions.can_read_voices(current_user):
        abort(403)


@bp.get("/documents/<slug>/versions/<int:number>/attribution")
def version_attribution(slug: str, number: int):
    document = draft_service.get_document(slug)
    version = draft_service.get_version(document, number)
    attributed = attribution_service.attributed_version(document, version)
    return render_template(
        "voices/attribution.html", document=document, version=version, attributed=attributed, public=False
    )


@bp.get("/documents/<slug>/voices")
def document_voices(slug: str):
    document = draft_service.get_document(slug)
    voices = voices_service.document_voices(document)
    current = round_service.open_round_of(document)
    quiet = None
    mine = None
    if current is not None:
        if permissions.can_invite_quiet_members(current_user):
            quiet = participation.quiet_members(current)
        if current_user.organisation_id is not None:
            mine = participation.participation_in(current).get(current_user.organisation_id, {})
    return render_template(
        "voices/voices.html",
        document=document,
        voices=voices,
        current_round=current,
        quiet=quiet,
        mine=mine,
        round_contributions=participation.ROUND_CONTRIBUTIONS,
        invite_form=InviteForm(),
    )


@bp.post("/rounds/<int:round_id>/invitations")
def invite(round_id: int):
    if not permissions.can_invite_quiet_members(current_user):
        abort(403)
    target = round_service.get_round(round_id)
    form = InviteForm()
    organisation_id = (form.organisation_id.data or "").strip()
    if organisation_id and not organisation_id.isdigit():
        abort(400)
    invited = act(
        form,
        lambda: participation.invite(
            current_user,
            target,
            organisation_id=int(organisation_id) if organisation_id else None,
            region=(form.region.data or "").strip() or None,
        ),
    )
    message = (
        ngettext(
            "%(num)d organisation was invited to take part.",
            "%(num)d organisations were invited to take part.",
            len(invited),
        )
        if invited
        else _("Every quiet organisation of this region was invited already.")
    )
    return done(message, url_for("voices.document_voices", slug=target.document.slug) + "#quiet-members")


def deadline_preview(form):
    """Judge the closing time typed in a round form (before anything is scheduled)."""
    return participation.deadline_fairness(form.closes_at.data)


def warn_of_night(closes_at) -> None:
    """Say, after scheduling or extending a round, when it closes at night for too many member organisations."""
    judged = participation.deadline_fairness(closes_at)
    if judged.unfair:
        flash(
            _(
                "This closing time falls between 22:00 and 06:00 for %(night)s of %(total)s member organisations.",
                night=judged.at_night,
                total=judged.organisations,
            )
            + " "
            + _("Local times by region are shown below."),
            "warning",
        )


@bp.app_template_global()
def round_deadline_fairness(closes_at):
    """Judge a closing time for the member organisations (rounds page)."""
    return participation.deadline_fairness(closes_at)


@bp.app_template_global()
def publication_voices(publication):
    """Voices of a publication (its public page)."""
    return voices_service.publication_voices(publication)


def _language() -> str:
    chosen = request.args.get("lang")
    return chosen if chosen in LANGUAGES else str(get_locale() or DEFAULT_LANGUAGE)


@public_voices_bp.get("/<slug>/<label>/attribution")
def publication_attribution(slug: str, label: str):
    document = publications_service.published_document(slug)
    publication = publications_service.get_publication(document, label)
    language = _language()
    with force_locale(language):
        return render_template(
            "voices/public_attribution.html",
            publication=publication,
            attributed=attribution_service.publication_attribution(publication),
            language=language,
            languages=LANGUAGES,
            public=True,
        )
