"""A publication with every character a text may hold serves every export and the feed; Markdown stays literal."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ElementTree
from datetime import date
from html.parser import HTMLParser

import docx
import feedparser
import pypdf
import pytest
from markdown_it import MarkdownIt

from principles_app.extensions import db
from principles_app.services import drafts as drafts_service
from principles_app.services import publications as publications_service
from tests.factories import Scenario, adopt, make_organisation, make_user, publish

# Emoji with a skin tone and a zero-width joiner, a flag, right-to-left Arabic, combining marks,
# a zero-width non-joiner and joiner inside words, a tab, a no-break space and a right-to-left mark.
ODD_TEXT = (
    "Together 👩🏽\u200d💻 and 🇸🇳 we work.\tTab, then Arabic: نلتزم بهذه المبادئ\u200f معًا.\n"
    "Combining: q\u0301 and Z\u0324\u0354\u0367; Persian نمی\u200cخواهم; Devanagari क\u094d\u200dष;"
    "\u00a0no-break space."
)
ODD_TITLE = "Emoji 🌍 and العربية"
MARKUP_TEXT = (
    "<b>bold</b> <script>alert(1)</script> ![pixel](https://evil.example/p.png) "
    "[click](javascript:alert(1)) <javascript:alert(1)> &amp; *stars* `code`\n"
    "## Record\n"
    "# Forged title\n"
    "> quoted\n"
    "- listed\n"
    "1. ordered\n"
    "    indented code\n"
    "---\n"
    "<div>block</div>"
)


@pytest.fixture
def published(app):
    secretariat = make_user("secretariat")
    proposer = make_user("member", organisation=make_organisation("Voices of the Sahel", weight="2"))
    cosponsor = make_user("member", organisation=make_organisation("Andes Press Freedom", region="americas"))
    document = drafts_service.create_document(
        secretariat,
        "principles",
        "Principles 🤝 المبادئ",
        f"Preamble: {ODD_TEXT}",
        [{"title": ODD_TITLE, "text": ODD_TEXT}, {"title": "Markup stays text", "text": MARKUP_TEXT}],
    )
    db.session.commit()
    scenario = Scenario(document, secretariat, proposer, cosponsor, proposer.organisation, cosponsor.organisation, 0)
    scenario.adopted_version = adopt(scenario)
    publish(scenario)
    return scenario


def _export(client, fmt: str) -> bytes:
    response = client.get(f"/principles/principles/1.0/export.{fmt}")
    assert response.status_code == 200, (fmt, response.status_code)
    return response.data


def _squash(text: str) -> str:
    return "".join(text.split())


def test_every_export_and_the_feed_carry_every_allowed_character(client, published):
    exported = json.loads(_export(client, "json"))
    assert exported["canonical"]["snapshot"]["principles"][0]["text"] == ODD_TEXT

    html = _export(client, "html").decode("utf-8")
    HTMLParser().feed(html)
    assert "👩🏽\u200d💻" in html and "نلتزم بهذه المبادئ" in html and "q\u0301" in html

    markdown = _export(client, "md").decode("utf-8")
    assert "👩🏽\u200d💻" in markdown and "\t" in markdown and "نمی\u200cخواهم" in markdown

    document = docx.Document(io.BytesIO(_export(client, "docx")))
    docx_text = "\n".join(p.text for p in document.paragraphs)
    assert "👩🏽\u200d💻" in docx_text and "نلتزم" in docx_text and ODD_TITLE in docx_text

    reader = pypdf.PdfReader(io.BytesIO(_export(client, "pdf")))
    # pypdf reads some fallback fonts' text as UTF-16 code units; the NULs are its artefact, not the PDF's.
    pdf_text = "".join(page.extract_text() for page in reader.pages).replace("\x00", "")
    assert len(reader.pages) >= 1 and "Together" in pdf_text and "no-break" in _squash(pdf_text)

    feed = client.get("/principles/feed.atom")
    assert feed.status_code == 200
    ElementTree.fromstring(feed.data)
    parsed = feedparser.parse(feed.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == 1


def test_the_markdown_export_keeps_markup_in_a_principle_literal(client, published):
    markdown = _export(client, "md").decode("utf-8")
    parser = MarkdownIt("commonmark")
    tokens = parser.parse(markdown)
    headings = [(tokens[i + 1].content, token.tag) for i, token in enumerate(tokens) if token.type == "heading_open"]
    assert [title for title, _tag in headings].count("Record") == 1
    assert [title for title, tag in headings if tag == "h1"] == ["Principles 🤝 المبادئ"]
    # Between the principle's heading and the next one: paragraphs of plain text, nothing else.
    start = next(
        i for i, token in enumerate(tokens) if token.type == "inline" and token.content.endswith("Markup stays text")
    )
    end = next(i for i in range(start + 1, len(tokens)) if tokens[i].type == "heading_open")
    section = tokens[start + 2 : end]
    assert {token.type for token in section} == {"paragraph_open", "inline", "paragraph_close"}
    assert {child.type for token in section for child in (token.children or [])} <= {"text", "softbreak"}
    rendered = parser.render(markdown)
    assert "<b>" not in rendered and "<script" not in rendered and "<img" not in rendered and "<a " not in rendered
    # The text reads as written: each line of the principle is there, letter for letter.
    text = "\n".join(token.content for token in section if token.type == "inline")
    literal = "".join(
        child.content if child.type == "text" else "\n" for token in section for child in (token.children or [])
    )
    for line in MARKUP_TEXT.split("\n"):
        assert line.strip() in literal, (line, text)


def test_a_control_character_stored_before_the_rule_breaks_neither_the_feed_nor_the_docx(client, app):
    secretariat = make_user("secretariat")
    proposer = make_user("member", organisation=make_organisation("Voices of the Sahel", weight="2"))
    cosponsor = make_user("member", organisation=make_organisation("Andes Press Freedom", region="americas"))
    # The services take what the API and the forms checked; older rows may hold anything.
    document = drafts_service.create_document(
        secretariat,
        "legacy",
        "Legacy\x07 principles",
        "Bell\x07 preamble",
        [{"title": "Form\x0cfeed", "text": "Escape \x1b[31m text"}],
    )
    db.session.commit()
    scenario = Scenario(document, secretariat, proposer, cosponsor, proposer.organisation, cosponsor.organisation, 0)
    scenario.adopted_version = adopt(scenario)
    publications_service.publish(
        secretariat, document, scenario.adopted_version, "1.0", date(2024, 6, 14), "General\x07 Meeting"
    )
    db.session.commit()
    feed = client.get("/principles/feed.atom")
    ElementTree.fromstring(feed.data)
    assert not feedparser.parse(feed.data).bozo
    response = client.get("/principles/legacy/1.0/export.docx")
    assert response.status_code == 200
    assert "Escape [31m text" in "\n".join(p.text for p in docx.Document(io.BytesIO(response.data)).paragraphs)
    for fmt in ("pdf", "html", "md", "json"):
        assert client.get(f"/principles/legacy/1.0/export.{fmt}").status_code == 200, fmt
    assert client.get("/principles/legacy/1.0/").status_code == 200
