"""Tokens, the signed-in user, organisations, users, the OpenAPI document."""

from __future__ import annotations

from flask import current_app, g, jsonify, request

from principles_app import permissions
from principles_app.extensions import db
from principles_app.models import ApiToken
from principles_app.services import auth as auth_service
from principles_app.services import organisations as org_service
from principles_app.services import sessions as session_service
from principles_app.services import two_factor
from principles_app.services.errors import Forbidden
from principles_app.web.api import bp
from principles_app.web.api.openapi import Endpoint, build_openapi, endpoint
from principles_app.web.api.schemas import (
    MePatch,
    OrganisationCreate,
    OrganisationList,
    OrganisationOut,
    OrganisationPatch,
    PasswordChange,
    TokenList,
    TokenOut,
    TokenRequest,
    TokenResponse,
    UserCreate,
    UserOut,
)


def ok(model, status: int = 200):
    """Serialise a response model with the given status."""
    response = jsonify(model.model_dump(mode="json"))
    response.status_code = status
    return response


def require(allowed: bool) -> None:
    """Refuse the request with 403 unless the permission holds."""
    if not allowed:
        raise Forbidden()


@bp.post("/auth/token")
@endpoint(
    Endpoint(
        "Exchange email and password (and the code, with two-factor sign-in on) for a bearer token",
        auth="public",
        body=TokenRequest,
        response=TokenResponse,
        errors=(401, 403, 429),
        tag="auth",
    )
)
def create_token(body: TokenRequest):
    user = auth_service.authenticate(body.email, body.password, request.remote_addr)
    two_factor.check_token_exchange(user, body.code, request.remote_addr)
    token, row = auth_service.issue_token(user, body.expires_in, body.name)
    db.session.commit()
    return ok(TokenResponse(token=token, expires_at=row.expires_at, id=row.id, name=row.name))


@bp.delete("/auth/token")
@endpoint(Endpoint("Revoke the token this request is made with", status=204, tag="auth"))
def revoke_token():
    auth_service.revoke_token(db.session.get(ApiToken, g.api_token_id))
    db.session.commit()
    return "", 204


@bp.get("/me/tokens")
@endpoint(Endpoint("List my API tokens that still work", response=TokenList, tag="users"))
def list_my_tokens():
    tokens = [TokenOut.model_validate(row) for row in session_service.list_tokens(g.api_user)]
    return ok(TokenList(tokens=tokens))


@bp.delete("/me/tokens/<int:token_id>")
@endpoint(Endpoint("Revoke one of my API tokens", status=204, errors=(404,), tag="users"))
def revoke_my_token(token_id: int):
    session_service.revoke_own_token(g.api_user, token_id)
    db.session.commit()
    return "", 204


@bp.get("/me")
@endpoint(Endpoint("The signed-in user, role and organisation", response=UserOut, tag="users"))
def me():
    return ok(UserOut.model_validate(g.api_user))


@bp.patch("/me")
@endpoint(Endpoint("Change my language, time zone or notification choice", body=MePatch, response=UserOut, tag="users"))
def update_me(body: MePatch):
    org_service.update_preferences(g.api_user, **body.model_dump(exclude_unset=True))
    db.session.commit()
    return ok(UserOut.model_validate(g.api_user))


@bp.post("/me/password")
@endpoint(
    Endpoint(
        "Change my password; my other sessions and API tokens end, this token stays",
        body=PasswordChange,
        status=204,
        errors=(422, 429),
        tag="users",
    )
)
def change_my_password(body: PasswordChange):
    auth_service.change_password(
        g.api_user, body.current_password, body.new_password, request.remote_addr, keep_token_id=g.api_token_id
    )
    db.session.commit()
    return "", 204


@bp.get("/organisations")
@endpoint(Endpoint("List every organisation", response=OrganisationList, tag="organisations"))
def list_organisations():
    require(permissions.can_list_organisations(g.api_user))
    organisations = [OrganisationOut.model_validate(o) for o in org_service.list_organisations()]
    return ok(OrganisationList(organisations=organisations))


@bp.post("/organisations")
@endpoint(
    Endpoint(
        "Create an organisation",
        auth="secretariat",
        body=OrganisationCreate,
        response=OrganisationOut,
        status=201,
        errors=(409,),
        tag="organisations",
    )
)
def create_organisation(body: OrganisationCreate):
    require(permissions.can_manage_organisations(g.api_user))
    organisation = org_service.create_organisation(g.api_user, **body.model_dump())
    db.session.commit()
    return ok(OrganisationOut.model_validate(organisation), 201)


@bp.patch("/organisations/<int:organisation_id>")
@endpoint(
    Endpoint(
        "Change an organisation, its weight or active flag",
        auth="secretariat",
        body=OrganisationPatch,
        response=OrganisationOut,
        errors=(409,),
        tag="organisations",
    )
)
def update_organisation(organisation_id: int, body: OrganisationPatch):
    require(permissions.can_manage_organisations(g.api_user))
    organisation = org_service.get_organisation(organisation_id)
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    org_service.update_organisation(g.api_user, organisation, **changes)
    db.session.commit()
    return ok(OrganisationOut.model_validate(organisation))


@bp.post("/users")
@endpoint(
    Endpoint(
        "Create a user in an organisation",
        auth="secretariat",
        body=UserCreate,
        response=UserOut,
        status=201,
        errors=(404, 409),
        tag="users",
    )
)
def create_user(body: UserCreate):
    require(permissions.can_manage_users(g.api_user))
    auth_service.check_new_password(body.password, field="password", user_inputs=(body.email, body.name))
    organisation = org_service.get_organisation(body.organisation_id)
    fields = body.model_dump(exclude={"organisation_id"})
    user = org_service.create_user(g.api_user, organisation=organisation, **fields)
    db.session.commit()
    return ok(UserOut.model_validate(user), 201)


@bp.get("/openapi.json")
@endpoint(Endpoint("This document", auth="public", response={"type": "object"}, tag="meta"))
def openapi_document():
    return jsonify(build_openapi(current_app))
