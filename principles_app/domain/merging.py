"""Merging amendments into a working draft in order, with the rebase rules of SPEC §2.

Pure Python: the merge service (one amendment or a batch) and the consolidated text both run
their amendments through ``merge_in_order``, so what the consolidated text shows is exactly what
a batch merge of the same amendments would make.

An amendment applies to the principle as it stands after the ones before it: when nothing before
it touched its principle, its base must be the principle's text (else the principle changed since it
was written); when one did, its change is carried over as a rebase (``carry_over``), which must be
clean and must still change something. A deletion does not apply after another change to its
principle, an insertion not after the deletion of the principle it follows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from principles_app.domain.amendments import AmendmentKind
from principles_app.domain.diffing import rebase


class Refusal(StrEnum):
    """Say why an amendment does not apply after the ones before it."""

    PRINCIPLE_GONE = "principle_gone"  # its principle is deleted (or was never in the draft)
    ANCHOR_GONE = "anchor_gone"  # the principle an insertion follows is deleted
    CHANGED = "changed"  # the principle changed since it was written, and no earlier one in the batch did it
    CONFLICT = "conflict"  # an earlier amendment in the batch changed the same words (or the principle it deletes)


@dataclass(frozen=True)
class DraftPrinciple:
    """One principle of a working draft: ``key`` is the principle id, or ``("new", amendment_id)`` once inserted."""

    key: object
    title: str
    text: str


@dataclass(frozen=True)
class Change:
    """What one amendment changes, as the merge needs it."""

    amendment_id: int
    kind: AmendmentKind
    principle_id: int | None
    after_principle_id: int | None
    base_title: str
    base_text: str
    proposed_title: str
    proposed_text: str


@dataclass
class MergedDraft:
    """The draft after merging: its principles in order, what applied, and what did not (with why)."""

    principles: list[DraftPrinciple]
    applied: list[int] = field(default_factory=list)
    refused: list[tuple[int, Refusal]] = field(default_factory=list)
    deleted: list[object] = field(default_factory=list)
    # Keys of the principles a merged amendment changed, inserted or deleted, with who did it.
    changed_by: dict[object, list[int]] = field(default_factory=dict)


def carry_over(
    kind: AmendmentKind, base_title: str, base_text: str, proposed_title: str, proposed_text: str, title: str, text: str
) -> tuple[str, str] | None:
    """Carry an amendment's change onto the principle's new title and text, or None on conflict."""
    if kind == AmendmentKind.DELETE:
        return None
    new_title = title
    if proposed_title != base_title:
        if title != base_title and title != proposed_title:
            return None  # both changed the title differently
        new_title = proposed_title
    result = rebase(base_text, proposed_text, text)
    if not result.clean:
        return None
    if (new_title, result.text) == (title, text):
        return None  # nothing of the amendment's own change is left to propose
    return new_title, result.text


def merge_in_order(principles: list[DraftPrinciple], changes: list[Change], stop_at_first: bool = False) -> MergedDraft:
    """Apply the changes in order; a change that does not apply is refused and the rest go on (or stop)."""
    draft = MergedDraft(list(principles))
    for change in changes:
        refusal = _apply(draft, change)
        if refusal is None:
            draft.applied.append(change.amendment_id)
            continue
        draft.refused.append((change.amendment_id, refusal))
        if stop_at_first:
            break
    return draft


def _index(draft: MergedDraft, key: object) -> int | None:
    for position, principle in enumerate(draft.principles):
        if principle.key == key:
            return position
    return None


def _apply(draft: MergedDraft, change: Change) -> Refusal | None:
    if change.kind == AmendmentKind.INSERT:
        position = 0
        if change.after_principle_id is not None:
            after = _index(draft, change.after_principle_id)
            if after is None:
                return Refusal.ANCHOR_GONE
            position = after + 1
        key = ("new", change.amendment_id)
        draft.principles.insert(position, DraftPrinciple(key, change.proposed_title, change.proposed_text))
        draft.changed_by.setdefault(key, []).append(change.amendment_id)
        return None
    position = _index(draft, change.principle_id)
    if position is None:
        return Refusal.PRINCIPLE_GONE
    current = draft.principles[position]
    touched = current.key in draft.changed_by
    if not touched and (current.title, current.text) != (change.base_title, change.base_text):
        return Refusal.CHANGED
    if change.kind == AmendmentKind.DELETE:
        if touched:
            return Refusal.CONFLICT  # merging would have conflicted it with the earlier change
        del draft.principles[position]
        draft.deleted.append(current.key)
        draft.changed_by.setdefault(current.key, []).append(change.amendment_id)
        return None
    if touched:
        carried = carry_over(
            change.kind,
            change.base_title,
            change.base_text,
            change.proposed_title,
            change.proposed_text,
            current.title,
            current.text,
        )
        if carried is None:
            return Refusal.CONFLICT
        title, text = carried
    else:
        title, text = change.proposed_title, change.proposed_text
    draft.principles[position] = DraftPrinciple(current.key, title, text)
    draft.changed_by.setdefault(current.key, []).append(change.amendment_id)
    return None
