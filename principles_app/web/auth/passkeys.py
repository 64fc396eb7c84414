"""Passkeys in the browser: the WebAuthn ceremony's JSON endpoints (static/passkeys.js) and removal.

The challenge of a ceremony waits in the signed session for five minutes and is used once. Every
endpoint here is a POST with the page's CSRF token (the X-CSRFToken header of the script).
"""

from __future__ import annotations

import base64
import time

from flask import Blueprint, jsonify, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from principles_app.extensions import db
from principles_app.services import passkeys
from principles_app.services.errors import ServiceError
from principles_app.web.auth import second_factor
from principles_app.web.auth.two_factor_forms import ConfirmButtonForm
from principles_app.web.submitting import act, done

bp = Blueprint("passkeys", __name__)

CHALLENGE_SECONDS = 300


def _keep_challenge(purpose: str, challenge: bytes) -> None:
    session[f"passkey_{purpose}"] = {"challenge": base64.b64encode(challenge).decode(), "since": int(time.time())}


def _take_challenge(purpose: str) -> bytes | None:
    kept = session.pop(f"passkey_{purpose}", None)
    if not isinstance(kept, dict) or not isinstance(kept.get("since"), int):
        return None
    if time.time() - kept["since"] > CHALLENGE_SECONDS:
        return None
    return base64.b64decode(kept.get("challenge") or "")


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _refused(error: ServiceError):
    db.session.rollback()
    body = {"error": {"code": error.code, "message": str(error.message)}}
    if error.fields:
        body["error"]["fields"] = {key: str(value) for key, value in error.fields.items()}
    headers = {"Retry-After": str(error.retry_after)} if error.status == 429 else {}
    return jsonify(body), error.status, headers


@bp.post("/account/passkeys/options")
@login_required
def register_options():
    """Start registering a passkey: the options for navigator.credentials.create."""
    try:
        options, challenge = passkeys.registration_options(current_user)
    except ServiceError as error:
        return _refused(error)
    _keep_challenge("registration", challenge)
    return options, 200, {"Content-Type": "application/json"}


@bp.post("/account/passkeys")
@login_required
def register_verify():
    """Finish registering a passkey under the name given."""
    body = _body()
    try:
        passkey = passkeys.register(
            current_user, body.get("name"), body.get("credential"), _take_challenge("registration")
        )
    except ServiceError as error:
        return _refused(error)
    db.session.commit()
    return jsonify({"id": passkey.id, "name": passkey.name}), 201


@bp.post("/account/passkeys/<int:passkey_id>/remove")
@login_required
def remove(passkey_id: int):
    """Remove one of my passkeys."""
    act(ConfirmButtonForm(), lambda: passkeys.remove(current_user, passkey_id))
    return done(_("The passkey is removed."), url_for("two_factor.manage") + "#passkeys")


@bp.post("/sign-in/passkey/options")
def sign_in_options():
    """Start signing in with a passkey after the password: the options for navigator.credentials.get."""
    user = second_factor.pending_user()
    if user is None:
        return jsonify({"error": {"code": "unauthorised", "message": _("Sign in again.")}}), 401
    options, challenge = passkeys.authentication_options(user)
    _keep_challenge("authentication", challenge)
    return options, 200, {"Content-Type": "application/json"}


@bp.post("/sign-in/passkey")
def sign_in_verify():
    """Finish signing in with a passkey in place of the app's code."""
    user = second_factor.pending_user()
    if user is None:
        return jsonify({"error": {"code": "unauthorised", "message": _("Sign in again.")}}), 401
    try:
        passkeys.authenticate(user, _body().get("credential"), _take_challenge("authentication"), request.remote_addr)
    except ServiceError as error:
        return _refused(error)
    db.session.commit()
    response = second_factor.finish_sign_in(user)
    return jsonify({"redirect": response.location})
