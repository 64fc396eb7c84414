"""Time word diffs, redlines, rebases and line numbering on a 10,000-word text.

The edited text is a realistic amendment pass: about 5% of the words are touched by
a mix of single-word substitutions, rewritten phrases, insertions, deletions and new
sentences, scattered over the whole document (the slow case for a diff).

Run as ``python benchmarks/bench_diffing.py``; ``run()`` returns the rows for any
report that collects benchmark figures.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

# Let the script run from a checkout even when the package is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from principles_app.domain.diffing import (
    lines_touched,
    rebase,
    render_redline,
    word_diff,
    wrap_lines,
)

WORDS = 10_000
EDITED_SHARE = 0.05
REPEATS = 7

COMMON_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "on",
    "with",
    "as",
    "by",
    "be",
    "are",
    "shall",
    "members",
    "organisations",
    "data",
    "people",
    "their",
    "all",
    "any",
    "may",
    "not",
    "this",
    "which",
    "from",
    "or",
    "at",
    "it",
    "its",
    "each",
    "network",
    "principle",
    "public",
    "rights",
    "consent",
    "community",
    "information",
    "must",
    "will",
    "should",
    "have",
    "been",
    "share",
    "transparent",
    "accountable",
    "decisions",
    "funding",
    "partners",
    "local",
    "independent",
    "respect",
]


def _vocabulary(rng: random.Random) -> list[str]:
    """Mix frequent real words with a long tail of rarer made-up ones, as prose does."""
    rare = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyzéè") for _ in range(rng.randint(3, 11))) for _ in range(2_500)
    ]
    return COMMON_WORDS * 20 + rare


def _document(rng: random.Random, vocabulary: list[str]) -> list[list[str]]:
    """Build sentences (lists of words) adding up to WORDS words."""
    sentences, total = [], 0
    while total < WORDS:
        length = min(rng.randint(8, 30), WORDS - total)
        sentences.append([rng.choice(vocabulary) for _ in range(length)])
        total += length
    return sentences


def _render(sentences: list[list[str]]) -> str:
    """Join sentences into paragraphs of five, with a comma every seventh word."""
    paragraphs, current = [], []
    for number, words in enumerate(sentences, start=1):
        text = " ".join(word + ("," if i % 7 == 6 and i < len(words) - 1 else "") for i, word in enumerate(words))
        current.append(text[:1].upper() + text[1:] + ".")
        if number % 5 == 0:
            paragraphs.append(" ".join(current))
            current = []
    return "\n\n".join(paragraphs + [" ".join(current)] if current else paragraphs)


def _amend(rng: random.Random, sentences: list[list[str]], vocabulary: list[str]) -> list[list[str]]:
    """Touch about EDITED_SHARE of the words with a realistic mix of edits."""
    edited = [list(words) for words in sentences]
    touched = 0
    while touched < WORDS * EDITED_SHARE:
        words = rng.choice(edited)
        at = rng.randrange(len(words))
        kind = rng.random()
        if kind < 0.4:  # swap one word
            words[at] = rng.choice(vocabulary)
            touched += 1
        elif kind < 0.6:  # rewrite a short phrase
            span = rng.randint(2, 6)
            words[at : at + span] = [rng.choice(vocabulary) for _ in range(rng.randint(2, 6))]
            touched += span
        elif kind < 0.8:  # insert a qualifier
            added = [rng.choice(vocabulary) for _ in range(rng.randint(1, 5))]
            words[at:at] = added
            touched += len(added)
        elif kind < 0.95 and len(words) > 5:  # cut a few words
            span = rng.randint(1, 4)
            del words[at : at + span]
            touched += span
        else:  # add a whole sentence
            added = [rng.choice(vocabulary) for _ in range(rng.randint(8, 20))]
            edited.insert(rng.randrange(len(edited)), added)
            touched += len(added)
    return edited


def _median_ms(action: Callable[[], Any]) -> Decimal:
    """Return the median wall time of several runs, in milliseconds."""
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter_ns()
        action()
        timings.append(time.perf_counter_ns() - start)
    timings.sort()
    return (Decimal(timings[len(timings) // 2]) / Decimal(1_000_000)).quantize(Decimal("0.1"))


def _row(name: str, ms: Decimal, target_ms: int) -> dict[str, Any]:
    """Format one benchmark row against its target."""
    target = f"< {target_ms} ms"
    return {"benchmark": name, "value": f"{ms} ms", "target": target, "ok": ms < target_ms}


def run() -> list[dict[str, Any]]:
    """Run the diffing benchmarks and return one row per figure."""
    rng = random.Random(20250331)
    vocabulary = _vocabulary(rng)
    sentences = _document(rng, vocabulary)
    base = _render(sentences)
    edited = _render(_amend(rng, sentences, vocabulary))
    # A one-clause amendment, rebased over an adopted amendment elsewhere in the text.
    middle = len(sentences) // 2
    amended = [list(words) for words in sentences]
    amended[middle][3:3] = ["prior", "and", "informed"]
    adopted = [list(words) for words in sentences]
    adopted[middle - 40][5:8] = ["clear", "and", "plain", "language"]
    proposed, new_base = _render(amended), _render(adopted)

    word_diff(base, edited)  # warm up the regex and allocator before timing
    diff = word_diff(base, edited)
    assert rebase(base, proposed, new_base).clean, "the benchmark rebase must be clean"
    figures = [
        ("word diff 10,000 words, 5% edited", lambda: word_diff(base, edited), 200),
        ("word diff 10,000 words, one clause edited", lambda: word_diff(base, proposed), 200),
        ("redline HTML of the 5% diff", lambda: render_redline(diff), 50),
        ("rebase one-clause amendment, 10,000 words", lambda: rebase(base, proposed, new_base), 300),
        ("rebase 5% edit over a one-clause change", lambda: rebase(base, edited, new_base), 500),
        ("wrap 10,000 words into numbered lines", lambda: wrap_lines(base), 50),
        ("lines touched by a one-clause amendment", lambda: lines_touched(base, proposed), 200),
    ]
    return [_row(name, _median_ms(action), target) for name, action, target in figures]


if __name__ == "__main__":
    rows = run()
    for row in rows:
        mark = "ok " if row["ok"] else "SLOW"
        print(f"[{mark}] {row['benchmark']}: {row['value']} (target {row['target']})")
    sys.exit(0 if all(row["ok"] for row in rows) else 1)
