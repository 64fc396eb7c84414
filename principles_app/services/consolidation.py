"""The consolidated text: the working draft as it would read if the recommended amendments were merged.

Computed on every request, never stored. The amendments recommended ``accept``, or ``modified``
with the proposer's agreement, run in list order through ``domain.merging.merge_in_order`` — the
function a batch merge runs — so those that would not apply cleanly are named, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from principles_app.domain.amendments import AmendmentStatus
from principles_app.domain.diffing import lines_touched, word_diff, wrap_lines
from principles_app.domain.merging import Refusal, merge_in_order
from principles_app.domain.procedure import Answer, Procedure
from principles_app.extensions import db
from principles_app.models import Amendment, Document, Recommendation
from principles_app.services.drafts import line_width, live_principles
from principles_app.services.merging import change_of, draft_of, refusal_message


@dataclass(frozen=True)
class ConsolidatedPrinciple:
    """One principle of the consolidated text against the working draft."""

    principle_id: int | None  # None for a principle an amendment would insert
    number: int | None  # in the consolidated text; None when deleted
    number_in_draft: int | None  # in the working draft; None when inserted
    change: str  # unchanged, modified, inserted, deleted
    title: str
    text: str
    draft_title: str
    draft_text: str
    amendment_ids: tuple[int, ...]
    lines: tuple[int, int] | None  # lines of the working draft's text it changes

    @property
    def title_diff(self) -> list[tuple[int, str]]:
        """Return the word diff of the title from the working draft."""
        return word_diff(self.draft_title, self.title)

    @property
    def diff(self) -> list[tuple[int, str]]:
        """Return the word diff of the text from the working draft."""
        return word_diff(self.draft_text, self.text)


@dataclass(frozen=True)
class Consolidated:
    """The consolidated text, the amendments it applied and those that would not apply cleanly."""

    document: Document
    version: int
    principles: list[ConsolidatedPrinciple]
    applied: list[Amendment]
    not_applied: list[tuple[Amendment, Refusal]]

    @property
    def changed(self) -> list[ConsolidatedPrinciple]:
        """Return only the principles the applied amendments change."""
        return [p for p in self.principles if p.change != "unchanged"]


def recommended_amendments(document: Document) -> list[Amendment]:
    """Return the open amendments recommended accept, or modified with the proposer's agreement, in list order."""
    accepted = (Recommendation.procedure == Procedure.ACCEPT) | (
        (Recommendation.procedure == Procedure.MODIFIED) & (Recommendation.answer == Answer.AGREE)
    )
    return list(
        db.session.execute(
            select(Amendment)
            .join(Recommendation, Recommendation.amendment_id == Amendment.id)
            .where(Amendment.document_id == document.id, Amendment.status == AmendmentStatus.OPEN, accepted)
            .options(selectinload(Amendment.principle), selectinload(Amendment.after_principle))
            .order_by(Amendment.id)
        ).scalars()
    )


def consolidate(document: Document) -> Consolidated:
    """Compute the consolidated text of the document's working draft."""
    principles = live_principles(document)
    amendments = recommended_amendments(document)
    merged = merge_in_order(draft_of(principles), [change_of(a) for a in amendments])
    by_id = {a.id: a for a in amendments}
    draft = {p.id: p for p in principles}
    width = line_width()
    rows: list[ConsolidatedPrinciple] = []
    for number, drafted in enumerate(merged.principles, start=1):
        before = draft.get(drafted.key)
        touched = tuple(merged.changed_by.get(drafted.key, ()))
        if before is None:
            rows.append(
                ConsolidatedPrinciple(
                    None, number, None, "inserted", drafted.title, drafted.text, "", "", touched, None
                )
            )
            continue
        same = (before.title, before.text) == (drafted.title, drafted.text)
        rows.append(
            ConsolidatedPrinciple(
                before.id,
                number,
                before.number,
                "unchanged" if same else "modified",
                drafted.title,
                drafted.text,
                before.title,
                before.text,
                touched,
                None if same else lines_touched(before.text, drafted.text, width),
            )
        )
    for key in merged.deleted:
        gone = draft[key]
        # Shown where it stood, before whatever now follows it.
        at = next(
            (i for i, row in enumerate(rows) if row.number_in_draft is not None and row.number_in_draft > gone.number),
            len(rows),
        )
        lines = (1, max(1, len(wrap_lines(gone.text, width))))
        rows.insert(
            at,
            ConsolidatedPrinciple(
                gone.id,
                None,
                gone.number,
                "deleted",
                "",
                "",
                gone.title,
                gone.text,
                tuple(merged.changed_by[key]),
                lines,
            ),
        )
    return Consolidated(
        document,
        document.current_version,
        rows,
        [by_id[i] for i in merged.applied],
        [(by_id[i], refusal) for i, refusal in merged.refused],
    )


def refusal_text(refusal: Refusal) -> str:
    """Say, in the reader's language, why an amendment would not apply."""
    return str(refusal_message(refusal))
