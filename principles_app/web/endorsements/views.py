"""Endorse a publication without an account, confirm and withdraw by e-mailed link, read and moderate.

The endorsement list and CSV are public and short-lived (they change with every approval or
withdrawal); the secretariat's queue needs the secretariat. A form that arrives with the hidden
field filled in is answered like any other, and nothing of it is kept.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from principles_app import permissions
from principles_app.domain.languages import DEFAULT_LANGUAGE
from principles_app.extensions import db
from principles_app.models import Publication
from principles_app.services import endorsements as endorsement_service
from principles_app.services import publications as publications_service
from principles_app.services.endorsements import Verification
from principles_app.services.errors import Gone, RateLimited
from principles_app.web.endorsements.countries import country_choices, country_name
from principles_app.web.endorsements.forms import ApproveForm, ConfirmForm, EndorseForm, RejectForm, WithdrawForm
from principles_app.web.publications.page_cache import SHORT_LIVED, conditional_response
from principles_app.web.submitting import act, done, submit

bp = Blueprint("endorsements", __name__)


def _reader_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def _publication(slug: str, label: str) -> Publication:
    document = publications_service.published_document(slug)
    return publications_service.get_publication(document, label)


@bp.route("/principles/<slug>/<label>/endorse", methods=["GET", "POST"])
def endorse(slug: str, label: str):
    """Endorse a publication: the organisation, where it works, a contact address and a short statement."""
    publication = _publication(slug, label)
    language = _reader_language()
    form = EndorseForm()
    form.country.choices = [("", _("Choose a country")), *country_choices(language)]
    if form.is_submitted() and form.nickname.data:
        if not form.validate():
            abort(400)
        return render_template("endorsements/sent.html", publication=publication)
    fields = {
        "organisation_name": form.organisation_name.data,
        "country": form.country.data,
        "region": form.region.data,
        "website": form.website.data,
        "email": form.email.data,
        "statement": form.statement.data,
        "consent": bool(form.consent.data),
    }
    outcome = submit(
        form,
        lambda: endorsement_service.submit_endorsement(publication, fields, language, request.remote_addr),
    )
    if outcome.succeeded:
        return render_template("endorsements/sent.html", publication=publication)
    headers = {"Retry-After": str(outcome.refusal.retry_after)} if isinstance(outcome.refusal, RateLimited) else {}
    return render_template("endorsements/endorse.html", form=form, publication=publication), outcome.status, headers


@bp.route("/endorsements/verify/<token>", methods=["GET", "POST"])
def verify(token: str):
    """Confirm an endorsement with the e-mailed link: once, within 48 hours."""
    try:
        endorsement = endorsement_service.pending_verification(token)
    except Gone:
        db.session.rollback()
        return render_template("endorsements/link_gone.html"), 410
    form = ConfirmForm()
    if not form.is_submitted():
        return render_template("endorsements/confirm.html", form=form, endorsement=endorsement)
    try:
        endorsement, verification = act(form, lambda: endorsement_service.verify_endorsement(token))
    except Gone:
        db.session.rollback()
        return render_template("endorsements/link_gone.html"), 410
    status = 409 if verification == Verification.DUPLICATE else 200
    return render_template("endorsements/verified.html", endorsement=endorsement, verification=verification), status


@bp.route("/endorsements/withdraw/<token>", methods=["GET", "POST"])
def withdraw(token: str):
    """Withdraw an endorsement with the link of the confirmation e-mail: it leaves every public page."""
    try:
        endorsement = endorsement_service.withdrawable(token)
    except Gone:
        db.session.rollback()
        return render_template("endorsements/link_gone.html"), 410
    form = WithdrawForm()
    if not form.is_submitted():
        return render_template("endorsements/withdraw.html", form=form, endorsement=endorsement)
    try:
        act(form, lambda: endorsement_service.withdraw_endorsement(token))
    except Gone:
        db.session.rollback()
        return render_template("endorsements/link_gone.html"), 410
    return render_template("endorsements/withdrawn.html", endorsement=endorsement)


@bp.get("/principles/<slug>/<label>/endorsements.csv")
def endorsements_csv(slug: str, label: str):
    """Download the approved endorsements as CSV, safe to open in a spreadsheet."""
    publication = _publication(slug, label)
    body = endorsement_service.endorsements_csv(publication).encode("utf-8")
    etag = endorsement_service.endorsement_fingerprint([publication.id])
    response = conditional_response(body, etag, "text/csv", SHORT_LIVED, vary="Accept-Encoding")
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}-{label}-endorsements.csv"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------
# The secretariat's queue


def _moderator():
    if not permissions.can_moderate_endorsements(current_user):
        abort(403)


@bp.get("/endorsements/queue")
@login_required
def queue():
    """List the verified endorsements awaiting a decision, oldest first."""
    _moderator()
    return render_template(
        "endorsements/queue.html",
        endorsements=endorsement_service.awaiting_decision(),
        approve_form=ApproveForm(),
        reject_form=RejectForm(),
    )


@bp.post("/endorsements/<int:endorsement_id>/approve")
@login_required
def approve(endorsement_id: int):
    """Publish a verified endorsement."""
    _moderator()
    endorsement = endorsement_service.get_endorsement(endorsement_id)
    act(ApproveForm(), lambda: endorsement_service.approve_endorsement(current_user, endorsement))
    return done(_("The endorsement is published."), url_for("endorsements.queue"))


@bp.route("/endorsements/<int:endorsement_id>/reject", methods=["GET", "POST"])
@login_required
def reject(endorsement_id: int):
    """Refuse a verified endorsement with a reason sent to the endorser."""
    _moderator()
    endorsement = endorsement_service.get_endorsement(endorsement_id)
    form = RejectForm()
    outcome = submit(
        form,
        lambda: endorsement_service.reject_endorsement(current_user, endorsement, form.reason.data),
        raise_for=(409,),
    )
    if outcome.succeeded:
        return done(_("The endorsement is rejected; the endorser is told why."), url_for("endorsements.queue"))
    return render_template("endorsements/reject.html", form=form, endorsement=endorsement), outcome.status


@bp.app_template_filter("country_name")
def country_name_filter(code: str, language: str | None = None) -> str:
    """Name a country in the page's language."""
    return country_name(code, language or _reader_language())
