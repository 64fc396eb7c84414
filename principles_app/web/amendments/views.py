"""Amendment pages: propose, read with its redline, revise, withdraw, co-sponsor, merge, reject."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from principles_app import permissions
from principles_app.domain.amendments import AmendmentKind, AmendmentStatus, allowed_actions
from principles_app.domain.diffing import word_diff
from principles_app.domain.procedure import Procedure
from principles_app.services import amendments as amendment_service
from principles_app.services import drafts as draft_service
from principles_app.services import recommendations as recommendation_service
from principles_app.services import rounds as round_service
from principles_app.web.amendments.forms import ActionForm, AnswerForm, ProposeForm, RecommendForm, ReviseForm
from principles_app.web.amendments.presenters import describe, redline
from principles_app.web.choices import options
from principles_app.web.submitting import act, done, submit

bp = Blueprint("amendments", __name__)


@bp.before_request
@login_required
def _signed_in_only():
    if not permissions.can_read_drafts(current_user):
        abort(403)


def _int_or_none(value):
    return int(value) if value not in (None, "", "first") and str(value).isdigit() else None


@bp.route("/documents/<slug>/amendments/new", methods=["GET", "POST"])
def propose(slug: str):
    document = draft_service.get_document(slug)
    if not permissions.can_propose_amendment(current_user, document):
        abort(403)
    principles = draft_service.live_principles(document)
    form = ProposeForm()
    form.after_principle_id.choices = options(
        [("first", _("At the start"))]
        + [(str(p.id), _("Principle %(n)s: %(title)s", n=p.number, title=p.title)) for p in principles]
    )
    target = None
    requested = request.args.get("principle", type=int) or _int_or_none(form.principle_id.data)
    if requested is not None:
        target = next((p for p in principles if p.id == requested), None)
        if target is None:
            abort(404)
    if request.method == "GET":
        form.kind.data = (
            request.args.get("kind") if request.args.get("kind") in tuple(AmendmentKind) else AmendmentKind.MODIFY.value
        )
        if target is not None:
            form.principle_id.data = str(target.id)
            form.after_principle_id.data = str(target.id)
            if form.kind.data == AmendmentKind.MODIFY:
                form.title.data, form.text.data = target.title, target.text
    accepting = round_service.accepting_amendments(document) is not None
    kind = form.kind.data
    outcome = submit(
        form,
        lambda: amendment_service.propose(
            current_user,
            document,
            kind,
            form.rationale.data,
            principle_id=target.id if target is not None and kind != AmendmentKind.INSERT else None,
            after_principle_id=_int_or_none(form.after_principle_id.data) if kind == AmendmentKind.INSERT else None,
            title=form.title.data,
            text=form.text.data if kind != AmendmentKind.DELETE else None,
        ),
    )
    if outcome.succeeded:
        return done(_("Your amendment was proposed."), url_for("amendments.show", amendment_id=outcome.result.id))
    return render_template(
        "amendments/propose.html", form=form, document=document, target=target, accepting=accepting
    ), outcome.status


@bp.get("/amendments/<int:amendment_id>")
def show(amendment_id: int):
    amendment = amendment_service.get_amendment(amendment_id)
    view = describe(amendment, viewer=current_user)
    competitors = [amendment_service.get_amendment(i) for i in view.competing_with]
    user = current_user
    actions = set(allowed_actions(amendment.status))
    return render_template(
        "amendments/amendment.html",
        view=view,
        amendment=amendment,
        document=amendment.document,
        competitors=[describe(c, [], user) for c in competitors],
        action_form=ActionForm(),
        **_procedure_forms(amendment),
        revision_redline=lambda r: redline(word_diff(r.base_text, r.proposed_text)),
        can={
            "revise": "revise" in actions and permissions.can_revise_amendment(user, amendment),
            "withdraw": "withdraw" in actions and permissions.can_withdraw_amendment(user, amendment),
            "cosponsor": "cosponsor" in actions
            and permissions.can_cosponsor_amendment(user, amendment)
            and all(c.organisation_id != user.organisation_id for c in amendment.cosponsors),
            "merge": "merge" in actions and permissions.can_merge_amendment(user, amendment),
            "reject": "reject" in actions and permissions.can_reject_amendment(user, amendment),
        },
    )


@bp.route("/amendments/<int:amendment_id>/revise", methods=["GET", "POST"])
def revise(amendment_id: int):
    amendment = amendment_service.get_amendment(amendment_id)
    if not permissions.can_revise_amendment(current_user, amendment):
        abort(403)
    form = ReviseForm()
    if request.method == "GET":
        form.rationale.data = amendment.rationale
        form.title.data = amendment.proposed_title
        form.text.data = amendment.proposed_text
    outcome = submit(
        form,
        lambda: amendment_service.revise(
            current_user,
            amendment,
            rationale=form.rationale.data,
            title=form.title.data or None,
            text=None if amendment.kind == AmendmentKind.DELETE else form.text.data,
        ),
    )
    if outcome.succeeded:
        return done(_("Your revision was saved."), url_for("amendments.show", amendment_id=amendment.id))
    return render_template(
        "amendments/revise.html", form=form, amendment=amendment, document=amendment.document
    ), outcome.status


def _act(amendment_id: int, allowed, action, said):
    amendment = amendment_service.get_amendment(amendment_id)
    if not allowed(current_user, amendment):
        abort(403)
    result = act(ActionForm(), lambda: action(current_user, amendment))
    return done(said if not callable(said) else said(result), url_for("amendments.show", amendment_id=amendment.id))


@bp.post("/amendments/<int:amendment_id>/withdraw")
def withdraw(amendment_id: int):
    return _act(
        amendment_id, permissions.can_withdraw_amendment, amendment_service.withdraw, _("The amendment was withdrawn.")
    )


@bp.post("/amendments/<int:amendment_id>/cosponsor")
def cosponsor(amendment_id: int):
    return _act(
        amendment_id,
        permissions.can_cosponsor_amendment,
        amendment_service.cosponsor,
        _("Your organisation now co-sponsors this amendment."),
    )


@bp.post("/amendments/<int:amendment_id>/reject")
def reject(amendment_id: int):
    return _act(
        amendment_id, permissions.can_reject_amendment, amendment_service.reject, _("The amendment was rejected.")
    )


@bp.post("/amendments/<int:amendment_id>/merge")
def merge(amendment_id: int):
    def said(result):
        sentences = [_("Merged as version %(v)s.", v=result.version.number)]
        if result.rebased_ids:
            sentences.append(
                ngettext(
                    "%(num)d other amendment was moved onto the new text.",
                    "%(num)d other amendments were moved onto the new text.",
                    len(result.rebased_ids),
                )
            )
        if result.conflicted_ids:
            sentences.append(
                ngettext(
                    "%(num)d other amendment now conflicts with it and needs revision.",
                    "%(num)d other amendments now conflict with it and need revision.",
                    len(result.conflicted_ids),
                )
            )
        return " ".join(sentences)

    return _act(amendment_id, permissions.can_merge_amendment, amendment_service.merge_amendment, said)


REVISION_NAMES = {
    "proposed": _l("Proposed"),
    "revised": _l("Revised"),
    "rebased": _l("Rebased onto a newer version"),
    "recommendation": _l("The committee’s text, agreed by the proposer"),
}


@bp.app_context_processor
def _revision_names():
    # Amendment statuses are named in principles_app.labels, shared with the services.
    return {"REVISION_NAMES": REVISION_NAMES}


# --- The editorial procedure: recommendation and answer ------------------------------------------


def _recommend_form(amendment, form: RecommendForm | None = None) -> RecommendForm:
    form = form or RecommendForm()
    others = [
        a
        for a in amendment_service.list_amendments(amendment.document, status=AmendmentStatus.OPEN.value)
        if a.id != amendment.id
    ]
    form.covered_by_id.choices = options([("", _("—"))] + [(str(a.id), _("Amendment %(id)s", id=a.id)) for a in others])
    return form


def _procedure_forms(amendment) -> dict:
    """What the amendment page shows of the procedure: the committee's redline and the forms the viewer may use."""
    recommendation = amendment.recommendation
    shown = {
        "recommend_form": None,
        "answer_form": None,
        "committee_redline": None,
        "on_older_text": amendment_service.recommended_on_older_text(amendment),
    }
    if recommendation is not None and recommendation.procedure == Procedure.MODIFIED and recommendation.text:
        shown["committee_redline"] = redline(word_diff(amendment.proposed_text, recommendation.text))
    if amendment.status == AmendmentStatus.OPEN and permissions.can_recommend_amendment(current_user, amendment):
        form = _recommend_form(amendment)
        if recommendation is not None:
            form.procedure.data, form.reason.data = recommendation.procedure.value, recommendation.reason
            form.text.data = recommendation.text or ""
            form.covered_by_id.data = str(recommendation.covered_by_id or "")
        shown["recommend_form"] = form
    if (
        amendment.status == AmendmentStatus.OPEN
        and recommendation is not None
        and recommendation.answer is None
        and permissions.can_answer_recommendation(current_user, amendment)
    ):
        shown["answer_form"] = AnswerForm()
    return shown


@bp.route("/amendments/<int:amendment_id>/recommendation", methods=["GET", "POST"])
def recommend(amendment_id: int):
    amendment = amendment_service.get_amendment(amendment_id)
    if not permissions.can_recommend_amendment(current_user, amendment):
        abort(403)
    form = _recommend_form(amendment)
    procedure = form.procedure.data
    outcome = submit(
        form,
        lambda: recommendation_service.recommend(
            current_user,
            amendment,
            procedure,
            form.reason.data,
            text=(form.text.data or None) if procedure == Procedure.MODIFIED else None,
            covered_by_id=_int_or_none(form.covered_by_id.data) if procedure == Procedure.COVERED_BY else None,
        ),
        raise_for=(404,),
    )
    if outcome.succeeded:
        return done(_("The recommendation was saved."), url_for("amendments.show", amendment_id=amendment.id))
    return render_template(
        "amendments/recommendation_form.html",
        amendment=amendment,
        document=amendment.document,
        recommend_form=form,
        answer_form=None,
    ), outcome.status


@bp.route("/amendments/<int:amendment_id>/recommendation/answer", methods=["GET", "POST"])
def answer(amendment_id: int):
    amendment = amendment_service.get_amendment(amendment_id)
    if not permissions.can_answer_recommendation(current_user, amendment):
        abort(403)
    form = AnswerForm()
    outcome = submit(
        form,
        lambda: recommendation_service.answer(
            current_user,
            amendment,
            True if form.agree.data else (False if form.object.data else None),
            form.comment.data or None,
        ),
        raise_for=(404,),
    )
    if outcome.succeeded:
        said = _("Your organisation agreed.") if form.agree.data else _("Your organisation objected.")
        return done(said, url_for("amendments.show", amendment_id=amendment.id))
    return render_template(
        "amendments/recommendation_form.html",
        amendment=amendment,
        document=amendment.document,
        recommend_form=None,
        answer_form=form,
    ), outcome.status
