"""Two-factor sign-in in the browser: the code after the password, enrolment, turning it off, the reset.

The password step (auth/views.py) hands a user with two-factor sign-in on to ``ask_for_second_factor``;
the session then holds only who is half signed in, and ``_start_session`` runs once the code or
passkey is verified. A user whose role requires two-factor sign-in and who has not turned it on is
sent to enrolment from every page (``_enrol_first``).
"""

from __future__ import annotations

import time

import segno
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from principles_app import permissions
from principles_app.extensions import db
from principles_app.services import auth as auth_service
from principles_app.services import organisations as org_service
from principles_app.services import two_factor
from principles_app.services.errors import RateLimited
from principles_app.web.auth.two_factor_forms import (
    ConfirmButtonForm,
    ConfirmEnrolmentForm,
    DisableForm,
    SecondFactorForm,
)
from principles_app.web.main.views import safe_next
from principles_app.web.submitting import act, done, submit

bp = Blueprint("two_factor", __name__)

PENDING = "second_factor"
PENDING_SECONDS = 600  # the code must follow the password within ten minutes
# What a user who must enrol first may still reach.
ENROLMENT_ENDPOINTS = frozenset(
    {"two_factor.manage", "two_factor.confirm", "auth.sign_out", "static", "main.set_language"}
)


def ask_for_second_factor(user, next_url: str | None):
    """Return the redirect to the code page if the user has two-factor sign-in on, else None."""
    if not two_factor.is_on(user):
        return None
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    session[PENDING] = {"user": user.epoch_identity(), "since": int(time.time()), "next": next_url or ""}
    return redirect(url_for("two_factor.sign_in_code"))


def pending_user():
    """Return the user whose password was right and whose second factor is awaited, or None."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("since"), int):
        return None
    if time.time() - pending["since"] > PENDING_SECONDS:
        return None
    return auth_service.user_for_session(pending.get("user"))


def finish_sign_in(user):
    """Sign in the user whose second factor was verified and go where they were going."""
    from principles_app.web.auth.views import _start_session

    pending = session.get(PENDING) or {}
    target = safe_next(pending.get("next") if isinstance(pending.get("next"), str) else None, url_for("main.home"))
    _start_session(user)
    return redirect(target)


@bp.route("/sign-in/second-factor", methods=["GET", "POST"])
def sign_in_code():
    """Ask for the app's code (or a recovery code, or a passkey) after the password."""
    user = pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Sign in again: the time to enter the code has run out."), "error")
        return redirect(url_for("auth.sign_in"))
    form = SecondFactorForm()
    outcome = submit(form, lambda: two_factor.verify_code(user, form.code.data, request.remote_addr))
    if outcome.succeeded:
        if outcome.result == "recovery":
            flash(_("You used a recovery code. Each code works once: make new ones in your account if few are left."))
        return finish_sign_in(user)
    headers = {"Retry-After": str(outcome.refusal.retry_after)} if isinstance(outcome.refusal, RateLimited) else {}
    return (
        render_template("auth/second_factor.html", form=form, has_passkeys=_has_passkeys(user)),
        outcome.status,
        headers,
    )


def _has_passkeys(user) -> bool:
    from principles_app.services import passkeys

    return passkeys.has_passkeys(user)


def _qr_svg(uri: str) -> str:
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=4, dark="#000", light="#fff")
    label = _("QR code to scan with your authenticator app")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@bp.get("/account/two-factor")
@login_required
def manage():
    """Show two-factor sign-in: enrolment with a QR code, or its state, recovery codes and passkeys."""
    if two_factor.is_on(current_user):
        from principles_app.services import passkeys

        return render_template(
            "two_factor/manage.html",
            enabled=True,
            codes_left=two_factor.recovery_codes_left(current_user),
            passkeys=passkeys.list_passkeys(current_user),
            disable_form=DisableForm(formdata=None),
            button=ConfirmButtonForm(formdata=None),
        )
    return _enrolment_page(ConfirmEnrolmentForm(formdata=None))


def _enrolment_page(form, status: int = 200, headers: dict | None = None):
    secret, uri = two_factor.start_enrolment(current_user)
    db.session.commit()
    page = render_template(
        "two_factor/manage.html",
        enabled=False,
        required=two_factor.enrolment_required(current_user),
        secret=_grouped(secret),
        qr_svg=_qr_svg(uri),
        form=form,
    )
    return page, status, headers or {}


@bp.post("/account/two-factor/confirm")
@login_required
def confirm():
    """Turn two-factor sign-in on with a first code and show the recovery codes, once."""
    if two_factor.is_on(current_user):
        return redirect(url_for("two_factor.manage"))
    form = ConfirmEnrolmentForm()
    outcome = submit(form, lambda: two_factor.confirm_enrolment(current_user, form.code.data, request.remote_addr))
    if outcome.succeeded:
        return render_template("two_factor/recovery_codes.html", codes=outcome.result, first=True)
    headers = {"Retry-After": str(outcome.refusal.retry_after)} if isinstance(outcome.refusal, RateLimited) else {}
    return _enrolment_page(form, outcome.status, headers)


@bp.post("/account/two-factor/recovery-codes")
@login_required
def renew_codes():
    """Replace the recovery codes with ten new ones and show them, once."""
    codes = act(ConfirmButtonForm(), lambda: two_factor.renew_recovery_codes(current_user))
    return render_template("two_factor/recovery_codes.html", codes=codes, first=False)


@bp.post("/account/two-factor/disable")
@login_required
def disable():
    """Turn two-factor sign-in off, after the current password."""
    if not two_factor.is_on(current_user):
        abort(409)
    form = DisableForm()
    outcome = submit(form, lambda: two_factor.disable(current_user, form.current_password.data, request.remote_addr))
    if outcome.succeeded:
        return done(_("Two-factor sign-in is off."), url_for("two_factor.manage"))
    from principles_app.services import passkeys

    page = render_template(
        "two_factor/manage.html",
        enabled=True,
        codes_left=two_factor.recovery_codes_left(current_user),
        passkeys=passkeys.list_passkeys(current_user),
        disable_form=form,
        button=ConfirmButtonForm(formdata=None),
    )
    return page, outcome.status


@bp.post("/admin/users/<int:user_id>/two-factor/reset")
@login_required
def reset(user_id: int):
    """Remove a person's second factors (the secretariat, for a lost phone)."""
    if not permissions.can_reset_second_factor(current_user):
        abort(403)
    user = org_service.get_user(user_id)
    act(ConfirmButtonForm(), lambda: two_factor.reset_second_factor(current_user, user))
    return done(
        _("The second factors of %(name)s are removed; they were told by e-mail.", name=user.name),
        url_for("admin.edit_user", user_id=user.id),
    )


@bp.before_app_request
def _enrol_first():
    """Send a user whose role requires two-factor sign-in to enrolment until it is on."""
    if request.path.startswith("/api/") or request.endpoint is None or request.endpoint in ENROLMENT_ENDPOINTS:
        return None
    if not current_user.is_authenticated or not two_factor.required_roles():
        return None
    if two_factor.enrolment_required(current_user):
        return redirect(url_for("two_factor.manage"))
    return None
