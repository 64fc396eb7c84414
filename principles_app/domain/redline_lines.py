"""A redline cut into the numbered lines of the text it changes, for a screen or a projector.

Pure Python: the base text is wrapped as everywhere else (``diffing.wrap_lines``), every deleted
or kept piece of the word diff falls on the base lines it covers, and an insertion on the line
where it lands. Only the lines the change touches are returned, so a delegate reads "line 4"
next to the words struck out on line 4 of their printed pack.
"""

from __future__ import annotations

import html
from bisect import bisect_right

from principles_app.domain.diffing import DELETE, INSERT, Diff, wrap_lines


def _mark(op: int, text: str, deleted_label: str, inserted_label: str) -> str:
    escaped = html.escape(text)
    if op == DELETE:
        return f'<del><span class="visually-hidden">{html.escape(deleted_label)} </span>{escaped}</del>'
    if op == INSERT:
        return f'<ins><span class="visually-hidden">{html.escape(inserted_label)} </span>{escaped}</ins>'
    return escaped


def redline_lines(
    base: str, diff: Diff, width: int = 80, deleted_label: str = "deleted:", inserted_label: str = "inserted:"
) -> list[tuple[int, str]]:
    """Return (line number, escaped HTML) for each line of base the diff touches, first to last."""
    spans = wrap_lines(base, width)
    if not spans:  # a new text: every line of it is inserted
        proposed = "".join(text for op, text in diff if op != DELETE)
        return [
            (number, _mark(INSERT, proposed[start:end].removesuffix("\n"), deleted_label, inserted_label))
            for number, (start, end) in enumerate(wrap_lines(proposed, width), start=1)
        ]
    starts = [start for start, _end in spans]
    pieces: dict[int, list[str]] = {}
    touched: set[int] = set()
    position = 0
    for op, text in diff:
        if op == INSERT:
            line = min(max(bisect_right(starts, position), 1), len(spans))
            pieces.setdefault(line, []).append(_mark(op, text, deleted_label, inserted_label))
            touched.add(line)
            continue
        offset = position
        remaining = text
        while remaining:
            line = min(max(bisect_right(starts, offset), 1), len(spans))
            end = spans[line - 1][1]
            chunk = remaining[: max(end - offset, 1)]
            shown = chunk.removesuffix("\n")  # a line's newline ends the list item, not the text
            if shown:
                pieces.setdefault(line, []).append(_mark(op, shown, deleted_label, inserted_label))
                if op == DELETE:
                    touched.add(line)
            elif op == DELETE:
                touched.add(line)
            remaining = remaining[len(chunk) :]
            offset += len(chunk)
        position += len(text)
    if not touched:
        return []
    return [(number, "".join(pieces.get(number, []))) for number in range(min(touched), max(touched) + 1)]
