"""Draft pages: documents, the working draft with line numbers, versions and redlines."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from principles_app import permissions
from principles_app.domain.amendments import AmendmentKind, AmendmentStatus
from principles_app.domain.diffing import numbered_lines
from principles_app.domain.procedure import Answer, Procedure
from principles_app.domain.rounds import RoundKind, RoundState
from principles_app.services import amendments as amendment_service
from principles_app.services import consolidation, merging
from principles_app.services import drafts as draft_service
from principles_app.services import points as point_service
from principles_app.services import rounds as round_service
from principles_app.services.errors import ValidationFailed
from principles_app.services.translations import TRANSLATION_LANGUAGES
from principles_app.web.amendments.presenters import competing_groups, describe_all, lines_label, redline
from principles_app.web.drafts.forms import BatchMergeForm, DocumentForm, parse_ids, parse_principles
from principles_app.web.paging import paginate
from principles_app.web.submitting import done, submit
from principles_app.web.translations.views import draft_translations, requested_text_language

bp = Blueprint("drafts", __name__, url_prefix="/documents")


@bp.before_request
@login_required
def _signed_in_only():
    # Drafts are for signed-in users; public readers only ever see publications.
    if not permissions.can_read_drafts(current_user):
        abort(403)


@bp.app_template_global()
def draft_documents():
    """List the documents for the home page of a signed-in user."""
    if not permissions.can_read_drafts(current_user):
        return []
    return draft_service.list_documents()


@bp.get("/")
def index():
    return render_template("drafts/index.html", documents=draft_service.list_documents())


@bp.route("/new", methods=["GET", "POST"])
def new_document():
    if not permissions.can_create_document(current_user):
        abort(403)
    form = DocumentForm()
    outcome = submit(
        form,
        lambda: draft_service.create_document(
            current_user, form.slug.data, form.title.data, form.preamble.data, parse_principles(form.principles.data)
        ),
    )
    if outcome.succeeded:
        return done(_("Document created as version 1."), url_for("drafts.document", slug=outcome.result.slug))
    return render_template("drafts/new_document.html", form=form), outcome.status


@bp.get("/<slug>/")
def document(slug: str):
    found = draft_service.get_document(slug)
    width = draft_service.line_width()
    principles = draft_service.live_principles(found)
    views = describe_all(amendment_service.list_amendments(found, status=AmendmentStatus.OPEN.value), current_user)
    on_principle: dict[int, list] = {p.id: [] for p in principles}
    after_principle: dict[int | None, list] = {}
    for view in views:
        a = view.amendment
        if a.kind.value == AmendmentKind.INSERT:
            after_principle.setdefault(a.after_principle_id, []).append(view)
        else:
            on_principle.setdefault(a.principle_id, []).append(view)
    rows = [
        {
            "principle": p,
            "lines": numbered_lines(p.text, width),
            "amendments": on_principle.get(p.id, []),
            "groups": competing_groups(on_principle.get(p.id, [])),
            "inserts_after": after_principle.get(p.id, []),
        }
        for p in principles
    ]
    text_lang = requested_text_language()
    return render_template(
        "drafts/document.html",
        document=found,
        rows=rows,
        text_lang=text_lang,
        text_languages=TRANSLATION_LANGUAGES,
        translations=draft_translations(principles, text_lang),
        switch_url=lambda code: url_for("drafts.document", slug=found.slug, text_lang=code),
        can_translate=permissions.can_translate(current_user),
        inserts_first=after_principle.get(None, []),
        current_round=round_service.open_round_of(found),
        accepting=round_service.accepting_amendments(found) is not None,
        can_propose=permissions.can_propose_amendment(current_user, found),
        open_count=len(views),
        # Key points each principle draws on (SPEC §16).
        sources=point_service.sources_by_principle([p.id for p in principles], current_user),
        can_link_sources=permissions.can_link_sources(current_user),
    )


def _voting_round(document):
    """Return the voting round an amendment can be put into now: the open one, else the first scheduled."""
    usable = [
        r
        for r in round_service.list_rounds(document)
        if r.kind == RoundKind.VOTING and r.state in (RoundState.OPEN, RoundState.SCHEDULED)
    ]
    usable.sort(key=lambda r: (r.state != RoundState.OPEN, r.id))
    return usable[0] if usable else None


@bp.get("/<slug>/amendments/")
def amendments(slug: str):
    return _amendments_page(draft_service.get_document(slug))


def _amendments_page(found, batch_form: BatchMergeForm | None = None, status: int = 200):
    """Show the amendment list with its filters, and to the secretariat the batch-merge form."""
    status_filter = request.args.get("status") or None
    if status_filter is not None and status_filter not in {s.value for s in AmendmentStatus}:
        abort(404)
    procedure = request.args.get("procedure") or None
    answer = request.args.get("answer") or None
    needs_vote = request.args.get("needs_vote") == "true"
    if procedure is not None and procedure not in {p.value for p in Procedure}:
        abort(404)
    if answer is not None and answer not in {a.value for a in Answer} | {"none"}:
        abort(404)
    paged = paginate(
        amendment_service.amendments_query(
            found,
            status=status_filter,
            procedure=procedure,
            answer=answer,
            needs_vote=needs_vote,
            with_revisions=True,
        )
    )
    views = describe_all(paged.items, current_user)
    if batch_form is None and permissions.can_merge_amendment(current_user):
        # Offered filled with what the committee recommends accepting, in list order.
        recommended = consolidation.recommended_amendments(found)
        batch_form = BatchMergeForm(formdata=None, amendment_ids=", ".join(str(a.id) for a in recommended))
    return render_template(
        "drafts/amendments.html",
        document=found,
        views=views,
        status=status_filter,
        statuses=[s.value for s in AmendmentStatus],
        procedure=procedure,
        answer=answer,
        needs_vote=needs_vote,
        vote_round=_voting_round(found) if permissions.can_put_motion(current_user) else None,
        procedures=list(Procedure),
        answers=list(Answer),
        batch_form=batch_form,
        page=paged.page,
        page_url=paged.page_url,
    ), status


@bp.post("/<slug>/merge")
def merge_batch(slug: str):
    """Merge the listed amendments in order into one new version, from the amendment list."""
    if not permissions.can_merge_amendment(current_user):
        abort(403)
    found = draft_service.get_document(slug)
    form = BatchMergeForm()

    def call():
        ids = parse_ids(form.amendment_ids.data or "")
        if ids is None:
            raise ValidationFailed(fields={"amendment_ids": _("Give amendment numbers separated by commas.")})
        return merging.merge_batch(current_user, found, ids)

    outcome = submit(form, call)
    if outcome.succeeded:
        result = outcome.result
        message = _(
            "Merged %(count)s amendments as version %(v)s; %(rebased)s others moved onto the new text, "
            "%(conflicted)s now conflict.",
            count=len(result.merged_ids),
            v=result.version.number,
            rebased=len(result.rebased_ids),
            conflicted=len(result.conflicted_ids),
        )
        return done(message, url_for("drafts.amendments", slug=found.slug))
    return _amendments_page(found, form, outcome.status)


@bp.get("/<slug>/consolidated")
def consolidated(slug: str):
    """Show the working draft as it would read with the recommended amendments merged."""
    found = draft_service.get_document(slug)
    return render_template(
        "drafts/consolidated.html",
        document=found,
        consolidated=consolidation.consolidate(found),
        redline=lambda diff: redline(diff),
        lines_label=lines_label,
        refusal_text=consolidation.refusal_text,
    )


@bp.get("/<slug>/versions/")
def versions(slug: str):
    found = draft_service.get_document(slug)
    history = draft_service.list_versions(found)
    a, b = request.args.get("a", type=int), request.args.get("b", type=int)
    if a and b:
        return redirect(url_for("drafts.compare", slug=slug, a=a, b=b))
    return render_template("drafts/versions.html", document=found, versions=history)


@bp.get("/<slug>/versions/<int:number>/")
def version(slug: str, number: int):
    found = draft_service.get_document(slug)
    frozen = draft_service.get_version(found, number)
    width = draft_service.line_width()
    rows = [{"principle": p, "lines": numbered_lines(p["text"], width)} for p in frozen.snapshot["principles"]]
    return render_template("drafts/version.html", document=found, version=frozen, rows=rows)


@bp.get("/<slug>/compare/<int:a>/<int:b>/")
def compare(slug: str, a: int, b: int):
    found = draft_service.get_document(slug)
    old, new = draft_service.get_version(found, a), draft_service.get_version(found, b)
    comparison = draft_service.compare_snapshots(old.snapshot, new.snapshot, _("deleted:"), _("inserted:"))
    return render_template("drafts/compare.html", document=found, old=old, new=new, comparison=comparison)
