"""A redline cut into the numbered lines it changes: the numbers match the printed text's lines."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from principles_app.domain.diffing import numbered_lines, word_diff
from principles_app.domain.redline_lines import redline_lines

BASE = "We listen to members in every region and every language before we decide anything at all together."


def _plain(html: str, keep: str) -> str:
    """Return the text of a redline line as it read before (keep="del") or after (keep="ins") the change."""
    drop = "ins" if keep == "del" else "del"
    html = re.sub(rf"<{drop}>.*?</{drop}>", "", html, flags=re.S)
    html = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", html)
    return re.sub(r"<[^>]+>", "", html).replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")


def test_a_change_on_the_third_line_is_numbered_three():
    proposed = BASE.replace("before we decide", "before we ever decide")
    lines = redline_lines(BASE, word_diff(BASE, proposed), width=30)
    printed = dict(numbered_lines(BASE, 30))
    assert [n for n, _html in lines] == [3]
    assert _plain(lines[0][1], "del") == printed[3]
    assert "<ins>" in lines[0][1] and "ever" in lines[0][1]


def test_a_change_across_lines_shows_every_line_between():
    proposed = BASE.replace("members", "all members").replace("anything at all", "anything")
    numbers = [n for n, _html in redline_lines(BASE, word_diff(BASE, proposed), width=30)]
    assert numbers == list(range(numbers[0], numbers[-1] + 1)) and numbers[0] == 1 and len(numbers) >= 3


def test_a_new_text_is_inserted_line_by_line_and_markup_is_escaped():
    lines = redline_lines("", word_diff("", "New <b>principle</b> text"), width=80)
    assert lines == [
        (1, '<ins><span class="visually-hidden">inserted: </span>New &lt;b&gt;principle&lt;/b&gt; text</ins>')
    ]


def test_no_change_gives_no_lines():
    assert redline_lines(BASE, word_diff(BASE, BASE), width=30) == []


words = st.lists(st.sampled_from(["we", "listen", "decide", "région", "قرار", "and", "all", "\n"]), max_size=30)


@settings(max_examples=60, deadline=None)
@given(words, words, st.integers(min_value=5, max_value=40))
def test_the_old_text_of_the_lines_shown_is_the_base_texts_lines(before, after, width):
    base, proposed = " ".join(before), " ".join(after)
    lines = redline_lines(base, word_diff(base, proposed), width)
    printed = dict(numbered_lines(base, width))
    for number, html in lines:
        if printed:
            assert number in printed
            assert _plain(html, "del") == printed[number]
