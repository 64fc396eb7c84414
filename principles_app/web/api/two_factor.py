"""The secretariat resets a person's second factors (a lost phone)."""

from __future__ import annotations

from flask import g

from principles_app import permissions
from principles_app.extensions import db
from principles_app.services import organisations as org_service
from principles_app.services import two_factor
from principles_app.services.errors import Forbidden
from principles_app.web.api import bp
from principles_app.web.api.openapi import Endpoint, endpoint


@bp.delete("/users/<int:user_id>/two-factor")
@endpoint(
    Endpoint(
        "Remove a person's second factors (app, recovery codes, passkeys); they are told by e-mail",
        auth="secretariat",
        status=204,
        errors=(404, 409),
        tag="users",
    )
)
def reset_second_factor(user_id: int):
    if not permissions.can_reset_second_factor(g.api_user):
        raise Forbidden()
    two_factor.reset_second_factor(g.api_user, org_service.get_user(user_id))
    db.session.commit()
    return "", 204
