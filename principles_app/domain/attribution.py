"""Who wrote which words: each word of a principle traced to the merged amendment that put it there.

Pure Python. A document's history is its original draft followed by one change per merged
amendment (a principle's new title and text, or its deletion). Walking that history with the
minimal word diff, every word keeps the owner it had unless a change inserts it, so a word that
survived every change belongs to the draft (``None``), a word replaced twice belongs to the
latest amendment, and a word deleted and later inserted again belongs to the one that re-inserted it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from principles_app.domain.diffing import DELETE, EQUAL, INSERT, sequence_diff, tokenize

Owner = int | None  # a merged amendment's id, or None for the original draft


@dataclass(frozen=True)
class Segment:
    """A run of text introduced by one owner."""

    text: str
    amendment_id: Owner


Segments = tuple[Segment, ...]


@dataclass(frozen=True)
class PrincipleAttribution:
    """The owners of a principle's title and text, in order."""

    principle_id: int
    title: Segments
    text: Segments


@dataclass(frozen=True)
class Change:
    """What one merged amendment did to one principle: a new title and text, or its deletion."""

    amendment_id: Owner
    principle_id: int
    title: str = ""
    text: str = ""
    deleted: bool = False


def _tidy(segments: Iterable[Segment]) -> Segments:
    """Drop empty runs, give whitespace between two runs of one owner to that owner, join neighbours."""
    runs = [s for s in segments if s.text]
    for i in range(1, len(runs) - 1):
        if runs[i].text.isspace() and runs[i - 1].amendment_id == runs[i + 1].amendment_id != runs[i].amendment_id:
            runs[i] = Segment(runs[i].text, runs[i - 1].amendment_id)
    joined: list[Segment] = []
    for run in runs:
        if joined and joined[-1].amendment_id == run.amendment_id:
            joined[-1] = Segment(joined[-1].text + run.text, run.amendment_id)
        else:
            joined.append(run)
    return tuple(joined)


def _units(text: str) -> tuple[list[str], list[str], list[int]]:
    """Cut a text into units (a word or mark with the whitespace after it); return units, keys, key offsets.

    Diffing units by their word alone keeps spaces from competing with words for a place in
    the unchanged run, so the words a change did not touch always keep their owner.
    """
    units: list[str] = []
    keys: list[str] = []
    offsets: list[int] = []
    position = 0
    for token in tokenize(text):
        if token.isspace():
            if units:
                units[-1] += token
            else:  # leading whitespace waits for the first word
                units.append(token)
                keys.append("")
                offsets.append(position)
        elif units and not keys[-1]:
            units[-1] += token
            keys[-1] = token
            offsets[-1] = position
        else:
            units.append(token)
            keys.append(token)
            offsets.append(position)
        position += len(token)
    return units, keys, offsets


def _owners_at(segments: Sequence[Segment], offsets: list[int]) -> list[Owner]:
    """Return the owner of the character at each (ascending) offset of the segments' text."""
    owners: list[Owner] = []
    index, end = 0, 0
    runs = [s for s in segments if s.text]
    for offset in offsets:
        while index < len(runs) and end + len(runs[index].text) <= offset:
            end += len(runs[index].text)
            index += 1
        owners.append(runs[min(index, len(runs) - 1)].amendment_id if runs else None)
    return owners


def attribute_text(before: Sequence[Segment], new_text: str, amendment_id: Owner) -> Segments:
    """Carry the owners of ``before`` over to ``new_text``; what the change inserts is ``amendment_id``'s."""
    old_text = "".join(s.text for s in before)
    if old_text == new_text:
        return _tidy(before)
    _old_units, old_keys, old_offsets = _units(old_text)
    old_owners = _owners_at(before, old_offsets)
    new_units, new_keys, _ = _units(new_text)
    result: list[Segment] = []
    i = j = 0
    for op, count in sequence_diff(old_keys, new_keys):
        if op == EQUAL:
            result.extend(Segment(new_units[j + k], old_owners[i + k]) for k in range(count))
        elif op == INSERT:
            result.append(Segment("".join(new_units[j : j + count]), amendment_id))
        i += count if op != INSERT else 0
        j += count if op != DELETE else 0
    return _tidy(result)


def attribute_history(
    draft: Mapping[int, tuple[str, str]], changes: Iterable[Change]
) -> dict[int, PrincipleAttribution]:
    """Attribute every live principle after the draft (id → title, text) and the merged changes in order."""
    state = {
        pid: PrincipleAttribution(pid, _tidy([Segment(title, None)]), _tidy([Segment(text, None)]))
        for pid, (title, text) in draft.items()
    }
    for change in changes:
        if change.deleted:
            state.pop(change.principle_id, None)
            continue
        before = state.get(change.principle_id, PrincipleAttribution(change.principle_id, (), ()))
        state[change.principle_id] = PrincipleAttribution(
            change.principle_id,
            attribute_text(before.title, change.title, change.amendment_id),
            attribute_text(before.text, change.text, change.amendment_id),
        )
    return state


def changes_between(before: Sequence[Mapping], after: Sequence[Mapping], amendment_id: Owner) -> list[Change]:
    """The changes that turn one version's principles (dicts with id, title, text) into the next's."""
    old = {p["id"]: p for p in before}
    new_ids = {p["id"] for p in after}
    changes = [Change(amendment_id, pid, deleted=True) for pid in old if pid not in new_ids]
    for p in after:
        previous = old.get(p["id"])
        if previous is None or (previous["title"], previous["text"]) != (p["title"], p["text"]):
            changes.append(Change(amendment_id, p["id"], p["title"], p["text"]))
    return changes


def words_by_owner(attributions: Iterable[PrincipleAttribution]) -> dict[Owner, int]:
    """Count the words (titles included) each owner introduced."""
    counts: dict[Owner, int] = {}
    for attribution in attributions:
        for segment in (*attribution.title, *attribution.text):
            words = sum(1 for token in tokenize(segment.text) if _is_word(token))
            if words:
                counts[segment.amendment_id] = counts.get(segment.amendment_id, 0) + words
    return counts


def _is_word(token: str) -> bool:
    """Tell whether a token is a word (not whitespace, not a punctuation mark)."""
    return not token.isspace() and any(ch.isalnum() for ch in token)
