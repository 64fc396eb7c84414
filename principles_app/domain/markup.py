"""Safe rendering of user-written comment bodies.

Comments are written in a small Markdown subset and rendered in two layers:
markdown-it-py (raw HTML disabled, links validated against a scheme allow-list)
produces HTML, then nh3 sanitises that HTML against a strict tag/attribute
allow-list. Either layer alone should be enough; both together mean a
configuration slip in one does not become an XSS hole.

This module is pure: no Flask or database imports, so it can be used from
services, templates, e-mail builders and tests alike.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["MAX_BODY_LENGTH", "render_comment", "plain_text"]

# The service layer refuses longer bodies; kept here so every caller agrees.
MAX_BODY_LENGTH = 10_000

ALLOWED_TAGS = frozenset({"p", "em", "strong", "a", "ul", "ol", "li", "blockquote", "br", "code"})
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"

# Only these parser rules run; everything else (headings, images, tables,
# raw HTML, code blocks, fences, hr) stays literal text. The "zero" preset
# already enables paragraph/text plus the core plumbing rules.
_MARKDOWN_RULES = [
    "blockquote",
    "list",
    "reference",  # [x][ref] links; targets go through _validate_link too
    "newline",
    "escape",
    "backticks",
    "emphasis",
    "link",
    "autolink",
    "entity",
]

# markdown-it has already normalised (percent-encoded) the URL when this runs,
# so whitespace/control characters inside a scheme can no longer match.
_SAFE_LINK_RE = re.compile(r"^(?:https?|mailto):", re.IGNORECASE)


def _validate_link(url: str) -> bool:
    """Accept only absolute http(s)/mailto targets in Markdown links."""
    # An allow-list instead of markdown-it's default deny-list: the default
    # lets data:image/* and relative or protocol-relative URLs through.
    return _SAFE_LINK_RE.match(url) is not None


def _build_markdown() -> MarkdownIt:
    """Build the shared, restricted Markdown parser."""
    # breaks=True: commenters expect a single newline to show as a line break.
    md = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False})
    md.enable(_MARKDOWN_RULES)
    # Instance attribute shadows the method; every link-producing rule
    # (link, autolink, reference) calls state.md.validateLink().
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


_MD = _build_markdown()

# A Cleaner compiles the policy once instead of on every call.
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    # "*" must be given explicitly: otherwise ammonia keeps its default
    # generic attributes (title, lang) on every tag.
    attributes={"a": {"href"}, "*": set()},
    # rel must not be in `attributes` while link_rel is set: nh3 drops any
    # author-supplied rel and writes this value on every <a>.
    link_rel=LINK_REL,
    url_schemes=set(ALLOWED_SCHEMES),
    # Relative URLs carry no scheme to check ("//evil.example" included).
    url_relative="deny",
    strip_comments=True,
)


def _sanitize(html: str) -> str:
    """Sanitise an HTML fragment against the comment allow-list."""
    return _CLEANER.clean(html)


def render_comment(body: str) -> str:
    """Render a Markdown comment body to sanitised HTML."""
    if not body:
        return ""
    return _sanitize(_MD.render(body))


# Inline token types whose text a reader sees; markup tokens are skipped.
_TEXT_TOKENS = frozenset({"text", "code_inline"})
_BREAK_TOKENS = frozenset({"softbreak", "hardbreak"})


def _inline_text(tokens: list[Token]) -> list[str]:
    """Collect the visible text of parsed tokens, block by block."""
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline" and token.children:
            for child in token.children:
                if child.type in _TEXT_TOKENS:
                    parts.append(child.content)
                elif child.type in _BREAK_TOKENS:
                    parts.append(" ")
            # Blocks are separate units of text; keep them apart.
            parts.append(" ")
    return parts


def _truncate(text: str, limit: int) -> str:
    """Shorten collapsed text to at most `limit` characters, ending with an ellipsis."""
    if len(text) <= limit:
        return text
    # Reserve one character for the ellipsis so the result fits the limit.
    cut = text[: limit - 1]
    if text[limit - 1] != " ":
        # The cut landed inside a word: back off to the previous space,
        # unless the whole prefix is one word (then a hard cut is all we have).
        head, sep, _ = cut.rpartition(" ")
        if sep and head:
            cut = head
    return cut.rstrip() + "…"


def plain_text(body: str, limit: int | None = None) -> str:
    """Return the visible text of a comment body without markup."""
    # Uses the same parser as render_comment, so what is stripped here is
    # exactly what renders as markup there. Raw HTML was never markup (it
    # renders as text), so it stays as text here too. The result is NOT
    # HTML-escaped: escape it (e.g. Jinja autoescape) if it goes into HTML.
    if limit is not None and limit < 1:
        raise ValueError("limit must be a positive number of characters")
    if not body:
        return ""
    text = " ".join("".join(_inline_text(_MD.parse(body))).split())
    if limit is None:
        return text
    return _truncate(text, limit)
