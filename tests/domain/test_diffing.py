"""Tests for principles_app.domain.diffing: word diffs, redlines, rebasing, line numbers."""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from itertools import accumulate

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from principles_app.domain import diffing
from principles_app.domain.diffing import (
    RebaseResult,
    apply_diff,
    changed_ranges,
    competing,
    lines_touched,
    numbered_lines,
    ranges_overlap,
    rebase,
    render_redline,
    tokenize,
    word_diff,
    wrap_lines,
)

FAST = settings(max_examples=150, deadline=None)

PARAGRAPH = (
    "Member organisations shall not share the personal data of the people they "
    "serve without their informed agreement, and shall explain in plain language "
    "how that data is stored, who may see it and when it will be deleted."
)

# Pieces that share letters and marks, so generated texts differ inside words and
# a character-level diff would be tempted to cut words in two.
ARABIC_WORDS = ["كَتَبَ", "كَتَبْ", "كِتاب", "الكِتابُ", "مكتبة", "می\u200cخواهم"]
ACCENTED_WORDS = ["café", "cafe\u0301", "cafés", "naïve", "naive", "résumé", "resume", "Ærø"]
LATIN_WORDS = ["cat", "cats", "catsup", "scat", "at", "the", "them", "l'homme", "civil-society"]
SEPARATORS = [" ", " ", " ", "  ", "\n", "\n\n", ", ", ". ", "; ", "-", "'", "(", ")", "<", "&"]
PIECES = ARABIC_WORDS + ACCENTED_WORDS + LATIN_WORDS + SEPARATORS

piece_lists = st.lists(st.sampled_from(PIECES), max_size=40)


def draw_edits(draw: st.DrawFn, pieces: list[str]) -> str:
    """Draw a few insertions, deletions or replacements of pieces and join the result."""
    edited = list(pieces)
    for _ in range(draw(st.integers(0, 5))):
        position = draw(st.integers(0, len(edited)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        if action == "insert" or position == len(edited):
            edited.insert(position, draw(st.sampled_from(PIECES)))
        elif action == "delete":
            del edited[position]
        else:
            edited[position] = draw(st.sampled_from(PIECES))
    return "".join(edited)


@st.composite
def edited_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """Draw a text and a version of it with a few pieces inserted, deleted or replaced."""
    pieces = draw(piece_lists)
    return "".join(pieces), draw_edits(draw, pieces)


@st.composite
def base_and_two_edits(draw: st.DrawFn) -> tuple[str, str, str]:
    """Draw a text and two independent edits of it."""
    pieces = draw(piece_lists)
    return "".join(pieces), draw_edits(draw, pieces), draw_edits(draw, pieces)


@contextmanager
def sentence_first(enabled: bool):
    """Force word_diff to take (or skip) its sentence-anchored path for long texts."""
    saved = diffing.SENTENCE_FIRST_MIN_TOKENS
    diffing.SENTENCE_FIRST_MIN_TOKENS = 0 if enabled else 10**9
    try:
        yield
    finally:
        diffing.SENTENCE_FIRST_MIN_TOKENS = saved


def token_boundaries(text: str) -> set[int]:
    """Return every offset of text where one token ends and another begins."""
    return {0, *accumulate(len(token) for token in tokenize(text))}


def old_and_new_of(diff: diffing.Diff) -> tuple[str, str]:
    """Rebuild both sides of a diff."""
    old = "".join(text for op, text in diff if op != 1)
    new = "".join(text for op, text in diff if op != -1)
    return old, new


# --- Tokenizing -----------------------------------------------------------------------------


def test_punctuation_and_whitespace_are_their_own_tokens():
    assert tokenize("Hello,  world!\n") == ["Hello", ",", "  ", "world", "!", "\n"]


@pytest.mark.parametrize(
    "word",
    [
        "كَتَبَ",
        "الكِتابُ",
        "می\u200cخواهم",
        "café",
        "cafe\u0301",
        "naïve",
        "l'homme",
        "l\u2019homme",
        "civil-society",
        "Ærø",
        "नमस्ते",
        "2030",
    ],
)
def test_arabic_accented_and_joined_words_are_one_token(word):
    assert tokenize(f"({word}) ") == ["(", word, ")", " "]


@FAST
@given(st.text())
def test_tokens_rebuild_any_text_exactly(text):
    assert "".join(tokenize(text)) == text


def test_tokenizer_has_no_pathological_slowdown():
    # Nested quantifiers in the word pattern must not backtrack catastrophically.
    assert "".join(tokenize("a'" * 20_000 + "a-" * 20_000)) == "a'" * 20_000 + "a-" * 20_000


# --- Word diff ------------------------------------------------------------------------------


@pytest.mark.parametrize("anchored", [False, True], ids=["direct", "sentence-anchored"])
@FAST
@given(pair=edited_pairs())
def test_applying_the_diff_to_the_base_gives_the_proposal(anchored, pair):
    old, new = pair
    with sentence_first(anchored):
        diff = word_diff(old, new)
    assert apply_diff(old, diff) == new


@FAST
@given(old=st.text(), new=st.text())
def test_applying_the_diff_works_for_arbitrary_unicode(old, new):
    assert apply_diff(old, word_diff(old, new)) == new


@pytest.mark.parametrize("anchored", [False, True], ids=["direct", "sentence-anchored"])
@FAST
@given(pair=edited_pairs())
def test_a_redline_never_splits_a_word(anchored, pair):
    """Each segment starts and ends on a token boundary of both the old and the new text."""
    old, new = pair
    with sentence_first(anchored):
        diff = word_diff(old, new)
    old_boundaries, new_boundaries = token_boundaries(old), token_boundaries(new)
    old_position = new_position = 0
    for op, text in diff:
        assert old_position in old_boundaries and new_position in new_boundaries
        old_position += 0 if op == 1 else len(text)
        new_position += 0 if op == -1 else len(text)
        assert old_position in old_boundaries and new_position in new_boundaries


@FAST
@given(pair=edited_pairs())
def test_diff_segments_are_never_empty_and_never_repeat_a_kind(pair):
    diff = word_diff(*pair)
    assert all(text for _, text in diff)
    assert all(a[0] != b[0] for a, b in zip(diff, diff[1:]))
    assert old_and_new_of(diff) == pair


def test_adding_words_to_a_real_paragraph_shows_exactly_those_words_inserted():
    proposed = PARAGRAPH.replace("without their informed", "without their prior and informed")
    diff = word_diff(PARAGRAPH, proposed)
    changes = [(op, text) for op, text in diff if op != 0]
    assert len(changes) == 1
    op, inserted = changes[0]
    assert op == 1 and inserted.split() == ["prior", "and"]
    html = render_redline(diff)
    assert '<ins><span class="visually-hidden">inserted: </span>' in html
    assert "prior and" in html and "<del>" not in html


def test_a_changed_word_is_shown_whole_not_letter_by_letter():
    assert word_diff("the cats sat", "the catsup sat") == [
        (0, "the "),
        (-1, "cats"),
        (1, "catsup"),
        (0, " sat"),
    ]


def test_arabic_and_accented_words_are_never_split():
    # Only a vowel mark differs, yet the redline shows the whole word replaced.
    assert word_diff("قال كَتَبَ الولد", "قال كَتَبْ الولد") == [
        (0, "قال "),
        (-1, "كَتَبَ"),
        (1, "كَتَبْ"),
        (0, " الولد"),
    ]
    # A decomposed accent added to a word replaces the word, never just the accent.
    assert word_diff("un cafe noir", "un cafe\u0301 noir") == [
        (0, "un "),
        (-1, "cafe"),
        (1, "cafe\u0301"),
        (0, " noir"),
    ]


def test_identical_and_empty_texts():
    assert word_diff("", "") == []
    assert word_diff("same text", "same text") == [(0, "same text")]
    assert word_diff("", "new") == [(1, "new")]
    assert word_diff("old", "") == [(-1, "old")]


def test_more_than_65k_distinct_words_are_diffed_correctly():
    words = [f"w{n}" for n in range(70_000)]
    old = " ".join(words)
    new = " ".join(words[:35_000] + ["changed"] + words[35_001:])
    diff = word_diff(old, new)
    assert apply_diff(old, diff) == new
    assert [(op, text) for op, text in diff if op != 0] == [(-1, "w35000"), (1, "changed")]


def test_token_encoding_never_uses_a_surrogate():
    alphabet = list(diffing._token_alphabet())
    assert len(alphabet) == len(set(alphabet)) == diffing._ALPHABET_SIZE > 1_000_000
    assert not any(0xD800 <= ord(char) <= 0xDFFF for char in alphabet)


def test_texts_with_more_distinct_words_than_codes_still_diff_correctly(monkeypatch):
    monkeypatch.setattr(diffing, "_ALPHABET_SIZE", 3)
    assert word_diff("a b c d", "a b x d") == [(-1, "a b c d"), (1, "a b x d")]


def test_apply_diff_refuses_a_diff_of_another_text():
    with pytest.raises(ValueError):
        apply_diff("something else", word_diff("a b", "a c"))


# --- Redline --------------------------------------------------------------------------------


def test_script_in_the_text_is_escaped_in_the_redline():
    html = render_redline(word_diff("Say <b>hi</b>", "Say hi <script>alert('x')</script> & bye"))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; bye" in html


def test_redline_uses_the_translated_labels_and_keeps_newlines():
    diff = [(0, "Un\n"), (-1, "deux"), (1, "trois")]
    assert render_redline(diff, "supprimé :", "ajouté :") == (
        "Un\n"
        '<del><span class="visually-hidden">supprimé : </span>deux</del>'
        '<ins><span class="visually-hidden">ajouté : </span>trois</ins>'
    )


def test_labels_are_escaped_too():
    assert "&lt;i&gt;" in render_redline([(1, "x")], inserted_label="<i>")


# --- Changed ranges and competing amendments ------------------------------------------------


def test_changed_ranges_of_replacement_insertion_and_no_change():
    assert changed_ranges("a b c", "a X c") == [(2, 3)]
    assert changed_ranges("a b c", "a b c d") == [(5, 5)]
    assert changed_ranges("a b c", "a b c") == []
    assert changed_ranges("one two three four", "one 2 three 4") == [(4, 7), (14, 18)]


@FAST
@given(pair=edited_pairs())
def test_changed_ranges_are_sorted_separate_and_inside_the_base(pair):
    base, proposed = pair
    ranges = changed_ranges(base, proposed)
    assert all(0 <= start <= end <= len(base) for start, end in ranges)
    assert all(a_end < b_start for (_, a_end), (b_start, _) in zip(ranges, ranges[1:]))
    assert (ranges == []) == (base == proposed)


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ([(0, 5)], [(6, 9)], False),
        ([(0, 5)], [(4, 9)], True),
        ([(0, 5)], [(5, 9)], True),  # touching edits compete
        ([(3, 3)], [(3, 3)], True),  # two insertions at the same point
        ([(3, 3)], [(4, 4)], False),
        ([(4, 4)], [(2, 8)], True),  # insertion inside a replaced range
        ([(2, 2)], [(2, 8)], True),  # insertion at the start of a replaced range
        ([(8, 8)], [(2, 8)], True),  # insertion at the end of a replaced range
        ([(20, 30), (0, 1)], [(10, 12), (29, 40)], True),  # unsorted input
        ([], [(0, 9)], False),
    ],
)
def test_ranges_overlap(a, b, expected):
    assert ranges_overlap(a, b) is expected
    assert ranges_overlap(b, a) is expected


def test_amendments_to_the_same_words_compete_and_to_other_sentences_do_not():
    base = "Data is shared with consent. Reports are public."
    written = base.replace("consent", "written consent")
    approval = base.replace("consent", "approval")
    assert competing(base, written, approval)
    assert not competing(base, approval, base.replace("public", "published"))
    assert competing(base, base + " One.", base + " Two.")
    assert not competing(base, base, base.replace("public", "open"))


# --- Rebasing -------------------------------------------------------------------------------


def test_rebasing_an_edit_over_a_disjoint_edit_keeps_both_changes():
    upstream = PARAGRAPH.replace("plain language", "clear and plain language")
    proposed = PARAGRAPH.replace("informed agreement", "prior and informed agreement")
    assert rebase(PARAGRAPH, proposed, upstream) == RebaseResult(
        text=upstream.replace("informed agreement", "prior and informed agreement"), clean=True
    )


def test_rebasing_keeps_both_changes_to_neighbouring_words():
    base = "The cat sat on the mat."
    assert rebase(base, "The dog sat on the mat.", "The cat lay on the mat.") == RebaseResult(
        "The dog lay on the mat.", True
    )


def test_an_overlapping_edit_is_reported_as_conflicted():
    proposed = PARAGRAPH.replace("informed agreement", "written agreement")
    upstream = PARAGRAPH.replace("informed agreement", "explicit consent")
    assert rebase(PARAGRAPH, proposed, upstream) == RebaseResult(text=None, clean=False)


def test_trivial_rebases_are_clean():
    changed = PARAGRAPH.replace("plain", "simple")
    assert rebase(PARAGRAPH, PARAGRAPH, changed) == RebaseResult(changed, True)
    assert rebase(PARAGRAPH, changed, PARAGRAPH) == RebaseResult(changed, True)
    assert rebase(PARAGRAPH, changed, changed) == RebaseResult(changed, True)


def test_rebasing_follows_text_that_moved_far_after_a_long_insertion_upstream():
    base = " ".join(f"Clause {n} says something." for n in range(300))
    upstream = "A long new preamble. " * 200 + base
    proposed = base.replace("Clause 250 says", "Clause 250 clearly says")
    result = rebase(base, proposed, upstream)
    expected = upstream.replace("Clause 250 says", "Clause 250 clearly says")
    assert result == RebaseResult(expected, True)


VOCABULARY = [
    "data",
    "consent",
    "members",
    "shall",
    "publish",
    "reports",
    "people",
    "كِتاب",
    "café",
]


def numbered_sentences(unique_words: bool = False) -> st.SearchStrategy[list[list[str]]]:
    """Draw 4-8 sentences, each starting with a unique 'ClauseN' word so none repeat."""
    bodies = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=8, unique=unique_words)
    return st.lists(bodies, min_size=4, max_size=8).map(
        lambda sentences: [[f"Clause{n}", *words] for n, words in enumerate(sentences)]
    )


def edit_sentence(sentences: list[list[str]], index: int, position: int, word: str, how: str):
    """Return a copy of the sentences with one word replaced, inserted or deleted."""
    edited = [list(sentence) for sentence in sentences]
    words = edited[index]
    position = 1 + position % len(words[1:])  # never touch the ClauseN marker
    if how == "replace":
        words[position] = word
    elif how == "insert":
        words.insert(position, word)
    else:
        del words[position]
    return edited


def as_text(sentences: list[list[str]]) -> str:
    return " ".join(" ".join(words) + "." for words in sentences)


edit_kinds = st.sampled_from(["replace", "insert", "delete"])


@FAST
@given(data=st.data(), sentences=numbered_sentences(), amend_how=edit_kinds, upstream_how=edit_kinds)
def test_rebasing_edits_in_separate_sentences_is_clean_and_keeps_both(data, sentences, amend_how, upstream_how):
    amended_index = data.draw(st.integers(0, len(sentences) - 1))
    upstream_index = data.draw(st.integers(0, len(sentences) - 1).filter(lambda n: abs(n - amended_index) >= 2))
    amend_position, upstream_position = data.draw(st.integers(0, 20)), data.draw(st.integers(0, 20))
    amended = edit_sentence(sentences, amended_index, amend_position, "AMENDED", amend_how)
    moved = edit_sentence(sentences, upstream_index, upstream_position, "UPSTREAM", upstream_how)
    both = edit_sentence(moved, amended_index, amend_position, "AMENDED", amend_how)
    base, proposed, new_base = as_text(sentences), as_text(amended), as_text(moved)
    if proposed == base or new_base == base:
        return  # e.g. a one-word sentence cannot lose its only word
    assert rebase(base, proposed, new_base) == RebaseResult(as_text(both), True)


@FAST
@given(
    data=st.data(),
    sentences=numbered_sentences(unique_words=True),
    amend_how=st.sampled_from(["replace", "insert"]),
    upstream_how=edit_kinds,
)
def test_an_overlapping_edit_is_reported_as_conflicted_whatever_the_edits(data, sentences, amend_how, upstream_how):
    """Both sides change the same (unambiguous) word, so the rebase must stop."""
    index, position = data.draw(st.integers(0, len(sentences) - 1)), data.draw(st.integers(0, 20))
    base = as_text(sentences)
    proposed = as_text(edit_sentence(sentences, index, position, "AMENDED", amend_how))
    new_base = as_text(edit_sentence(sentences, index, position, "UPSTREAM", upstream_how))
    if new_base == base:
        return  # e.g. a one-word sentence cannot lose its only word
    assert rebase(base, proposed, new_base) == RebaseResult(text=None, clean=False)


def words_of(text: str) -> Counter[str]:
    return Counter(token for token in tokenize(text) if token[0].isalnum())


@FAST
@given(
    data=st.data(),
    sentences=numbered_sentences(),
    amend_how=st.sampled_from(["replace", "insert"]),
    upstream_how=edit_kinds,
)
def test_an_overlapping_edit_is_never_clean_if_the_result_lacks_either_change(data, sentences, amend_how, upstream_how):
    """With repeated words an edit may be ambiguous; a clean result must still keep both."""
    index, position = data.draw(st.integers(0, len(sentences) - 1)), data.draw(st.integers(0, 20))
    base = as_text(sentences)
    proposed = as_text(edit_sentence(sentences, index, position, "AMENDED", amend_how))
    new_base = as_text(edit_sentence(sentences, index, position, "UPSTREAM", upstream_how))
    result = rebase(base, proposed, new_base)
    if result.clean and base not in (proposed, new_base):
        amendment_change = words_of(proposed) - words_of(base), words_of(base) - words_of(proposed)
        upstream_change = words_of(new_base) - words_of(base), words_of(base) - words_of(new_base)
        expected = words_of(base) + amendment_change[0] + upstream_change[0] - amendment_change[1] - upstream_change[1]
        assert words_of(result.text) == expected


@FAST
@given(versions=base_and_two_edits())
def test_a_clean_rebase_always_equals_applying_both_changes(versions):
    """Even on short, repetitive text, a rebase reported clean has every change in place."""
    base, proposed, new_base = versions
    result = rebase(base, proposed, new_base)
    if not result.clean:
        assert result.text is None
    elif base not in (proposed, new_base) and proposed != new_base:
        upstream_edits = diffing._edits(word_diff(base, new_base))
        amendment_edits = diffing._edits(word_diff(base, proposed))
        assert not competing(base, proposed, new_base)
        assert result.text == diffing._merge_disjoint(base, upstream_edits, amendment_edits)


# --- Line numbering -------------------------------------------------------------------------

line_texts = st.lists(
    st.sampled_from(LATIN_WORDS + ACCENTED_WORDS + ARABIC_WORDS + ["x" * 30, " ", " ", "\n", "  "]),
    max_size=60,
).map(lambda pieces: " ".join(pieces))


@FAST
@given(text=line_texts, width=st.integers(1, 40))
def test_line_numbers_cover_the_whole_text_in_order(text, width):
    lines = wrap_lines(text, width)
    assert "".join(text[start:end] for start, end in lines) == text
    assert all(start < end for start, end in lines)
    assert [start for start, _ in lines[1:]] == [end for _, end in lines[:-1]]


@FAST
@given(text=line_texts, width=st.integers(1, 40))
def test_lines_fit_the_width_unless_a_single_word_is_too_long(text, width):
    for start, end in wrap_lines(text, width):
        line = text[start:end]
        assert "\n" not in line[:-1]
        if len(line.rstrip()) > width:
            assert len(line.split()) == 1


@FAST
@given(text=line_texts, width=st.integers(1, 40))
def test_lines_are_filled_greedily(text, width):
    lines = wrap_lines(text, width)
    for (start, end), (next_start, _) in zip(lines, lines[1:]):
        if not text[start:end].endswith("\n"):
            next_word = text[next_start:].split(maxsplit=1)[0]
            assert next_start + len(next_word) - start > width


@FAST
@given(first=line_texts, second=line_texts, replacement=line_texts, width=st.integers(5, 40))
def test_line_numbers_are_stable_when_a_later_paragraph_changes(first, second, replacement, width):
    before = wrap_lines(first + "\n" + second, width)
    after = wrap_lines(first + "\n" + replacement, width)
    first_paragraph_lines = len(wrap_lines(first + "\n", width))
    assert before[:first_paragraph_lines] == after[:first_paragraph_lines]
    assert wrap_lines(first, width) == wrap_lines(first, width)


def test_wrapping_breaks_at_spaces_and_hard_newlines():
    text = "hello world this is a test\n\nnext para"
    assert numbered_lines(text, width=11) == [
        (1, "hello world "),
        (2, "this is a "),
        (3, "test"),
        (4, ""),
        (5, "next para"),
    ]
    assert numbered_lines(text, width=11, first_number=10)[0] == (10, "hello world ")
    assert wrap_lines("", 80) == []
    assert wrap_lines("supercalifragilistic word", 5) == [(0, 21), (21, 25)]
    with pytest.raises(ValueError):
        wrap_lines("text", 0)


def test_an_amendments_heading_knows_its_lines():
    base = "\n".join(f"Line {n} of the principles." for n in range(1, 8))
    assert lines_touched(base, base.replace("Line 3 of", "Line 3 (amended) of")) == (3, 3)
    merged = base.replace("Line 2 of the principles.\nLine 3", "Line 2-3")
    assert lines_touched(base, merged) == (2, 3)
    assert lines_touched(base, base + "\nLine 8 is new.") == (7, 7)
    assert lines_touched(base, "Preface.\n" + base) == (1, 1)
    assert lines_touched(base, base) is None
    assert lines_touched("", "Brand new text.") == (1, 1)


def test_lines_touched_follows_wrapping():
    base = PARAGRAPH
    lines = numbered_lines(base, width=40)
    target_number, target_text = next((n, t) for n, t in lines if "stored," in t)
    proposed = base.replace("stored,", "kept,")
    assert lines_touched(base, proposed, width=40) == (target_number, target_number)
    both_ends = proposed.replace("Member", "All member")
    assert lines_touched(base, both_ends, width=40) == (1, target_number)


@FAST
@given(pair=edited_pairs(), width=st.integers(1, 30))
def test_lines_touched_are_exactly_the_lines_a_change_lands_on(pair, width):
    base, proposed = pair
    ranges = changed_ranges(base, proposed)
    lines = wrap_lines(base, width)
    touched = [
        number
        for number, (line_start, line_end) in enumerate(lines, start=1)
        for start, end in ranges
        if (start < line_end and line_start < end)
        or (start == end and (line_start <= start < line_end or start == line_end == len(base)))
    ]
    expected = (min(touched), max(touched)) if touched else None
    if ranges and not lines:
        expected = (1, 1)
    assert lines_touched(base, proposed, width) == expected
