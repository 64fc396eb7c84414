"""Home page, health check, language switch and personal preferences."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, g, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import text

from principles_app.extensions import db
from principles_app.services import home as home_service
from principles_app.services import organisations as org_service
from principles_app.services import publications as publications_service
from principles_app.web.api.openapi import Endpoint, endpoint
from principles_app.web.api.schemas import Health
from principles_app.web.auth.forms import ChangePasswordForm
from principles_app.web.main.forms import LanguageForm, PreferencesForm
from principles_app.web.submitting import done, submit

bp = Blueprint("main", __name__)


def safe_next(target: str | None, fallback: str) -> str:
    """Return target only when it is a path on this site; never an open redirect."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target


def home_needs() -> list[home_service.HomeItem]:
    """What needs the signed-in user, worked out once per request."""
    if "home_needs" not in g:
        g.home_needs = home_service.needs(current_user) if current_user.is_authenticated else []
    return g.home_needs


@bp.app_template_global("home_count")
def home_count() -> int:
    """How many things need the user, for the badge on the home link."""
    return home_service.count(home_needs()) if current_user.is_authenticated else 0


@bp.get("/")
def home():
    # Signed out, the home page shows the latest publication of each document and how to take part.
    if not current_user.is_authenticated:
        return render_template("main/home.html", published=publications_service.latest_by_document(), needs=[])
    needs = home_needs()
    # What was new is shown now; from the next look on, only what happens after this moment is new.
    home_service.mark_seen(current_user)
    db.session.commit()
    return render_template("main/home.html", published=[], needs=needs)


@bp.get("/healthz")
@endpoint(
    Endpoint("Whether the service and its database answer", auth="public", response=Health, errors=(503,), tag="meta")
)
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any driver error means the database is not answering
        db.session.rollback()
        response = jsonify({"status": "unavailable", "database": "unavailable"})
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        return response
    return jsonify({"status": "ok", "database": "ok"})


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["language"] = form.language.data
        if current_user.is_authenticated:
            org_service.update_preferences(current_user, language=form.language.data)
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("main.home")))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = PreferencesForm(obj=current_user)
    if request.method == "GET":
        form.notifications.data = current_user.notifications.value
    outcome = submit(
        form,
        lambda: org_service.update_preferences(
            current_user,
            language=form.language.data or None,
            time_zone=form.time_zone.data or None,
            notifications=form.notifications.data,
        ),
    )
    if outcome.succeeded:
        return done(_("Your preferences are saved."), url_for("main.account"))
    password_form = ChangePasswordForm(formdata=None)
    return render_template("main/account.html", form=form, password_form=password_form), outcome.status
