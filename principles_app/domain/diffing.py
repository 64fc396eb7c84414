"""Word-level diffs, redlines, rebasing and stable line numbers for principle texts.

Pure Python: plain strings in, plain data out. Built on diff-match-patch, but
every diff is computed over *tokens* (words, whitespace runs, punctuation) so a
change boundary can never fall inside a word, in any script.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain

from diff_match_patch import diff_match_patch

Diff = list[tuple[int, str]]  # op -1 delete, 0 equal, 1 insert (diff-match-patch convention)

DELETE, EQUAL, INSERT = -1, 0, 1


# --- Tokenizing -----------------------------------------------------------------------------


def _combining_mark_pattern() -> str:
    """Build a regex matching one combining mark (Unicode category M*) or zero-width joiner."""
    # Python's \w leaves out combining marks (Arabic harakat, decomposed accents,
    # Indic vowel signs), so they are added explicitly. Marks only exist in planes
    # 0, 1 and 14; scanning just those keeps import cheap (~20 ms instead of ~120 ms).
    code_points = chain(range(0x20000), range(0xE0000, 0xF0000))
    marks = [cp for cp in code_points if unicodedata.category(chr(cp))[0] == "M"]
    # Zero-width (non-)joiners sit inside Persian and Indic words, so they count too.
    marks = sorted([*marks, 0x200C, 0x200D])
    ranges: list[list[int]] = []
    for cp in marks:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    members = "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in ranges)
    # The cheap single-range lookahead rejects spaces and ASCII before the long class
    # is scanned, which makes tokenizing about twice as fast.
    return f"(?=[{re.escape(chr(marks[0]))}-{re.escape(chr(marks[-1]))}])[{members}]"


_WORD_PART = f"(?:[^\\W_]+|{_combining_mark_pattern()})+"
# Apostrophes, hyphens and the Catalan middle dot join two word parts into one word.
_JOINER = "['\u2019\\-\u2010\u2011\u00b7]"
_TOKEN_PATTERN = re.compile(f"{_WORD_PART}(?:{_JOINER}{_WORD_PART})*|\\s+|.", re.DOTALL)


def tokenize(text: str) -> list[str]:
    """Split text into words, whitespace runs and single punctuation characters."""
    return _TOKEN_PATTERN.findall(text)


# --- Word diff ------------------------------------------------------------------------------

# Tokens are encoded as one character each. Private-use code points come first because
# they carry no meaning for diff-match-patch's cosmetic boundary scoring; surrogates
# (0xD800-0xDFFF) are never used, so every encoded string is valid Unicode.
_TOKEN_ALPHABET_RANGES = (
    (0xE000, 0xF900),
    (0xF0000, 0x110000),
    (0x10000, 0xF0000),
    (0x0001, 0xD800),
    (0xF900, 0x10000),
)


_ALPHABET_SIZE = sum(stop - start for start, stop in _TOKEN_ALPHABET_RANGES)


def _token_alphabet() -> Iterator[str]:
    """Yield every usable encoding character, preferred ranges first."""
    for start, stop in _TOKEN_ALPHABET_RANGES:
        yield from map(chr, range(start, stop))


def _encode_tokens(old_tokens: list[str], new_tokens: list[str]) -> tuple[str, str, dict[str, str]] | None:
    """Encode both token lists as one character per token, or None if there are too many."""
    # dict.fromkeys keeps first-seen order, so the same texts always get the same codes.
    distinct = dict.fromkeys(chain(old_tokens, new_tokens))
    if len(distinct) > _ALPHABET_SIZE:
        return None
    char_of = dict(zip(distinct, _token_alphabet()))
    encoded_old = "".join(map(char_of.__getitem__, old_tokens))
    encoded_new = "".join(map(char_of.__getitem__, new_tokens))
    return encoded_old, encoded_new, {char: token for token, char in char_of.items()}


def _merge_adjacent(diff: Diff) -> Diff:
    """Drop empty segments and join neighbouring segments of the same kind."""
    merged: Diff = []
    for op, text in diff:
        if not text:
            continue
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged


# From this many tokens (both texts together) the diff first pins down sentences that
# occur once in each text and are unchanged (as patience diff does), then diffs only
# the stretches between them: diff-match-patch's bisection is pure Python and roughly
# quadratic in the number of edits, far too slow for long texts with scattered edits.
SENTENCE_FIRST_MIN_TOKENS = 2000

_SENTENCE_END = frozenset(".!?;:\u061f\u06d4\u3002")  # incl. Arabic ? and full stop, CJK 。


def _split_sentences(encoded: str, tokens: list[str]) -> list[str]:
    """Cut an encoded token string after each sentence's trailing whitespace."""
    sentences, start = [], 0
    for index, token in enumerate(tokens):
        if token.isspace() and ("\n" in token or (index and tokens[index - 1] in _SENTENCE_END)):
            sentences.append(encoded[start : index + 1])
            start = index + 1
    return sentences + [encoded[start:]] if start < len(tokens) else sentences


def _unique_sentence_anchors(old: list[str], new: list[str]) -> list[tuple[int, int]]:
    """Pair up sentences found exactly once in each text, keeping the longest in-order run."""
    old_counts, new_counts = Counter(old), Counter(new)
    new_index = {sentence: j for j, sentence in enumerate(new) if new_counts[sentence] == 1}
    pairs = [
        (i, new_index[sentence])
        for i, sentence in enumerate(old)
        if old_counts[sentence] == 1 and sentence in new_index
    ]
    # Longest increasing subsequence of new positions (patience sorting, O(n log n)).
    tail_positions: list[int] = []
    tail_pairs: list[int] = []
    previous = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        length = bisect_left(tail_positions, j)
        previous[index] = tail_pairs[length - 1] if length else -1
        if length == len(tail_positions):
            tail_positions.append(j)
            tail_pairs.append(index)
        else:
            tail_positions[length], tail_pairs[length] = j, index
    anchors, index = [], tail_pairs[-1] if tail_pairs else -1
    while index != -1:
        anchors.append(pairs[index])
        index = previous[index]
    return anchors[::-1]


def _diff_sentences_first(
    dmp: diff_match_patch,
    encoded_old: str,
    encoded_new: str,
    old_tokens: list[str],
    new_tokens: list[str],
) -> list[tuple[int, str]]:
    """Diff encoded token strings between anchored unchanged sentences."""
    old_sentences = _split_sentences(encoded_old, old_tokens)
    new_sentences = _split_sentences(encoded_new, new_tokens)
    anchors = _unique_sentence_anchors(old_sentences, new_sentences)
    diffs: list[tuple[int, str]] = []
    i = j = 0
    for anchor_i, anchor_j in [*anchors, (len(old_sentences), len(new_sentences))]:
        old_gap, new_gap = "".join(old_sentences[i:anchor_i]), "".join(new_sentences[j:anchor_j])
        diffs.extend(dmp.diff_main(old_gap, new_gap, False))
        if anchor_i < len(old_sentences):
            diffs.append((EQUAL, old_sentences[anchor_i]))
        i, j = anchor_i + 1, anchor_j + 1
    dmp.diff_cleanupMerge(diffs)
    return diffs


def word_diff(old: str, new: str) -> Diff:
    """Diff two texts word by word; every segment starts and ends on token boundaries."""
    if old == new:
        return [(EQUAL, old)] if old else []
    old_tokens, new_tokens = tokenize(old), tokenize(new)
    encoding = _encode_tokens(old_tokens, new_tokens)
    if encoding is None:  # over a million distinct tokens: show a wholesale replacement
        return _merge_adjacent([(DELETE, old), (INSERT, new)])
    encoded_old, encoded_new, token_of = encoding
    dmp = diff_match_patch()
    if len(old_tokens) + len(new_tokens) >= SENTENCE_FIRST_MIN_TOKENS:
        encoded = _diff_sentences_first(dmp, encoded_old, encoded_new, old_tokens, new_tokens)
    else:
        # checklines=False: the line-mode speedup would re-diff changed lines char by char.
        encoded = dmp.diff_main(encoded_old, encoded_new, False)
    # Semantic cleanup runs on the encoded form on purpose: on real text its overlap
    # extraction and boundary shifting work per character and can cut words in two
    # (e.g. a shared suffix of two different words, or before a combining accent).
    dmp.diff_cleanupSemantic(encoded)
    return _merge_adjacent([(op, "".join(map(token_of.__getitem__, chars))) for op, chars in encoded])


# Up to this many items a sequence diff is exact (minimal); beyond, diff-match-patch's time limit applies.
EXACT_SEQUENCE_DIFF_MAX = 6000


def sequence_diff(old: list[str], new: list[str]) -> list[tuple[int, int]]:
    """Diff two lists of items minimally; return (op, number of items) runs.

    No cleanup and no half-match shortcut: an item kept in both lists stays equal even
    between two edits, which is what attributing each word to its author needs.
    """
    encoding = _encode_tokens(old, new)
    if encoding is None:
        return [(op, n) for op, n in ((DELETE, len(old)), (INSERT, len(new))) if n]
    encoded_old, encoded_new, _ = encoding
    dmp = diff_match_patch()
    if len(old) + len(new) <= EXACT_SEQUENCE_DIFF_MAX:
        dmp.Diff_Timeout = 0
    return [(op, len(chars)) for op, chars in dmp.diff_main(encoded_old, encoded_new, False) if chars]


def apply_diff(base: str, diff: Diff) -> str:
    """Rebuild the new text from the base and a diff, checking the diff fits the base."""
    position = 0
    pieces = []
    for op, text in diff:
        if op != INSERT:
            if base[position : position + len(text)] != text:
                raise ValueError(f"diff does not match the base text at offset {position}")
            position += len(text)
        if op != DELETE:
            pieces.append(text)
    if position != len(base):
        raise ValueError("diff does not cover the whole base text")
    return "".join(pieces)


def render_redline(diff: Diff, deleted_label: str = "deleted:", inserted_label: str = "inserted:") -> str:
    """Render a diff as escaped HTML with <del>/<ins> and screen-reader labels."""
    deleted_prefix = f'<del><span class="visually-hidden">{html.escape(deleted_label)} </span>'
    inserted_prefix = f'<ins><span class="visually-hidden">{html.escape(inserted_label)} </span>'
    parts = []
    for op, text in diff:
        escaped = html.escape(text)
        if op == DELETE:
            parts.append(f"{deleted_prefix}{escaped}</del>")
        elif op == INSERT:
            parts.append(f"{inserted_prefix}{escaped}</ins>")
        else:
            parts.append(escaped)
    return "".join(parts)


# --- Changed ranges and competition ---------------------------------------------------------


def _edits(diff: Diff) -> list[tuple[int, int, str]]:
    """List each change as (start, end, replacement) in base offsets, merging touching ones."""
    edits: list[tuple[int, int, str]] = []
    position = 0
    for op, text in diff:
        if op == EQUAL:
            position += len(text)
            continue
        start, end = position, position + (len(text) if op == DELETE else 0)
        replacement = text if op == INSERT else ""
        if edits and edits[-1][1] == start:
            previous_start, _, previous_replacement = edits[-1]
            edits[-1] = (previous_start, end, previous_replacement + replacement)
        else:
            edits.append((start, end, replacement))
        position = end
    return edits


def changed_ranges(base: str, proposed: str) -> list[tuple[int, int]]:
    """Return the half-open ranges of base that the proposal changes; insertions are (p, p)."""
    return [(start, end) for start, end, _ in _edits(word_diff(base, proposed))]


def ranges_overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    """Tell whether any range of a overlaps or touches any range of b."""
    # Touching counts (closed-interval test): an insertion at the edge of someone
    # else's edit competes with it, and so do two insertions at the same point.
    a, b = sorted(a), sorted(b)
    i = j = 0
    while i < len(a) and j < len(b):
        (a_start, a_end), (b_start, b_end) = a[i], b[j]
        if a_start <= b_end and b_start <= a_end:
            return True
        if a_end < b_end:
            i += 1
        else:
            j += 1
    return False


def competing(base: str, proposed_a: str, proposed_b: str) -> bool:
    """Tell whether two amendments of the same base text change overlapping places."""
    return ranges_overlap(changed_ranges(base, proposed_a), changed_ranges(base, proposed_b))


# --- Rebasing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RebaseResult:
    """Hold the outcome of carrying an amendment onto a newer base (text is None on conflict)."""

    text: str | None
    clean: bool


_CONFLICT = RebaseResult(text=None, clean=False)


def _merge_disjoint(base: str, *edit_lists: list[tuple[int, int, str]]) -> str:
    """Apply non-overlapping edits from several diffs of the same base text."""
    pieces = []
    position = 0
    for start, end, replacement in sorted(chain(*edit_lists)):
        pieces.append(base[position:start])
        pieces.append(replacement)
        position = end
    pieces.append(base[position:])
    return "".join(pieces)


def _patching_dmp() -> diff_match_patch:
    """Make a diff-match-patch instance that refuses loose fuzzy matches."""
    dmp = diff_match_patch()
    # Defaults (0.5) accept matches with up to half the context wrong; the result is
    # verified against an exact merge anyway, so these only decide how hard to try.
    dmp.Match_Threshold = 0.3
    dmp.Patch_DeleteThreshold = 0.3
    return dmp


def rebase(base: str, proposed: str, new_base: str) -> RebaseResult:
    """Carry the change from base to proposed over onto new_base, or report a conflict."""
    if proposed == base:
        return RebaseResult(text=new_base, clean=True)
    if new_base in (base, proposed):
        # Nothing moved underneath, or upstream already made exactly this change.
        return RebaseResult(text=proposed if new_base == base else new_base, clean=True)
    amendment = word_diff(base, proposed)
    upstream = word_diff(base, new_base)
    amendment_edits, upstream_edits = _edits(amendment), _edits(upstream)
    if ranges_overlap([(s, e) for s, e, _ in amendment_edits], [(s, e) for s, e, _ in upstream_edits]):
        return _CONFLICT
    expected = _merge_disjoint(base, amendment_edits, upstream_edits)

    dmp = _patching_dmp()
    patches = dmp.patch_make(base, amendment)
    for patch in patches:
        # patch_apply looks for each hunk near start2, which assumes nothing moved
        # upstream; translate it through the upstream diff so the search starts at the
        # right spot instead of relying on a wide (and slow, and risky) fuzzy search.
        shift_from_earlier_hunks = patch.start2 - patch.start1
        patch.start2 = dmp.diff_xIndex(upstream, patch.start1) + shift_from_earlier_hunks
    patched, applied = dmp.patch_apply(patches, new_base)
    # A hunk can "apply" at a wrong or fuzzy spot; only the exact merge is trustworthy.
    if not all(applied) or patched != expected:
        return _CONFLICT
    return RebaseResult(text=patched, clean=True)


# --- Line numbering -------------------------------------------------------------------------

_WRAP_PIECE = re.compile(r"\S+\s*")


def wrap_lines(text: str, width: int = 80) -> list[tuple[int, int]]:
    """Split text into numbered-line spans: hard newlines first, then greedy word wrap."""
    if width < 1:
        raise ValueError("width must be at least 1")
    lines: list[tuple[int, int]] = []
    paragraph_start = 0
    while paragraph_start < len(text):
        newline = text.find("\n", paragraph_start)
        paragraph_end = len(text) if newline == -1 else newline
        line_start, line_has_word = paragraph_start, False
        # Leading indentation stays on the paragraph's first line and counts toward width.
        for piece in _WRAP_PIECE.finditer(text, paragraph_start, paragraph_end):
            word_end = piece.start() + len(piece.group().rstrip())
            if line_has_word and word_end - line_start > width:
                lines.append((line_start, piece.start()))
                line_start = piece.start()
            line_has_word = True
        # The newline (if any) belongs to the line it ends.
        line_end = paragraph_end if newline == -1 else newline + 1
        lines.append((line_start, line_end))
        paragraph_start = line_end
    return lines


def numbered_lines(text: str, width: int = 80, first_number: int = 1) -> list[tuple[int, str]]:
    """Number the wrapped lines of text; each line's text excludes its ending newline."""
    return [
        (number, text[start:end].removesuffix("\n"))
        for number, (start, end) in enumerate(wrap_lines(text, width), start=first_number)
    ]


def lines_touched(base: str, proposed: str, width: int = 80) -> tuple[int, int] | None:
    """Return the first and last 1-based line numbers of base that the change touches."""
    ranges = changed_ranges(base, proposed)
    if not ranges:
        return None
    line_starts = [start for start, _ in wrap_lines(base, width)]
    if not line_starts:
        return (1, 1)  # Everything is inserted into an empty text.
    # Ranges come sorted and separate. An insertion belongs to the line it lands on
    # (at the very end of the text, the last line); a deletion ends on its last char.
    first_start = ranges[0][0]
    last_start, last_end = ranges[-1]
    last_offset = last_end - 1 if last_end > last_start else last_start
    return (bisect_right(line_starts, first_start), bisect_right(line_starts, last_offset))


def lines_for_ranges(base: str, ranges: list[tuple[int, int]], width: int = 80) -> tuple[int, int] | None:
    """Return the lines of base touched by already computed changed ranges (as lines_touched does)."""
    # For callers that also need the ranges (competition), so the word diff runs once.
    if not ranges:
        return None
    line_starts = [start for start, _ in wrap_lines(base, width)]
    if not line_starts:
        return (1, 1)
    first_start = ranges[0][0]
    last_start, last_end = ranges[-1]
    last_offset = last_end - 1 if last_end > last_start else last_start
    return (bisect_right(line_starts, first_start), bisect_right(line_starts, last_offset))
