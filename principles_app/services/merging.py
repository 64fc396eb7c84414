"""Merge amendments into the working draft: one, or a batch in order into one version, all or nothing.

Both run the same path: lock the document, apply the amendments in order with
``domain.merging.merge_in_order`` (refusing the whole batch, naming the first that does not apply),
write the principles, record one version, then rebase every other open amendment of a touched
principle once, onto the principle's final text. The consolidated text runs the same domain
function without writing anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from principles_app.db import utcnow
from principles_app.domain.amendments import AmendmentKind, AmendmentNews, AmendmentStatus, next_status
from principles_app.domain.merging import Change, DraftPrinciple, MergedDraft, Refusal, carry_over, merge_in_order
from principles_app.extensions import db
from principles_app.models import Amendment, Document, Principle, User, Version
from principles_app.services import amendment_states, audit, notifications
from principles_app.services.drafts import live_principles, lock_document, record_version
from principles_app.services.errors import Conflict, ValidationFailed

MAX_BATCH = 1000


@dataclass(frozen=True)
class MergeResult:
    """What a merge made: the new version and what happened to the other open amendments."""

    version: Version
    rebased_ids: list[int]
    conflicted_ids: list[int]
    merged_ids: tuple[int, ...] = ()


def change_of(amendment: Amendment) -> Change:
    """Describe what an amendment changes, for the domain's merge."""
    return Change(
        amendment_id=amendment.id,
        kind=amendment.kind,
        principle_id=amendment.principle_id,
        after_principle_id=amendment.after_principle_id,
        base_title=amendment.base_title,
        base_text=amendment.base_text,
        proposed_title=amendment.proposed_title,
        proposed_text=amendment.proposed_text,
    )


def draft_of(principles: Sequence[Principle]) -> list[DraftPrinciple]:
    """Describe the working draft's principles for the domain's merge."""
    return [DraftPrinciple(p.id, p.title, p.text) for p in principles]


def refusal_message(refusal: Refusal) -> Any:
    """Say why an amendment does not apply, as the person merging can act on it."""
    return {
        Refusal.PRINCIPLE_GONE: _l("The principle changed since this amendment was written; revise it first."),
        Refusal.CHANGED: _l("The principle changed since this amendment was written; revise it first."),
        Refusal.ANCHOR_GONE: _l("The principle this insertion follows was deleted; revise it first."),
        Refusal.CONFLICT: _l("An amendment merged before it changes the same words of the principle."),
    }[refusal]


def merge_amendment(actor: User | None, amendment: Amendment) -> MergeResult:
    """Merge one open amendment into the working draft as a new version; rebase its siblings."""
    document = lock_document(amendment.document_id)
    # Read again under the lock: a concurrent merge may have rebased or conflicted it.
    amendment = _fresh([amendment.id])[0]
    amendment_states.move(amendment, "merge")
    amendment_states.refuse_while_voted_on(amendment)
    return _merge_locked(actor, document, [amendment])


def check_batch(amendment_ids: Any) -> list[int]:
    """Refuse a batch that is not a list of distinct amendment ids (422)."""
    field = "amendment_ids"
    if (
        not isinstance(amendment_ids, list)
        or not amendment_ids
        or any(isinstance(i, bool) or not isinstance(i, int) for i in amendment_ids)
    ):
        raise ValidationFailed(fields={field: str(_l("Give a list of amendment ids."))})
    if len(amendment_ids) > MAX_BATCH:
        raise ValidationFailed(fields={field: str(_l("Give at most 1,000 amendments at once."))})
    seen: set[int] = set()
    repeated = sorted({i for i in amendment_ids if i in seen or seen.add(i)})
    if repeated:
        raise ValidationFailed(
            fields={field: str(_l("Each amendment once: %(ids)s repeated.", ids=", ".join(map(str, repeated))))}
        )
    return list(amendment_ids)


def check_members(document: Document, amendments: list[Amendment], amendment_ids: list[int]) -> None:
    """Refuse unknown amendments, those of another document and those not open (422), naming them."""
    field = "amendment_ids"
    found = {a.id for a in amendments}
    unknown = [i for i in amendment_ids if i not in found]
    if unknown:
        raise ValidationFailed(fields={field: str(_l("No such amendment: %(ids)s.", ids=", ".join(map(str, unknown))))})
    elsewhere = [a.id for a in amendments if a.document_id != document.id]
    if elsewhere:
        raise ValidationFailed(
            fields={
                field: str(
                    _l("These amendments belong to another document: %(ids)s.", ids=", ".join(map(str, elsewhere)))
                )
            }
        )
    closed = [a.id for a in amendments if a.status != AmendmentStatus.OPEN]
    if closed:
        raise ValidationFailed(
            fields={
                field: str(_l("Only open amendments can be merged; not: %(ids)s.", ids=", ".join(map(str, closed))))
            }
        )


def merge_batch(actor: User | None, document: Document, amendment_ids: Any) -> MergeResult:
    """Merge open amendments of the document in the given order into one new version, all or nothing."""
    amendment_ids = check_batch(amendment_ids)
    document = lock_document(document.id)
    amendments = _fresh(amendment_ids)
    check_members(document, amendments, amendment_ids)
    for amendment in amendments:
        amendment_states.refuse_while_voted_on(amendment)
    return _merge_locked(actor, document, amendments)


def _fresh(amendment_ids: list[int]) -> list[Amendment]:
    """Read the amendments fresh under the document lock, in the order given."""
    rows = db.session.execute(
        select(Amendment)
        .where(Amendment.id.in_(amendment_ids))
        .options(selectinload(Amendment.revisions))
        .execution_options(populate_existing=True)
    ).scalars()
    by_id = {a.id: a for a in rows}
    return [by_id[i] for i in amendment_ids if i in by_id]


def _merge_locked(actor: User | None, document: Document, amendments: list[Amendment]) -> MergeResult:
    principles = live_principles(document, refresh=True)
    merged = merge_in_order(draft_of(principles), [change_of(a) for a in amendments], stop_at_first=True)
    if merged.refused:
        refused_id, refusal = merged.refused[0]
        if len(amendments) == 1:
            raise Conflict(refusal_message(refusal))
        why = refusal_message(refusal)
        message = _l(
            "Amendment %(id)s does not apply after the ones before it: %(why)s Nothing was merged.",
            id=refused_id,
            why=why,
        )
        raise Conflict(message, fields={"amendment_ids": str(message)})
    number = document.current_version + 1
    now = utcnow()
    new_principles = _write_principles(document, principles, merged, now)
    by_id = {a.id: a for a in amendments}
    for amendment in amendments:
        if amendment.kind == AmendmentKind.INSERT:
            amendment.principle_id = new_principles[("new", amendment.id)].id
        amendment.status = AmendmentStatus.MERGED
        amendment.merged_in_version = number
        amendment.updated_at = now
    db.session.flush()
    rebased, conflicted = _rebase_siblings(actor, document, merged, set(by_id), number, now)
    version = record_version(actor, document, number, live_principles(document, refresh=True), list(by_id))
    for amendment in amendments:
        details: dict[str, Any] = {"version": version.number, "rebased": rebased, "conflicted": conflicted}
        if len(amendments) > 1:
            details["batch"] = list(by_id)
        audit.record("amendment.merged", "amendment", amendment.id, details, actor)
        notifications.notify_amendment_outcome(amendment, AmendmentNews.MERGED)
    return MergeResult(version, rebased, conflicted, tuple(by_id))


def _write_principles(
    document: Document, principles: list[Principle], merged: MergedDraft, now
) -> dict[object, Principle]:
    """Make the working draft read as the merged draft: texts, numbers, deletions, insertions."""
    by_key: dict[object, Principle] = {p.id: p for p in principles}
    for key in merged.deleted:
        gone = by_key[key]
        gone.number, gone.deleted_at = None, now
    created: dict[object, Principle] = {}
    for position, drafted in enumerate(merged.principles, start=1):
        row = by_key.get(drafted.key)
        if row is None:
            row = Principle(document_id=document.id, number=position, title=drafted.title, text=drafted.text)
            db.session.add(row)
            created[drafted.key] = row
            continue
        if (row.number, row.title, row.text) != (position, drafted.title, drafted.text):
            row.number, row.title, row.text = position, drafted.title, drafted.text
    db.session.flush()
    return created


def _rebase_siblings(
    actor: User | None, document: Document, merged: MergedDraft, batch: set[int], number: int, now
) -> tuple[list[int], list[int]]:
    """Rebase, once, every other open amendment of a changed principle onto its final text; conflict the rest."""
    touched = [key for key in merged.changed_by if isinstance(key, int)]
    if not touched:
        return [], []
    deleted = [key for key in merged.deleted if isinstance(key, int)]
    on_principle = (Amendment.kind != AmendmentKind.INSERT) & Amendment.principle_id.in_(touched)
    if deleted:
        on_principle = on_principle | (
            (Amendment.kind == AmendmentKind.INSERT) & Amendment.after_principle_id.in_(deleted)
        )
    siblings = db.session.execute(
        select(Amendment)
        .where(
            Amendment.document_id == document.id,
            Amendment.id.not_in(batch),
            Amendment.status == AmendmentStatus.OPEN,
            on_principle,
        )
        .options(selectinload(Amendment.revisions), selectinload(Amendment.proposer))
        .order_by(Amendment.id)
        .execution_options(populate_existing=True)
    ).scalars()
    final = {p.key: p for p in merged.principles}
    rebased: list[int] = []
    conflicted: list[int] = []
    for sibling in siblings:
        place = sibling.after_principle_id if sibling.kind == AmendmentKind.INSERT else sibling.principle_id
        merged_by = merged.changed_by.get(place, [])
        reason = "principle deleted" if place in deleted else None
        target = final.get(sibling.principle_id)
        carried = None
        if reason is None and target is not None:
            carried = carry_over(
                sibling.kind,
                sibling.base_title,
                sibling.base_text,
                sibling.proposed_title,
                sibling.proposed_text,
                target.title,
                target.text,
            )
        if carried is None:
            reason = reason or "amendment {} merged".format(", ".join(map(str, merged_by)))
            sibling.status = next_status(sibling.status, "conflict")
            sibling.updated_at = now
            audit.record("amendment.conflicted", "amendment", sibling.id, {"reason": reason}, actor)
            notifications.notify_amendment_outcome(sibling, AmendmentNews.CONFLICTED)
            conflicted.append(sibling.id)
            continue
        sibling.base_title, sibling.base_text = target.title, target.text
        sibling.proposed_title, sibling.proposed_text = carried
        sibling.base_version = number
        sibling.updated_at = now
        amendment_states.record_revision(sibling, "rebased", actor)
        notifications.notify_amendment_outcome(sibling, AmendmentNews.REBASED)
        rebased.append(sibling.id)
    return rebased, conflicted
