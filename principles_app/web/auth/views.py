"""Sign in and out in the browser."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from principles_app.extensions import db
from principles_app.services import auth as auth_service
from principles_app.services import sessions
from principles_app.services.errors import RateLimited
from principles_app.web.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    ResetPasswordForm,
    SignInForm,
    SignInLinkForm,
    SignOutForm,
)
from principles_app.web.auth.second_factor import ask_for_second_factor
from principles_app.web.main.forms import PreferencesForm
from principles_app.web.main.views import safe_next
from principles_app.web.submitting import done, submit

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    outcome = submit(
        form, lambda: auth_service.sign_in_or_send_link(form.email.data, form.password.data, request.remote_addr)
    )
    if outcome.succeeded:
        if outcome.result is None:
            # The account has failed too often: the same page whether or not the password was right.
            return render_template("auth/link_sent.html")
        if (second_step := ask_for_second_factor(outcome.result, form.next.data)) is not None:
            return second_step
        _start_session(outcome.result)
        return redirect(safe_next(form.next.data, url_for("main.home")))
    if isinstance(outcome.refusal, RateLimited):
        response = render_template("auth/sign_in.html", form=form, throttled=True)
        return response, outcome.status, {"Retry-After": str(outcome.refusal.retry_after)}
    return render_template("auth/sign_in.html", form=form), outcome.status


def _start_session(user) -> None:
    """Sign the user in with a fresh session: nothing from before carries over but the language."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    sessions.start(user, request.user_agent.string)
    db.session.commit()
    login_user(user)
    flash(_("Welcome, %(name)s.", name=user.name), "success")


def keep_this_session(user) -> None:
    """Keep this browser signed in after a change of the user's own account ended every session."""
    sessions.reopen(user.current_session)
    db.session.commit()
    login_user(user)


@bp.route("/sign-in/link/<token>", methods=["GET", "POST"])
def sign_in_link(token: str):
    """Finish a sign-in with an e-mailed link; only the button spends it, so mail scanners that open links do not."""
    form = SignInLinkForm()
    if not form.validate_on_submit():
        return render_template("auth/sign_in_link.html", form=form)
    user = auth_service.use_sign_in_link(token)
    if user is None:
        db.session.rollback()
        return render_template("auth/sign_in_link.html", form=None), 410
    db.session.commit()
    if (second_step := ask_for_second_factor(user, None)) is not None:
        return second_step
    _start_session(user)
    return redirect(url_for("main.home"))


@bp.post("/sign-out")
def sign_out():
    """Sign out, ending this session only: a copied cookie of it opens nothing, other devices stay signed in."""
    form = SignOutForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            sessions.end_session(current_user.current_session)
            db.session.commit()
        # A session that has already ended is cleared all the same, so the browser forgets it.
        logout_user()
        session.clear()
        flash(_("You are signed out."), "success")
    return redirect(url_for("main.home"))


def _retry_after(outcome) -> dict[str, str]:
    return {"Retry-After": str(outcome.refusal.retry_after)} if isinstance(outcome.refusal, RateLimited) else {}


@bp.post("/account/password")
@login_required
def change_password():
    """Change one's own password from the account page; this browser stays signed in, every other session ends."""
    form = ChangePasswordForm()
    user = current_user._get_current_object()  # the user itself: the proxy would sign in as itself
    outcome = submit(
        form,
        lambda: auth_service.change_password(
            user, form.current_password.data, form.new_password.data, request.remote_addr
        ),
    )
    if outcome.succeeded:
        keep_this_session(user)
        return done(
            _("Your password is changed. Every other session and API token of your account has ended."),
            url_for("main.account"),
        )
    preferences = PreferencesForm(formdata=None, obj=current_user)
    preferences.notifications.data = current_user.notifications.value
    return (
        render_template("main/account.html", form=preferences, password_form=form),
        outcome.status,
        _retry_after(outcome),
    )


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    """Ask for a link to choose a new password; the same answer whether or not the address has an account."""
    form = ForgotPasswordForm()
    outcome = submit(form, lambda: auth_service.request_password_reset(form.email.data, request.remote_addr))
    if outcome.succeeded:
        return render_template("auth/reset_sent.html")
    throttled = isinstance(outcome.refusal, RateLimited)
    return (
        render_template("auth/forgot_password.html", form=form, throttled=throttled),
        outcome.status,
        _retry_after(outcome),
    )


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password with an e-mailed link; only a saved password spends it. Every session ends."""
    if auth_service.password_reset_link(token) is None:
        return render_template("auth/reset_password.html", form=None), 410
    form = ResetPasswordForm()
    outcome = submit(form, lambda: auth_service.reset_password(token, form.new_password.data))
    if outcome.succeeded and outcome.result is None:  # spent by another submission meanwhile
        return render_template("auth/reset_password.html", form=None), 410
    if outcome.succeeded:
        logout_user()
        session.clear()
        return done(_("Your password is changed. Sign in with it."), url_for("auth.sign_in"))
    return render_template("auth/reset_password.html", form=form), outcome.status, {"Referrer-Policy": "no-referrer"}
