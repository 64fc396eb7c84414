"""Voting pages: a round's motions and participation, the ballot page, results with charts."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from principles_app import permissions
from principles_app.db import utcnow
from principles_app.domain.amendments import AmendmentStatus
from principles_app.domain.rounds import (
    RoundKind,
    RoundState,
    accepts_input,
    allowed_actions,
)
from principles_app.labels import CATEGORY_NAMES, REGION_NAMES
from principles_app.services import amendments as amendment_service
from principles_app.services import ballots, closing, motions, results
from principles_app.services import blocks as block_service
from principles_app.services import rounds as round_service
from principles_app.services.errors import ValidationFailed
from principles_app.web.amendments.forms import ActionForm
from principles_app.web.amendments.presenters import describe
from principles_app.web.choices import options
from principles_app.web.drafts.forms import parse_ids
from principles_app.web.rounds.forms import ExtendForm
from principles_app.web.submitting import act, done, submit
from principles_app.web.voting import desk as ballot_desk
from principles_app.web.voting.charts import choice_bars, participation_bars
from principles_app.web.voting.forms import BallotForm, PutBlockForm, PutMotionForm

bp = Blueprint("voting", __name__)


@bp.before_request
@login_required
def _signed_in_only():
    if not permissions.can_read_results(current_user):
        abort(403)


def _motion_views(target) -> list[dict]:
    """Describe each motion with its redline (amendments) or the version it adopts."""
    views = []
    found = motions.motions_of(target)
    blocks_of = block_service.block_ids(found)
    for motion in found:
        block = blocks_of[motion.id]
        views.append(
            {
                "motion": motion,
                # A voting block: every amendment it carries, each with its redline.
                "block": [describe(amendment_service.get_amendment(i), viewer=current_user) for i in block]
                if len(block) > 1
                else [],
                "amendment": describe(motion.amendment, viewer=current_user) if motion.amendment else None,
                "participation": results.result_for(motion)["participation"]
                if not results.is_decided(motion)
                else None,
            }
        )
    return views


def _put_form(target) -> PutMotionForm | None:
    if not (
        permissions.can_put_motion(current_user)
        and target.kind == RoundKind.VOTING
        and target.state != RoundState.CLOSED
    ):
        return None
    form = PutMotionForm()
    already = {m.amendment_id for m in motions.motions_of(target)}
    candidates = [
        a
        for a in amendment_service.list_amendments(target.document, status=AmendmentStatus.OPEN.value)
        if a.id not in already
    ]
    form.amendment_id.choices = options((a.id, describe(a).heading) for a in candidates)
    if not form.is_submitted():
        # "Put to the vote" from the amendment list arrives with the amendment chosen.
        wanted = request.args.get("amendment_id", type=int)
        if wanted in {a.id for a in candidates}:
            form.amendment_id.data = wanted
    return form


def _round_page(target, put_form=None, status: int = 200, desks: dict | None = None, block_form=None):
    now = utcnow()
    put_form = put_form or _put_form(target)
    return render_template(
        "voting/round.html",
        round=target,
        motions=_motion_views(target),
        put_form=put_form,
        block_form=block_form or (PutBlockForm(formdata=None) if put_form is not None else None),
        action_form=ActionForm(),
        extend_form=ExtendForm(prefix=f"r{target.id}", closes_at=target.closes_at),
        allowed=allowed_actions(target.state),
        can_manage=permissions.can_manage_rounds(current_user),
        can_vote=permissions.can_vote(current_user),
        accepting=accepts_input(target.state, target.closes_at, now),
        chart=participation_bars,
        REGION_NAMES=REGION_NAMES,
        desks=desks if desks is not None else ballot_desk.desks_for(target),
        # A scheduled round of a meeting says while it waits that the meeting's quorum holds it back.
        quorum_shortfall=closing.meeting_quorum_shortfall(target) if target.state == RoundState.SCHEDULED else None,
    ), status


def round_page_with(target, status: int, desks: dict):
    """Show the round page with the secretariat's desk as given (a paper ballot form sent back with its errors)."""
    return _round_page(target, status=status, desks=desks)


@bp.get("/rounds/<int:round_id>/")
def round_page(round_id: int):
    """Show a round's motions, participation or results, and its controls."""
    return _round_page(round_service.get_round(round_id))


@bp.post("/rounds/<int:round_id>/motions")
def put_motion(round_id: int):
    """Put an amendment to the vote from the round page."""
    if not permissions.can_put_motion(current_user):
        abort(403)
    target = round_service.get_round(round_id)
    form = _put_form(target)
    if form is None:
        abort(409)
    outcome = submit(
        form,
        lambda: motions.put_motion(current_user, target, amendment_service.get_amendment(form.amendment_id.data)),
        raise_for=(404,),
    )
    if outcome.succeeded:
        return done(_("The amendment is put to the vote."), url_for("voting.round_page", round_id=round_id))
    return _round_page(target, form, outcome.status)


@bp.post("/rounds/<int:round_id>/blocks")
def put_block(round_id: int):
    """Put several amendments to the vote as one block from the round page."""
    if not permissions.can_put_motion(current_user):
        abort(403)
    target = round_service.get_round(round_id)
    form = PutBlockForm()

    def call():
        ids = parse_ids(form.amendment_ids.data or "")
        if ids is None:
            raise ValidationFailed(fields={"amendment_ids": _("Give amendment numbers separated by commas.")})
        return block_service.put_block(current_user, target, ids)

    outcome = submit(form, call)
    if outcome.succeeded:
        return done(
            _("The amendments are put to the vote as one block."), url_for("voting.round_page", round_id=round_id)
        )
    return _round_page(target, status=outcome.status, block_form=form)


@bp.post("/motions/<int:motion_id>/remove")
def remove_motion(motion_id: int):
    """Take a motion off a scheduled round from the round page."""
    if not permissions.can_remove_motion(current_user):
        abort(403)
    motion = motions.get_motion(motion_id)
    round_id = motion.round_id
    act(ActionForm(), lambda: motions.remove_motion(current_user, motion))
    return done(
        _("The motion is removed; the amendment can change again."), url_for("voting.round_page", round_id=round_id)
    )


def _ballot_rows(target, refused: BallotForm | None = None, on_behalf_of: int | None = None):
    """Describe each motion with the organisation's ballot, its history and the form to cast or change it.

    With ``on_behalf_of``: the ballot of an organisation whose proxy the delegate's organisation holds.
    """
    sheet = ballots.ballot_sheet(current_user, target, on_behalf_of)
    rows = []
    for view in _motion_views(target):
        motion = view["motion"]
        ballot, history = sheet.get(motion.id, (None, []))
        form = BallotForm(
            prefix=_ballot_prefix(motion.id, on_behalf_of),
            formdata=None,
            motion_id=str(motion.id),
            choice=ballot.choice if ballot else None,
        )
        if refused is not None and refused.motion_id.data == str(motion.id):
            form = refused  # shown again as the delegate sent it, with the reason it was refused
        rows.append({**view, "ballot": ballot, "form": form, "history": history})
    return rows


def _ballot_prefix(motion_id: int, on_behalf_of: int | None) -> str:
    return f"m{motion_id}" if on_behalf_of is None else f"m{motion_id}o{on_behalf_of}"


def _may_vote_in(target) -> None:
    """Abort unless the signed-in delegate's organisation is in this round's electorate."""
    if not permissions.can_vote(current_user):
        abort(403)
    if target.kind not in motions.VOTING_KINDS:
        abort(404)
    if motions.elector_of(target, current_user.organisation_id) is None:
        abort(403)


def _ballot_page(target, status: int = 200, refused: BallotForm | None = None, refused_for: int | None = None):
    elector = motions.elector_of(target, current_user.organisation_id)
    proxies = [
        {
            "giver": giver,
            "elector": motions.elector_of(target, giver.id),
            "rows": _ballot_rows(target, refused if refused_for == giver.id else None, on_behalf_of=giver.id),
        }
        for giver in ballots.proxy_givers(current_user, target)
    ]
    return render_template(
        "voting/ballot.html",
        round=target,
        rows=_ballot_rows(target, refused if refused_for is None else None),
        elector=elector,
        # While the organisation's proxy stands, the holder's delegates vote for it.
        proxy_holder=ballots.proxy_holder(target, current_user.organisation_id),
        proxies=proxies,
        accepting=accepts_input(target.state, target.closes_at, utcnow()),
    ), status


@bp.get("/rounds/<int:round_id>/ballot")
def ballot_page(round_id: int):
    """Show the organisation's ballot: each redline next to its choice."""
    target = round_service.get_round(round_id)
    _may_vote_in(target)
    return _ballot_page(target)


@bp.post("/motions/<int:motion_id>/ballot")
def cast_ballot(motion_id: int):
    """Cast or change the organisation's ballot on one motion (or, as proxy, the giver's)."""
    motion = motions.get_motion(motion_id)
    target = motion.round
    _may_vote_in(target)
    raw = request.form.get("on_behalf_of", "")
    if raw and not (raw.isdigit() and 1 <= int(raw) <= 2**31 - 1):
        abort(422)
    on_behalf_of = int(raw) if raw else None
    if on_behalf_of is not None and on_behalf_of not in {o.id for o in ballots.proxy_givers(current_user, target)}:
        abort(403)
    form = BallotForm(prefix=_ballot_prefix(motion.id, on_behalf_of))
    if form.motion_id.data != str(motion.id):  # a form of another motion: nothing of it to show again
        return _ballot_page(target, 422)
    outcome = submit(
        form, lambda: ballots.cast_ballot(current_user, motion.id, form.choice.data, on_behalf_of=on_behalf_of)
    )
    if outcome.succeeded:
        return done(
            _("Ballot recorded. Your receipt: %(receipt)s", receipt=outcome.result.receipt),
            url_for("voting.ballot_page", round_id=target.id),
        )
    return _ballot_page(target, outcome.status, refused=form, refused_for=on_behalf_of)


@bp.get("/motions/<int:motion_id>/result")
def result_page(motion_id: int):
    """Show a motion's participation, or its result with charts and tables."""
    motion = motions.get_motion(motion_id)
    result = results.result_for(motion, current_user)
    view = describe(motion.amendment, viewer=current_user) if motion.amendment else None
    charts = {}
    if result["state"] == RoundState.CLOSED:
        charts["overall"] = choice_bars(
            result["tally"],
            result["participation"]["eligible_weight"],
            result["participation"]["eligible_count"],
            "chart-overall-title",
        )
    else:
        charts["participation"] = participation_bars(
            result["participation"]["by_region"], REGION_NAMES, "chart-participation-title"
        )
    return render_template(
        "voting/result.html",
        motion=motion,
        round=motion.round,
        result=result,
        view=view,
        charts=charts,
        REGION_NAMES=REGION_NAMES,
        CATEGORY_NAMES=CATEGORY_NAMES,
    )
