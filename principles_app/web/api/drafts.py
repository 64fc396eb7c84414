"""Documents, versions, rounds and amendments over JSON."""

from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _

from principles_app import permissions
from principles_app.db import utcnow
from principles_app.domain.amendments import AmendmentStatus
from principles_app.domain.procedure import Answer, Procedure
from principles_app.domain.rounds import accepts_input
from principles_app.extensions import db
from principles_app.models import Amendment, Document, Round, Version
from principles_app.services import amendments as amendment_service
from principles_app.services import closing, consolidation, merging, participation
from principles_app.services import drafts as draft_service
from principles_app.services import meetings as meeting_service
from principles_app.services import recommendations as recommendation_service
from principles_app.services import rounds as round_service
from principles_app.services.errors import ValidationFailed
from principles_app.web.api import bp
from principles_app.web.api.core import ok, require
from principles_app.web.api.drafts_schemas import (
    AmendmentCreate,
    AmendmentList,
    AmendmentOut,
    AmendmentPatch,
    BatchMergeIn,
    BatchMergeOut,
    ConsolidatedOut,
    DocumentBrief,
    DocumentCreate,
    DocumentList,
    DocumentOut,
    MergeOut,
    PrincipleOut,
    RecommendationAnswerIn,
    RecommendationIn,
    RecommendationOut,
    RoundCreate,
    RoundOut,
    RoundPatch,
    VersionBrief,
    VersionList,
    VersionOut,
)
from principles_app.web.api.openapi import Endpoint, endpoint
from principles_app.web.api.voting import motions_json


def document_out(document: Document) -> DocumentOut:
    """Describe a document's working draft."""
    principles = [
        PrincipleOut(id=p.id, number=p.number, title=p.title, text=p.text)
        for p in draft_service.live_principles(document)
    ]
    return DocumentOut(
        slug=document.slug,
        title=document.title,
        preamble=document.preamble or "",
        version=document.current_version,
        principles=principles,
    )


def _version_brief(version: Version) -> dict:
    return {
        "number": version.number,
        "sha256": version.sha256,
        "created_at": version.created_at,
        "merged_amendment_ids": list(version.merged_amendment_ids or []),
    }


def round_out(found: Round) -> RoundOut:
    """Describe a round."""
    return RoundOut(
        id=found.id,
        document=found.document.slug,
        kind=found.kind.value,
        title=found.title,
        state=found.state.value,
        closes_at=found.closes_at,
        opened_at=found.opened_at,
        closed_at=found.closed_at,
        accepts_input=accepts_input(found.state, found.closes_at, utcnow()),
        majority=found.majority,
        quorum=found.quorum,
        secrecy=found.secrecy,
        meeting_id=found.meeting_id,
        created_at=found.created_at,
        motions=_motions_json(found),
        deadline_warnings=participation.deadline_fairness(found.closes_at).warnings,
    )


def _motions_json(found: Round) -> list[dict]:
    """List a round's motions in the order put (voting area)."""
    return motions_json(found)


def recommendation_out(amendment: Amendment) -> RecommendationOut | None:
    """Describe an amendment's recommendation, or None when it has none."""
    found = amendment.recommendation
    if found is None:
        return None
    return RecommendationOut(
        procedure=found.procedure.value,
        reason=found.reason,
        text=found.text,
        covered_by_id=found.covered_by_id,
        answer=found.answer.value if found.answer else None,
        answer_comment=found.answer_comment,
        answered_at=found.answered_at,
        updated_at=found.updated_at,
        on_older_text=amendment_service.recommended_on_older_text(amendment),
    )


def amendment_out(amendment: Amendment, competing: list[int] | None = None) -> AmendmentOut:
    """Describe an amendment with its diff, lines and competitors."""
    lines = amendment_service.amendment_lines(amendment)
    if competing is None:
        competing = amendment_service.competing_with(amendment)
    return AmendmentOut(
        id=amendment.id,
        document=amendment.document.slug,
        kind=amendment.kind.value,
        status=amendment.status.value,
        principle_id=amendment.principle_id,
        after_principle_id=amendment.after_principle_id,
        principle_number=amendment.principle_number,
        base_version=amendment.base_version,
        base_title=amendment.base_title,
        base_text=amendment.base_text,
        title=amendment.proposed_title,
        proposed_text=amendment.proposed_text,
        original_proposed_title=amendment.original_proposed_title,
        original_proposed_text=amendment.original_proposed_text,
        rationale=amendment.rationale,
        proposer=amendment_service.proposer_label(amendment, g.get("api_user")),
        cosponsors=[
            {"organisation_id": c.organisation_id, "organisation": c.organisation.name, "created_at": c.created_at}
            for c in amendment.cosponsors
        ],
        diff=amendment_service.amendment_diff(amendment),
        lines={"first": lines[0], "last": lines[1]} if lines else None,
        competing_with=competing,
        merged_in_version=amendment.merged_in_version,
        created_at=amendment.created_at,
        updated_at=amendment.updated_at,
        revisions=[
            {
                "number": r.number,
                "reason": r.reason,
                "base_version": r.base_version,
                "proposed_title": r.proposed_title,
                "proposed_text": r.proposed_text,
                "rationale": r.rationale,
                "created_at": r.created_at,
            }
            for r in amendment.revisions
        ],
        recommendation=recommendation_out(amendment),
    )


# --- Documents and versions -----------------------------------------------------------------


@bp.get("/documents")
@endpoint(Endpoint("List documents", response=DocumentList, tag="documents"))
def list_documents():
    require(permissions.can_read_drafts(g.api_user))
    return ok(
        DocumentList(
            documents=[
                DocumentBrief(slug=d.slug, title=d.title, version=d.current_version)
                for d in draft_service.list_documents()
            ]
        )
    )


@bp.post("/documents")
@endpoint(
    Endpoint(
        "Create a document as version 1",
        auth="secretariat",
        body=DocumentCreate,
        response=DocumentOut,
        status=201,
        errors=(409,),
        tag="documents",
    )
)
def create_document(body: DocumentCreate):
    require(permissions.can_create_document(g.api_user))
    document = draft_service.create_document(
        g.api_user, body.slug, body.title, body.preamble, [p.model_dump() for p in body.principles]
    )
    db.session.commit()
    return ok(document_out(document), 201)


@bp.get("/documents/<slug>")
@endpoint(Endpoint("A document's working draft", response=DocumentOut, tag="documents"))
def get_document(slug: str):
    require(permissions.can_read_drafts(g.api_user))
    return ok(document_out(draft_service.get_document(slug)))


@bp.get("/documents/<slug>/versions")
@endpoint(Endpoint("A document's versions, newest first", response=VersionList, tag="documents"))
def list_versions(slug: str):
    require(permissions.can_read_drafts(g.api_user))
    document = draft_service.get_document(slug)
    return ok(VersionList(versions=[VersionBrief(**_version_brief(v)) for v in draft_service.list_versions(document)]))


@bp.get("/documents/<slug>/versions/<int:number>")
@endpoint(Endpoint("One version with its snapshot and SHA-256", response=VersionOut, tag="documents"))
def get_version(slug: str, number: int):
    require(permissions.can_read_drafts(g.api_user))
    version = draft_service.get_version(draft_service.get_document(slug), number)
    return ok(VersionOut(**_version_brief(version), snapshot=version.snapshot))


# --- Rounds ---------------------------------------------------------------------------------


@bp.post("/documents/<slug>/rounds")
@endpoint(
    Endpoint(
        "Schedule a round of a document",
        auth="secretariat",
        body=RoundCreate,
        response=RoundOut,
        status=201,
        errors=(409,),
        tag="rounds",
    )
)
def create_round(slug: str, body: RoundCreate):
    require(permissions.can_manage_rounds(g.api_user))
    document = draft_service.get_document(slug)
    created = round_service.create_round(
        g.api_user,
        document,
        body.kind,
        body.title,
        body.closes_at,
        majority=body.majority,
        quorum=body.quorum,
        secrecy=body.secrecy,
        meeting_id=body.meeting_id,
    )
    db.session.commit()
    return ok(round_out(created), 201)


@bp.get("/rounds/<int:round_id>")
@endpoint(Endpoint("A round", response=RoundOut, tag="rounds"))
def get_round(round_id: int):
    require(permissions.can_read_drafts(g.api_user))
    return ok(round_out(round_service.get_round(round_id)))


@bp.post("/rounds/<int:round_id>/open")
@endpoint(
    Endpoint(
        "Open a scheduled round (one open round per document)",
        auth="secretariat",
        response=RoundOut,
        errors=(409,),
        tag="rounds",
    )
)
def open_round(round_id: int):
    require(permissions.can_manage_rounds(g.api_user))
    found = closing.open_round(g.api_user, round_service.get_round(round_id))
    db.session.commit()
    return ok(round_out(found))


@bp.post("/rounds/<int:round_id>/close")
@endpoint(Endpoint("Close an open round", auth="secretariat", response=RoundOut, errors=(409,), tag="rounds"))
def close_round(round_id: int):
    require(permissions.can_manage_rounds(g.api_user))
    found = closing.close_round(g.api_user, round_service.get_round(round_id))
    db.session.commit()
    return ok(round_out(found))


@bp.patch("/rounds/<int:round_id>")
@endpoint(
    Endpoint(
        "Extend an open round (closes_at), or attach a scheduled round to a meeting of its document (meeting_id)",
        auth="secretariat",
        body=RoundPatch,
        response=RoundOut,
        errors=(409,),
        tag="rounds",
    )
)
def extend_round(round_id: int, body: RoundPatch):
    require(permissions.can_manage_rounds(g.api_user))
    found = round_service.get_round(round_id)
    given = body.model_fields_set
    if not given & {"closes_at", "meeting_id"} or ("closes_at" in given and body.closes_at is None):
        raise ValidationFailed(fields={"closes_at": _("Give a later closing time, or a meeting_id.")})
    if "meeting_id" in given:
        meeting_service.attach_round(g.api_user, body.meeting_id, found)
    if body.closes_at is not None:
        found = round_service.extend_round(g.api_user, found, body.closes_at)
    db.session.commit()
    return ok(round_out(found))


# --- Amendments -----------------------------------------------------------------------------


@bp.post("/documents/<slug>/amendments")
@endpoint(
    Endpoint(
        "Propose an amendment (only while an amendments round is open)",
        body=AmendmentCreate,
        response=AmendmentOut,
        status=201,
        errors=(403, 409, 429),
        tag="amendments",
    )
)
def propose_amendment(slug: str, body: AmendmentCreate):
    document = draft_service.get_document(slug)
    require(permissions.can_propose_amendment(g.api_user, document))
    amendment = amendment_service.propose(
        g.api_user,
        document,
        body.kind,
        body.rationale,
        principle_id=body.principle_id,
        after_principle_id=body.after_principle_id,
        title=body.title,
        text=body.text,
    )
    db.session.commit()
    return ok(amendment_out(amendment), 201)


@bp.get("/documents/<slug>/amendments")
@endpoint(
    Endpoint(
        "A document's amendments",
        response=AmendmentList,
        tag="amendments",
        query={
            "status": {"type": "string", "enum": [status.value for status in AmendmentStatus]},
            "procedure": {"type": "string", "enum": [p.value for p in Procedure]},
            "answer": {"type": "string", "enum": [a.value for a in Answer] + ["none"]},
            "needs_vote": {
                "type": "boolean",
                "description": "only the open amendments with no recommendation, recommended vote, "
                "or whose proposer objected",
            },
        },
    )
)
def list_amendments(slug: str):
    require(permissions.can_read_drafts(g.api_user))
    document = draft_service.get_document(slug)
    needs_vote = request.args.get("needs_vote", "false")
    if needs_vote not in ("true", "false"):
        raise ValidationFailed(fields={"needs_vote": _("Give true or false.")})
    listed = amendment_service.list_amendments(
        document,
        status=request.args.get("status") or None,
        with_revisions=True,
        procedure=request.args.get("procedure") or None,
        answer=request.args.get("answer") or None,
        needs_vote=needs_vote == "true",
    )
    competing = amendment_service.competing_map(listed)
    return ok(AmendmentList(amendments=[amendment_out(a, competing.get(a.id, [])) for a in listed]))


@bp.get("/amendments/<int:amendment_id>")
@endpoint(Endpoint("An amendment with its redline, lines and competitors", response=AmendmentOut, tag="amendments"))
def get_amendment(amendment_id: int):
    require(permissions.can_read_drafts(g.api_user))
    return ok(amendment_out(amendment_service.get_amendment(amendment_id)))


@bp.patch("/amendments/<int:amendment_id>")
@endpoint(
    Endpoint(
        "Revise an amendment (proposer's organisation; clears a conflict)",
        body=AmendmentPatch,
        response=AmendmentOut,
        errors=(403, 409),
        tag="amendments",
    )
)
def revise_amendment(amendment_id: int, body: AmendmentPatch):
    amendment = amendment_service.get_amendment(amendment_id)
    require(permissions.can_revise_amendment(g.api_user, amendment))
    changes = body.model_dump(exclude_unset=True)
    amendment_service.revise(
        g.api_user,
        amendment,
        rationale=changes.get("rationale"),
        title=changes.get("title"),
        text=changes.get("text"),
        after_principle_id=changes.get("after_principle_id", ...),
    )
    db.session.commit()
    return ok(amendment_out(amendment))


@bp.post("/amendments/<int:amendment_id>/withdraw")
@endpoint(
    Endpoint(
        "Withdraw an amendment (proposer's organisation)", response=AmendmentOut, errors=(403, 409), tag="amendments"
    )
)
def withdraw_amendment(amendment_id: int):
    amendment = amendment_service.get_amendment(amendment_id)
    require(permissions.can_withdraw_amendment(g.api_user, amendment))
    amendment_service.withdraw(g.api_user, amendment)
    db.session.commit()
    return ok(amendment_out(amendment))


@bp.post("/amendments/<int:amendment_id>/cosponsors")
@endpoint(
    Endpoint(
        "Co-sponsor an amendment for my organisation",
        response=AmendmentOut,
        status=201,
        errors=(403, 409),
        tag="amendments",
    )
)
def cosponsor_amendment(amendment_id: int):
    amendment = amendment_service.get_amendment(amendment_id)
    require(permissions.can_cosponsor_amendment(g.api_user, amendment))
    amendment_service.cosponsor(g.api_user, amendment)
    db.session.commit()
    return ok(amendment_out(amendment), 201)


@bp.post("/amendments/<int:amendment_id>/merge")
@endpoint(
    Endpoint(
        "Merge an amendment into a new version; rebase the others",
        auth="secretariat",
        response=MergeOut,
        errors=(409,),
        tag="amendments",
    )
)
def merge_amendment(amendment_id: int):
    amendment = amendment_service.get_amendment(amendment_id)
    require(permissions.can_merge_amendment(g.api_user, amendment))
    result = amendment_service.merge_amendment(g.api_user, amendment)
    db.session.commit()
    return ok(MergeOut(version=result.version.number, rebased=result.rebased_ids, conflicted=result.conflicted_ids))


@bp.post("/amendments/<int:amendment_id>/reject")
@endpoint(Endpoint("Reject an amendment", auth="secretariat", response=AmendmentOut, errors=(409,), tag="amendments"))
def reject_amendment(amendment_id: int):
    amendment = amendment_service.get_amendment(amendment_id)
    require(permissions.can_reject_amendment(g.api_user, amendment))
    amendment_service.reject(g.api_user, amendment)
    db.session.commit()
    return ok(amendment_out(amendment))


@bp.put("/amendments/<int:amendment_id>/recommendation")
@endpoint(
    Endpoint(
        "Record or change the recommendation on an open amendment (clears an answer)",
        auth="secretariat",
        body=RecommendationIn,
        response=AmendmentOut,
        errors=(403, 409),
        tag="amendments",
    )
)
def recommend_amendment(amendment_id: int, body: RecommendationIn):
    amendment = amendment_service.get_amendment(amendment_id)
    require(permissions.can_recommend_amendment(g.api_user, amendment))
    recommendation_service.recommend(
        g.api_user, amendment, body.procedure, body.reason, text=body.text, covered_by_id=body.covered_by_id
    )
    db.session.commit()
    return ok(amendment_out(amendment))


@bp.post("/amendments/<int:amendment_id>/recommendation/answer")
@endpoint(
    Endpoint(
        "Agree or object to the recommendation (proposer's organisation; agreeing to modified adopts "
        "the committee's text)",
        body=RecommendationAnswerIn,
        response=AmendmentOut,
        errors=(403, 409),
        tag="amendments",
    )
)
def answer_recommendation(amendment_id: int, body: RecommendationAnswerIn):
    amendment = amendment_service.get_amendment(amendment_id)
    require(permissions.can_answer_recommendation(g.api_user, amendment))
    recommendation_service.answer(g.api_user, amendment, body.agree, body.comment)
    db.session.commit()
    return ok(amendment_out(amendment))


# --- The editorial procedure: consolidated text and batch merge ------------------------------------


def consolidated_out(found: consolidation.Consolidated) -> ConsolidatedOut:
    """Describe the consolidated text, what it applied and what would not apply."""
    return ConsolidatedOut(
        document=found.document.slug,
        version=found.version,
        principles=[
            {
                "principle_id": p.principle_id,
                "number": p.number,
                "number_in_draft": p.number_in_draft,
                "change": p.change,
                "title": p.title,
                "text": p.text,
                "title_diff": p.title_diff,
                "diff": p.diff,
                "lines": {"first": p.lines[0], "last": p.lines[1]} if p.lines else None,
                "amendment_ids": list(p.amendment_ids),
            }
            for p in found.principles
        ],
        applied=[a.id for a in found.applied],
        not_applied=[
            {"amendment_id": a.id, "reason": refusal.value, "message": consolidation.refusal_text(refusal)}
            for a, refusal in found.not_applied
        ],
    )


@bp.get("/documents/<slug>/consolidated")
@endpoint(
    Endpoint(
        "The working draft with every open amendment recommended accept, or modified with the proposer's "
        "agreement, applied in list order; computed, not stored",
        response=ConsolidatedOut,
        tag="documents",
    )
)
def get_consolidated(slug: str):
    require(permissions.can_read_drafts(g.api_user))
    return ok(consolidated_out(consolidation.consolidate(draft_service.get_document(slug))))


@bp.post("/documents/<slug>/merge")
@endpoint(
    Endpoint(
        "Merge open amendments in the given order into one new version, all or nothing (409 names the first "
        "that does not apply); the others rebase once, after the batch",
        auth="secretariat",
        body=BatchMergeIn,
        response=BatchMergeOut,
        errors=(409,),
        tag="amendments",
    )
)
def merge_batch(slug: str, body: BatchMergeIn):
    document = draft_service.get_document(slug)
    require(permissions.can_merge_amendment(g.api_user))
    result = merging.merge_batch(g.api_user, document, list(body.amendment_ids))
    db.session.commit()
    return ok(
        BatchMergeOut(
            version=result.version.number,
            merged=list(result.merged_ids),
            rebased=result.rebased_ids,
            conflicted=result.conflicted_ids,
        )
    )
