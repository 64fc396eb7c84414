"""Invitations over JSON (SPEC §13): invite, list pending, re-send, cancel (secretariat); your data; erasure."""

from __future__ import annotations

from flask import g, jsonify

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.services import erasure, my_data
from principles_app.services import invitations as invitation_service
from principles_app.services import organisations as org_service
from principles_app.web.api import bp
from principles_app.web.api.core import ok
from principles_app.web.api.invitations_schemas import InvitationCreate, InvitationList, InvitationOut
from principles_app.web.api.openapi import Endpoint, endpoint


def invitation_out(invitation) -> InvitationOut:
    """Describe an invitation without its link."""
    return InvitationOut(
        id=invitation.id,
        email=invitation.email,
        name=invitation.name,
        role=invitation.role.value,
        organisation_id=invitation.organisation_id,
        language=invitation.language,
        sent_at=invitation.sent_at,
        expires_at=invitation.expires_at,
        expired=invitation.expires_at <= utcnow(),
    )


@bp.post("/invitations")
@endpoint(
    Endpoint(
        "Invite a person by e-mail; they choose their own password through a single-use link valid 7 days",
        auth="secretariat",
        body=InvitationCreate,
        response=InvitationOut,
        status=201,
        errors=(404, 409),
        tag="users",
    )
)
def create_invitation(body: InvitationCreate):
    organisation = org_service.get_organisation(body.organisation_id)
    invitation = invitation_service.create_invitation(
        g.api_user,
        email=body.email,
        name=body.name,
        role=body.role,
        organisation=organisation,
        language=body.language,
    )
    db.session.commit()
    return ok(invitation_out(invitation), 201)


@bp.get("/invitations")
@endpoint(Endpoint("The pending invitations", auth="secretariat", response=InvitationList, tag="users"))
def list_invitations():
    return ok(InvitationList(invitations=[invitation_out(i) for i in invitation_service.list_pending()]))


@bp.post("/invitations/<int:invitation_id>/resend")
@endpoint(
    Endpoint(
        "Send a new link, valid 7 days; the old link no longer works",
        auth="secretariat",
        response=InvitationOut,
        errors=(404, 409),
        tag="users",
    )
)
def resend_invitation(invitation_id: int):
    invitation = invitation_service.get_pending(invitation_id)
    invitation_service.resend_invitation(g.api_user, invitation)
    db.session.commit()
    return ok(invitation_out(invitation))


@bp.delete("/invitations/<int:invitation_id>")
@endpoint(
    Endpoint(
        "Cancel a pending invitation; its link no longer works",
        auth="secretariat",
        status=204,
        errors=(404,),
        tag="users",
    )
)
def cancel_invitation(invitation_id: int):
    invitation = invitation_service.get_pending(invitation_id)
    invitation_service.cancel_invitation(g.api_user, invitation)
    db.session.commit()
    return "", 204


@bp.get("/me/export")
@endpoint(
    Endpoint(
        "Everything I wrote (comments, anonymous ones included, amendments and their revisions, translations, "
        "flags, key points) and my account settings, as one JSON document; never a secret",
        response={"type": "object"},
        tag="users",
    )
)
def export_my_data():
    response = jsonify(my_data.export_for(g.api_user))
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.delete("/users/<int:user_id>")
@endpoint(
    Endpoint(
        "Erase a person: name, e-mail, password, tokens, second factors and sessions are gone; the account stays "
        "deactivated and what they wrote is shown as by a former member of their organisation. 409 for oneself, "
        "the last secretariat member or an erased account",
        auth="secretariat",
        status=204,
        errors=(404, 409),
        tag="users",
    )
)
def erase_user(user_id: int):
    user = org_service.get_user(user_id)
    erasure.erase_user(g.api_user, user)
    db.session.commit()
    return "", 204
