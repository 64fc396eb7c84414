"""Tests for principles_app.domain.markup (no app, no database).

xss_payloads.txt holds one payload per line; blank lines are skipped. Because
a payload must fit on one line, these escapes are decoded: ``\\n``, ``\\t``,
``\\r``, ``\\xHH``, ``\\uHHHH`` and ``\\\\`` (a literal backslash). Any other
backslash is kept as written, so Markdown escapes like ``\\<`` survive.
"""

from __future__ import annotations

import re
import unicodedata
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from principles_app.domain import markup
from principles_app.domain.markup import MAX_BODY_LENGTH, plain_text, render_comment

ALLOWED_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "blockquote", "br", "code"}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
REL = "nofollow noopener"

_ESCAPE_RE = re.compile(r"\\(?:(n)|(t)|(r)|x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|(\\))")


def _decode(line: str) -> str:
    """Decode the corpus's one-line escapes."""

    def sub(m: re.Match[str]) -> str:
        if m.group(1):
            return "\n"
        if m.group(2):
            return "\t"
        if m.group(3):
            return "\r"
        if m.group(4):
            return chr(int(m.group(4), 16))
        if m.group(5):
            return chr(int(m.group(5), 16))
        return "\\"

    return _ESCAPE_RE.sub(sub, line)


def _load_payloads() -> list[str]:
    """Read the XSS corpus next to this file."""
    path = Path(__file__).with_name("xss_payloads.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return [_decode(line) for line in lines if line.strip()]


PAYLOADS = _load_payloads()


class _Collector(HTMLParser):
    """Record every tag, attribute and non-element construct in a fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # attribute values arrive unescaped
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.oddities: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            self.oddities.append(f"</{tag}>")

    def handle_comment(self, data: str) -> None:
        self.oddities.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.oddities.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.oddities.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.oddities.append(f"<![{data}]>")


def _scheme(href: str) -> str | None:
    """Return the scheme a browser would see in href, lowercased."""
    # Unescape again (stricter than a browser), then drop every whitespace,
    # control and zero-width/format character a browser may skip over.
    value = unescape(href)
    value = "".join(
        ch for ch in value if ord(ch) > 0x20 and ord(ch) != 0x7F and unicodedata.category(ch)[0] not in "CZ"
    ).lower()
    m = re.match(r"([a-z][a-z0-9+.\-]*):", value)
    return m.group(1) if m else None


def assert_safe_html(html: str) -> None:
    """Fail unless html holds only allow-listed tags, attributes and schemes."""
    assert "<script" not in html.lower()
    parser = _Collector()
    parser.feed(html)
    parser.close()
    assert parser.oddities == []
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, f"disallowed element <{tag}> in {html!r}"
        names = [name for name, _ in attrs]
        assert not [n for n in names if n.startswith("on")], f"event handler in {html!r}"
        if tag != "a":
            assert attrs == [], f"attributes on <{tag}> in {html!r}"
            continue
        assert set(names) <= {"href", "rel"}, f"extra attributes on <a> in {html!r}"
        assert len(names) == len(set(names)), f"duplicated attribute in {html!r}"
        values = dict(attrs)
        assert values.get("rel") == REL
        if "href" in values:
            href = values["href"] or ""
            assert _scheme(href) in ALLOWED_SCHEMES, f"unsafe href {href!r}"


# --- Markdown subset ---------------------------------------------------------


def test_max_body_length() -> None:
    assert MAX_BODY_LENGTH == 10_000


def test_emphasis_and_strong() -> None:
    assert render_comment("*a* **b** _c_ __d__") == (
        "<p><em>a</em> <strong>b</strong> <em>c</em> <strong>d</strong></p>\n"
    )


def test_inline_link_gets_rel_and_drops_title() -> None:
    assert render_comment('[site](https://example.com/x?a=1&b=2 "A title")') == (
        '<p><a href="https://example.com/x?a=1&amp;b=2" rel="nofollow noopener">site</a></p>\n'
    )


def test_autolinks_and_mailto() -> None:
    assert render_comment("<https://example.com>") == (
        '<p><a href="https://example.com" rel="nofollow noopener">https://example.com</a></p>\n'
    )
    assert render_comment("<a@b.example>") == (
        '<p><a href="mailto:a@b.example" rel="nofollow noopener">a@b.example</a></p>\n'
    )


def test_reference_link() -> None:
    html = render_comment("see [the spec][s]\n\n[s]: https://spec.example")
    assert html == ('<p>see <a href="https://spec.example" rel="nofollow noopener">the spec</a></p>\n')


def test_bullet_and_numbered_lists() -> None:
    assert render_comment("- one\n- two") == "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
    assert render_comment("1. one\n2. two") == "<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n"


def test_blockquote_and_line_breaks() -> None:
    assert render_comment("> quoted\n> more") == ("<blockquote>\n<p>quoted<br>\nmore</p>\n</blockquote>\n")


def test_inline_code() -> None:
    assert render_comment("use `x < y`") == "<p>use <code>x &lt; y</code></p>\n"


def test_raw_html_is_text() -> None:
    assert render_comment("<b>hi</b> <img src=x onerror=alert(1)>") == (
        "<p>&lt;b&gt;hi&lt;/b&gt; &lt;img src=x onerror=alert(1)&gt;</p>\n"
    )


@pytest.mark.parametrize(
    "body",
    ["# heading", "![alt](https://example.com/a.png)", "| a | b |\n|---|---|\n| 1 | 2 |", "---"],
)
def test_unsupported_syntax_renders_no_extra_elements(body: str) -> None:
    html = render_comment(body)
    assert_safe_html(html)
    for tag in ("<h1", "<img", "<table", "<hr"):
        assert tag not in html


@pytest.mark.parametrize("body", ["[x](/relative)", "[x](//evil.example)", "[x](#top)", "[x](ftp://f.example)"])
def test_links_without_allowed_scheme_are_text(body: str) -> None:
    assert "<a" not in render_comment(body)


def test_empty_body() -> None:
    assert render_comment("") == ""
    assert plain_text("") == ""


# --- XSS corpus --------------------------------------------------------------


def test_corpus_is_large_enough() -> None:
    assert len(PAYLOADS) >= 60


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_renders_safely(payload: str) -> None:
    assert_safe_html(render_comment(payload))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitizer_alone_neutralises_payload(payload: str) -> None:
    # Defence in depth: even if Markdown ever passed raw HTML through, the
    # nh3 layer on its own must leave nothing dangerous.
    assert_safe_html(markup._sanitize(payload))


def test_existing_rel_is_replaced() -> None:
    html = markup._sanitize('<a href="https://x.example" rel="opener" target="_blank">x</a>')
    assert html == '<a href="https://x.example" rel="nofollow noopener">x</a>'


def test_checker_rejects_unsafe_html() -> None:
    # Guard against a checker that passes everything.
    for bad in (
        '<a href="javascript:alert(1)" rel="nofollow noopener">x</a>',
        '<a href="jav&#x09;ascript:alert(1)" rel="nofollow noopener">x</a>',
        '<a href="https://x" rel="nofollow noopener" onclick="x">x</a>',
        '<a href="https://x">x</a>',
        '<p title="x">x</p>',
        "<img src=x>",
        "<!-- x -->",
    ):
        with pytest.raises(AssertionError):
            assert_safe_html(bad)


# --- plain_text --------------------------------------------------------------


def test_plain_text_strips_markup_and_collapses_whitespace() -> None:
    body = "**Hello**   *there*\n\n> quoted [link](https://example.com)\n\n- one\n- `two`"
    assert plain_text(body) == "Hello there quoted link one two"


def test_plain_text_is_not_escaped() -> None:
    assert plain_text("a &amp; b <b>c</b>") == "a & b <b>c</b>"


def test_plain_text_truncates_at_word_boundary() -> None:
    body = "The quick **brown** fox jumps over the lazy dog"
    assert plain_text(body, limit=17) == "The quick brown…"
    assert plain_text(body, limit=16) == "The quick brown…"
    assert plain_text(body, limit=15) == "The quick…"
    assert len(plain_text(body, limit=15)) <= 15


def test_plain_text_short_text_and_long_word() -> None:
    assert plain_text("short", limit=10) == "short"
    assert plain_text("Supercalifragilistic", limit=6) == "Super…"


def test_plain_text_rejects_nonpositive_limit() -> None:
    with pytest.raises(ValueError):
        plain_text("x", limit=0)
