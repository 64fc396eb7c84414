"""Markdown rendering (UTF-8, CommonMark + pipe table for the vote)."""

from __future__ import annotations

import re

from principles_app.domain.languages import language_name
from principles_app.domain.publication import PublicationExport, normalise, term

_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]<>|&])")
# What makes a line more than text where it starts: a heading, quote, list item, fence or underline.
_BLOCK_START = re.compile(r"^(\d{1,9}(?=[.)])|[#>+\-=~])")


def _inline(s: object) -> str:
    """Single-line text safe inside a heading, list item or table cell."""
    text = " ".join(normalise(str(s)).split())
    return _INLINE_SPECIALS.sub(r"\\\1", text)


def _literal_line(line: str) -> str:
    """One line of a text as literal Markdown: no tag, link, image, heading, list or code comes from it."""
    # Leading spaces would make an indented code block; they carry no meaning in a principle.
    escaped = _INLINE_SPECIALS.sub(r"\\\1", line.strip())
    match = _BLOCK_START.match(escaped)
    if match is None:
        return escaped
    if match.group(1)[0].isdigit():  # "1." or "1)" would start an ordered list
        end = match.end()
        return escaped[:end] + "\\" + escaped[end:]
    return "\\" + escaped


def _text(s: str) -> str:
    """A text of paragraphs as literal Markdown; its line and paragraph breaks stay as they are."""
    return "\n".join(_literal_line(line) for line in normalise(s).split("\n"))


def render_markdown(export: PublicationExport) -> bytes:
    t = export.labels
    out: list[str] = [f"# {_inline(export.title)}", ""]
    if export.is_translation:
        out += [f"> {_inline(t['translation_note'])}", ""]
    preamble = _text(export.preamble)
    if preamble:
        out += [preamble, ""]
    for p in export.principles:
        out += [f"## {p.number}. {_inline(p.title)}", ""]
        text = _text(p.text)
        if text:
            out += [text, ""]

    out += [f"## {_inline(t['record'])}", ""]
    facts = [
        (t["label"], _inline(export.label)),
        (t["approved"], _inline(export.approved_at)),
        (t["meeting"], _inline(export.meeting)),
        (t["version"], str(export.version)),
    ]
    if export.is_translation:
        facts += [
            (t["language"], _inline(language_name(export.language))),
            (t["source_language"], _inline(language_name(export.source_language))),
        ]
    facts.append((t["sha256"], f"`{export.sha256}`"))
    out += [f"- **{term(t, _inline(k))}** {v}" for k, v in facts]
    out += ["", f"_{_inline(t['verify_note'])}_", ""]

    out += [f"### {_inline(t['adoption_result'])}", ""]
    a = export.adoption
    if a is None:
        out += [_inline(t["no_adoption"]), ""]
    else:
        rows = [
            (t["yes"], a.yes_weight, a.yes_count),
            (t["no"], a.no_weight, a.no_count),
            (t["abstain"], a.abstain_weight, a.abstain_count),
            (t["participation"], a.participation_weight, a.participation_count),
            (t["eligible"], a.eligible_weight, a.eligible_count),
        ]
        out += [
            f"| {_inline(t['vote'])} | {_inline(t['weighted'])} | {_inline(t['organisations'])} |",
            "| --- | ---: | ---: |",
        ]
        out += [f"| {_inline(k)} | {_inline(w)} | {c} |" for k, w, c in rows]
        quorum_state = t["quorum_reached"] if a.quorum_reached else t["quorum_not_reached"]
        out += [
            "",
            f"- **{term(t, _inline(t['majority']))}** {_inline(a.majority)}",
            f"- **{term(t, _inline(t['quorum']))}** {_inline(a.quorum)} ({_inline(quorum_state)})",
            f"- **{term(t, _inline(t['result']))}** {_inline(t['passed'] if a.passed else t['not_passed'])}",
            f"- **{term(t, _inline(t['closed_at']))}** {_inline(a.closed_at)}",
            "",
        ]

    if export.credits:
        out += [f"### {_inline(t['credits'])}", ""]
        out += [f"- {_inline(name)}" for name in export.credits]
        out.append("")

    return ("\n".join(out).rstrip("\n") + "\n").encode("utf-8")
