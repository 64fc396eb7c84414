"""Voices over JSON: who wrote which words of a version, and who took part in a document."""

from __future__ import annotations

from flask import g

from principles_app import permissions
from principles_app.services import attribution as attribution_service
from principles_app.services import drafts as draft_service
from principles_app.services import voices as voices_service
from principles_app.web.api import bp
from principles_app.web.api.core import ok, require
from principles_app.web.api.openapi import Endpoint, endpoint
from principles_app.web.api.voices_schemas import AttributionOut, VoicesOut


@bp.get("/documents/<slug>/versions/<int:number>/attribution")
@endpoint(
    Endpoint(
        "Who wrote which words of a version: each passage's amendment and organisations",
        response=AttributionOut,
        errors=(404,),
        tag="voices",
    )
)
def version_attribution(slug: str, number: int):
    require(permissions.can_read_voices(g.api_user))
    document = draft_service.get_document(slug)
    version = draft_service.get_version(document, number)
    attributed = attribution_service.attributed_version(document, version)
    return ok(AttributionOut(**attributed.as_json()))


@bp.get("/documents/<slug>/voices")
@endpoint(
    Endpoint(
        "Who took part in a document, by region and by category",
        response=VoicesOut,
        errors=(404,),
        tag="voices",
    )
)
def document_voices(slug: str):
    require(permissions.can_read_voices(g.api_user))
    document = draft_service.get_document(slug)
    return ok(VoicesOut(**voices_service.document_voices(document).as_json()))
