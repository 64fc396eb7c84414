"""Attribution of every word to the amendment that introduced it, or to the original draft."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from principles_app.domain.attribution import (
    Change,
    Segment,
    attribute_history,
    attribute_text,
    changes_between,
    words_by_owner,
)
from principles_app.domain.diffing import tokenize


def owners_of_words(segments) -> list[tuple[str, int | None]]:
    """List each word of the segments with its owner."""
    return [
        (token, segment.amendment_id)
        for segment in segments
        for token in tokenize(segment.text)
        if any(ch.isalnum() for ch in token)
    ]


def test_the_draft_owns_what_no_amendment_changed():
    history = attribute_history({1: ("Listen first", "Partners listen to each other.")}, [])
    assert history[1].text == (Segment("Partners listen to each other.", None),)
    assert history[1].title == (Segment("Listen first", None),)


def test_a_word_replaced_twice_belongs_to_its_latest_author():
    draft = {1: ("Listen", "We listen to members before we decide.")}
    changes = [
        Change(10, 1, "Listen", "We listen to partners before we decide."),
        Change(11, 1, "Listen", "We listen to colleagues before we decide."),
    ]
    words = dict(owners_of_words(attribute_history(draft, changes)[1].text))
    assert words["colleagues"] == 11
    assert "partners" not in words
    assert words["listen"] is None and words["decide"] is None


def test_a_deleted_then_reinserted_word_belongs_to_the_reinserter():
    draft = {1: ("Title", "We listen carefully to members.")}
    changes = [
        Change(10, 1, "Title", "We listen to members."),
        Change(11, 1, "Title", "We listen carefully to members."),
    ]
    words = dict(owners_of_words(attribute_history(draft, changes)[1].text))
    assert words["carefully"] == 11
    assert words["listen"] is None


def test_titles_are_attributed_too_and_inserted_principles_belong_to_their_amendment():
    draft = {1: ("Listen first", "Text.")}
    changes = [Change(7, 1, "Listen always", "Text."), Change(8, 2, "Share credit", "Name everyone.")]
    history = attribute_history(draft, changes)
    assert dict(owners_of_words(history[1].title)) == {"Listen": None, "always": 7}
    assert history[2].title == (Segment("Share credit", 8),)
    assert history[2].text == (Segment("Name everyone.", 8),)


def test_a_deleted_principle_is_gone():
    history = attribute_history({1: ("A", "a"), 2: ("B", "b")}, [Change(5, 1, deleted=True)])
    assert set(history) == {2}


def test_whitespace_between_two_words_of_one_amendment_is_that_amendments():
    segments = attribute_text([Segment("one two three", None)], "alpha beta gamma", 4)
    assert segments == (Segment("alpha beta gamma", 4),)


def test_changes_between_snapshots():
    before = [{"id": 1, "title": "A", "text": "a"}, {"id": 2, "title": "B", "text": "b"}]
    after = [{"id": 2, "title": "B", "text": "b!"}, {"id": 3, "title": "C", "text": "c"}]
    changes = changes_between(before, after, 9)
    assert Change(9, 1, deleted=True) in changes
    assert Change(9, 2, "B", "b!") in changes
    assert Change(9, 3, "C", "c") in changes
    assert len(changes) == 3


def test_words_are_counted_per_owner_without_punctuation():
    history = attribute_history({1: ("Listen", "We listen.")}, [Change(3, 1, "Listen", "We listen, always.")])
    assert words_by_owner(history.values()) == {None: 3, 3: 1}


# --- Properties ----------------------------------------------------------------------------

VOCABULARY = ["we", "listen", "members", "the", "a", "ﺍﻟﺸﺮﻛﺎﺀ", "écoute", ",", ".", " ", "\n\n", "  ", "don't"]
texts = st.lists(st.sampled_from(VOCABULARY), max_size=30).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=1, max_size=8))
def test_segments_always_concatenate_to_the_text(versions):
    segments: tuple[Segment, ...] = (Segment(versions[0], None),)
    for owner, text in enumerate(versions[1:], start=1):
        segments = attribute_text(segments, text, owner)
        assert "".join(s.text for s in segments) == text
        assert all(s.text for s in segments)
        assert all(a.amendment_id != b.amendment_id for a, b in zip(segments, segments[1:]))


@st.composite
def histories(draw):
    """A draft of distinct words and amendments that insert fresh words, delete some, and re-insert earlier ones."""
    size = draw(st.integers(0, 12))
    words = [f"w{i}" for i in range(size)]
    owner = dict.fromkeys(words)
    fresh = size
    deleted: list[str] = []
    steps = []
    for amendment_id in range(1, draw(st.integers(1, 8)) + 1):
        removed_now: list[str] = []
        for _ in range(draw(st.integers(1, 4))):
            action = draw(st.sampled_from(["insert", "delete", "reinsert"]))
            if action == "delete" and words:
                removed_now.append(words.pop(draw(st.integers(0, len(words) - 1))))
                continue
            if action == "reinsert" and deleted:
                word = deleted.pop(draw(st.integers(0, len(deleted) - 1)))
            else:
                word, fresh = f"w{fresh}", fresh + 1
            words.insert(draw(st.integers(0, len(words))), word)
            owner[word] = amendment_id
        deleted.extend(removed_now)  # re-inserted by a later amendment only: no moves within one
        steps.append((amendment_id, " ".join(words), dict(owner)))
    return [f"w{i}" for i in range(size)], steps


@settings(max_examples=200, deadline=None)
@given(histories())
def test_each_word_belongs_to_the_last_amendment_that_inserted_it(history):
    draft_words, steps = history
    segments: tuple[Segment, ...] = (Segment(" ".join(draft_words), None),)
    for amendment_id, text, owner in steps:
        segments = attribute_text(segments, text, amendment_id)
        assert "".join(s.text for s in segments) == text
        assert owners_of_words(segments) == [(word, owner[word]) for word in text.split()]
