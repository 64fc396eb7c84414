"""Endorsements over JSON: anyone endorses and reads approved ones; the secretariat decides."""

from __future__ import annotations

from flask import g, request

from principles_app import permissions
from principles_app.domain.languages import LANGUAGES
from principles_app.extensions import db
from principles_app.models import Endorsement
from principles_app.services import endorsements as endorsement_service
from principles_app.services import publications as publications_service
from principles_app.web.api import bp
from principles_app.web.api.core import ok, require
from principles_app.web.api.endorsements_schemas import (
    EndorsementAccepted,
    EndorsementCreate,
    EndorsementList,
    EndorsementOut,
    EndorsementQueue,
    EndorsementRejection,
    EndorsementReview,
)
from principles_app.web.api.openapi import Endpoint, endpoint


def _publication(slug: str, label: str):
    return publications_service.get_publication(publications_service.published_document(slug), label)


def _review(endorsement: Endorsement) -> EndorsementReview:
    publication = endorsement.publication
    return EndorsementReview(
        **endorsement_service.public_fields(endorsement),
        publication=f"{publication.record['slug']}/{publication.label}",
        state=endorsement.state,
        email=endorsement.email,
        verified_at=endorsement.verified_at,
        reason=endorsement.reason,
    )


@bp.post("/publications/<slug>/<label>/endorsements")
@endpoint(
    Endpoint(
        "Endorse a publication; a single-use link (48 hours) goes to the contact address",
        auth="public",
        body=EndorsementCreate,
        response=EndorsementAccepted,
        status=202,
        errors=(404, 422, 429),
        tag="endorsements",
    )
)
def create_endorsement(slug: str, label: str, body: EndorsementCreate):
    publication = _publication(slug, label)
    # The language the endorser reads: a signed-in caller's choice, else the request's Accept-Language.
    language = g.api_user.language if g.get("api_user") is not None and g.api_user.language else None
    language = language or request.accept_languages.best_match(list(LANGUAGES))
    endorsement = endorsement_service.submit_endorsement(publication, body.model_dump(), language, request.remote_addr)
    db.session.commit()
    return ok(EndorsementAccepted(id=endorsement.id, state=endorsement.state), 202)


@bp.get("/publications/<slug>/<label>/endorsements")
@endpoint(
    Endpoint(
        "The approved endorsements of a publication, newest first",
        auth="public",
        response=EndorsementList,
        errors=(404,),
        tag="endorsements",
    )
)
def list_endorsements(slug: str, label: str):
    publication = _publication(slug, label)
    approved = endorsement_service.approved_endorsements([publication.id])
    groups = endorsement_service.by_region(approved)
    return ok(
        EndorsementList(
            document=slug,
            label=publication.label,
            count=len(approved),
            by_region={group.region.value: group.count for group in groups},
            endorsements=[EndorsementOut(**endorsement_service.public_fields(e)) for e in approved],
        )
    )


@bp.get("/endorsements")
@endpoint(
    Endpoint(
        "The verified endorsements awaiting a decision, oldest first",
        auth="secretariat",
        response=EndorsementQueue,
        tag="endorsements",
    )
)
def endorsement_queue():
    require(permissions.can_moderate_endorsements(g.api_user))
    return ok(EndorsementQueue(endorsements=[_review(e) for e in endorsement_service.awaiting_decision()]))


@bp.post("/endorsements/<int:endorsement_id>/approve")
@endpoint(
    Endpoint(
        "Approve a verified endorsement: it is listed publicly and the endorser told",
        auth="secretariat",
        response=EndorsementReview,
        errors=(404, 409),
        tag="endorsements",
    )
)
def approve_endorsement(endorsement_id: int):
    require(permissions.can_moderate_endorsements(g.api_user))
    endorsement = endorsement_service.get_endorsement(endorsement_id)
    endorsement_service.approve_endorsement(g.api_user, endorsement)
    db.session.commit()
    return ok(_review(endorsement))


@bp.post("/endorsements/<int:endorsement_id>/reject")
@endpoint(
    Endpoint(
        "Reject a verified endorsement with a reason sent to the endorser",
        auth="secretariat",
        body=EndorsementRejection,
        response=EndorsementReview,
        errors=(404, 409, 422),
        tag="endorsements",
    )
)
def reject_endorsement(endorsement_id: int, body: EndorsementRejection):
    require(permissions.can_moderate_endorsements(g.api_user))
    endorsement = endorsement_service.get_endorsement(endorsement_id)
    endorsement_service.reject_endorsement(g.api_user, endorsement, body.reason)
    db.session.commit()
    return ok(_review(endorsement))
