"""The public site of published principles: what any reader, without signing in, would notice."""

from __future__ import annotations

import hashlib
import io
import json

import docx
import feedparser
import pypdf
import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import ExportCache, Publication
from principles_app.services import comments as comments_service
from tests.factories import (
    ARABIC_SENTENCE,
    DRAFT_ONLY_TEXT,
    RATIONALE,
    adopt,
    adopted_document,
    make_user,
    merge_amendment,
    publish,
    sign_in,
)

IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture
def published(app):
    scenario = adopted_document()
    publish(scenario)
    return scenario


def test_the_index_lists_published_documents_only(client, published):
    from principles_app.services import drafts as drafts_service

    drafts_service.create_document(
        published.secretariat, "unpublished-draft", "A secret draft title", "", [{"title": "T", "text": "x"}]
    )
    db.session.commit()
    page = client.get("/principles/")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Principles for Collaboration" in body and "/principles/principles/" in body
    assert "A secret draft title" not in body
    assert client.get("/principles/unpublished-draft/").status_code == 404


def test_the_latest_page_shows_the_text_hash_adoption_and_credits(client, published):
    page = client.get("/principles/principles/")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    publication = db.session.execute(select(Publication)).scalar_one()
    for expected in (
        "Principle title 1",
        "as amended",
        ARABIC_SENTENCE,
        publication.sha256,
        "1.0",
        "General Meeting, Berlin 2024",
        "2024-06-14",
        "Voices of the Sahel",
        "Andes Press Freedom",
        "3.0000",
    ):
        assert expected in body
    assert "<script" not in body
    assert page.headers["Cache-Control"] == "public, max-age=60"
    assert page.headers["ETag"]


def test_immutable_pages_send_strong_etags_long_lifetimes_and_answer_304(client, published):
    page = client.get("/principles/principles/1.0/")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == IMMUTABLE
    etag = page.headers["ETag"]
    assert etag == f'"{hashlib.sha256(page.data).hexdigest()}"' and not etag.startswith("W/")
    again = client.get("/principles/principles/1.0/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    other = client.get("/principles/principles/1.0/", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.data == page.data


def test_head_gives_the_headers_without_a_body(client, published):
    full = client.get("/principles/principles/1.0/")
    head = client.head("/principles/principles/1.0/")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == full.headers["ETag"]
    assert head.headers["Content-Length"] == str(len(full.data))
    assert client.head("/principles/principles/1.0/export.pdf").status_code == 200


def test_a_signed_in_reader_gets_the_same_public_page(client, published):
    anonymous = client.get("/principles/principles/1.0/")
    sign_in(client, published.proposer)
    signed_in = client.get("/principles/principles/1.0/")
    assert signed_in.headers["ETag"] == anonymous.headers["ETag"]
    assert "Set-Cookie" not in anonymous.headers


def test_the_latest_page_changes_when_a_new_publication_appears(client, published):
    first = client.get("/principles/principles/")
    newer = merge_amendment(published, "Principle title 3", "A better principle 3.", number=3)
    adopt(published)
    publish(published, label="2.0", version=newer)
    second = client.get("/principles/principles/", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert "A better principle 3." in second.get_data(as_text=True)
    assert client.get("/principles/principles/1.0/").status_code == 200  # the old one stays readable
    assert "A better principle 3." not in client.get("/principles/principles/1.0/").get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/principles/nope/",
        "/principles/nope/1.0/",
        "/principles/principles/9.9/",
        "/principles/principles/9.9/export.pdf",
        "/principles/principles/1.0/export.exe",
        "/principles/principles/1.0/export.",
        "/principles/principles/compare/1.0/9.9/",
        "/principles/principles/compare/9.9/1.0/",
        "/principles/nope/compare/1.0/1.0/",
    ],
)
def test_unknown_documents_labels_sides_and_formats_are_404(client, published, url):
    response = client.get(url)
    assert response.status_code == 404


def test_compare_shows_a_redline_between_two_publications(client, published):
    newer = merge_amendment(published, "Principle title 3", "A better principle 3.", number=3)
    adopt(published)
    publish(published, label="2.0", version=newer)
    page = client.get("/principles/principles/compare/1.0/2.0/")
    assert page.status_code == 200 and page.headers["Cache-Control"] == IMMUTABLE
    body = page.get_data(as_text=True)
    assert "<ins>" in body and "<del>" in body and "better" in body


def test_the_json_export_lets_anyone_recompute_the_hash(client, published):
    response = client.get("/principles/principles/1.0/export.json")
    assert response.status_code == 200 and response.headers["Cache-Control"] == IMMUTABLE
    exported = json.loads(response.data)
    # Only the downloaded file: the canonical snapshot serialised as the README says.
    canonical = json.dumps(
        exported["canonical"]["snapshot"], ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")
    assert hashlib.sha256(canonical).hexdigest() == exported["sha256"]
    assert exported["label"] == "1.0" and exported["adoption"]["passed"] is True
    assert exported["credits"] == ["Andes Press Freedom", "Voices of the Sahel"]


def test_the_pdf_export_carries_label_hash_titles_and_arabic_and_is_cached(client, published):
    response = client.get("/principles/principles/1.0/export.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.data)).pages)
    publication = db.session.execute(select(Publication)).scalar_one()
    flat = "".join(text.split())
    assert "1.0" in text and publication.sha256 in flat
    for n in (1, 2, 3):
        assert f"Principle title {n}" in text
    assert db.session.execute(select(func.count()).select_from(ExportCache)).scalar_one() == 1
    again = client.get("/principles/principles/1.0/export.pdf")
    assert again.data == response.data and again.headers["ETag"] == response.headers["ETag"]
    conditional = client.get(
        "/principles/principles/1.0/export.pdf", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert conditional.status_code == 304 and conditional.data == b""


def test_the_docx_export_reads_back_with_python_docx(client, published):
    response = client.get("/principles/principles/1.0/export.docx")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert any("Principle title 1" in h for h in headings)
    assert "1.0" in text and "General Meeting, Berlin 2024" in text
    publication = db.session.execute(select(Publication)).scalar_one()
    assert publication.sha256 in text


@pytest.mark.parametrize("fmt,mimetype", [("md", "text/markdown"), ("html", "text/html")])
def test_markdown_and_html_exports(client, published, fmt, mimetype):
    response = client.get(f"/principles/principles/1.0/export.{fmt}")
    assert response.status_code == 200 and response.mimetype == mimetype
    body = response.get_data(as_text=True)
    assert "Principle title 2" in body and "General Meeting, Berlin 2024" in body
    assert "<script" not in body


def test_the_feed_is_valid_atom_and_lists_publications(client, published):
    response = client.get("/principles/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    assert response.headers["Cache-Control"] == "public, max-age=60"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert len(feed.entries) == 1 and "1.0" in feed.entries[0].title
    assert feed.entries[0].link.endswith("/principles/principles/1.0/")
    assert client.get("/principles/feed.atom", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_the_feed_is_valid_when_nothing_is_published(client):
    feed = feedparser.parse(client.get("/principles/feed.atom").data)
    assert not feed.bozo and feed.entries == []


def test_public_pages_show_no_draft_amendment_or_comment_text(client, published):
    from principles_app.services import drafts as drafts_service

    principle = drafts_service.live_principles(published.document)[0]
    comments_service.post_comment(
        published.proposer, target_type="principle", target_id=principle.id, body="A private thread remark"
    )
    merge_amendment(published, "Principle title 1", DRAFT_ONLY_TEXT)  # merged into the draft, never adopted
    db.session.commit()
    pages = [
        "/principles/",
        "/principles/principles/",
        "/principles/principles/1.0/",
        "/principles/feed.atom",
        *[f"/principles/principles/1.0/export.{fmt}" for fmt in ("html", "md", "json")],
    ]
    for url in pages:
        body = client.get(url).get_data(as_text=True)
        for secret in (
            DRAFT_ONLY_TEXT,
            RATIONALE,
            "A private thread remark",
            published.proposer.name,
            published.proposer.email,
        ):
            assert secret not in body, (url, secret)


def test_the_reader_can_switch_the_page_language(client, published):
    spanish = client.get("/principles/principles/1.0/?lang=es")
    english = client.get("/principles/principles/1.0/?lang=en")
    assert spanish.status_code == english.status_code == 200
    assert 'lang="es"' in spanish.get_data(as_text=True)
    arabic = client.get("/principles/principles/1.0/?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in arabic


# --- Signed-in pages: the publish form and the meeting pack ------------------------------------


def test_the_secretariat_publishes_from_the_browser(client, app):
    scenario = adopted_document()
    sign_in(client, scenario.secretariat)
    form = client.get("/documents/principles/publish")
    assert form.status_code == 200
    response = client.post(
        "/documents/principles/publish",
        data={
            "version": str(scenario.adopted_version),
            "label": "1.0",
            "approved_at": "2024-06-14",
            "meeting": "General Meeting, Berlin 2024",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/principles/principles/1.0/")
    twice = client.post(
        "/documents/principles/publish",
        data={
            "version": str(scenario.adopted_version),
            "label": "1.0",
            "approved_at": "2024-06-14",
            "meeting": "General Meeting, Berlin 2024",
        },
    )
    assert twice.status_code == 409
    not_adopted = client.post(
        "/documents/principles/publish",
        data={"version": "1", "label": "0.9", "approved_at": "2024-06-14", "meeting": "Somewhere"},
    )
    assert not_adopted.status_code == 409
    bad_date = client.post(
        "/documents/principles/publish",
        data={"version": "2", "label": "0.8", "approved_at": "14/06/2024", "meeting": "Somewhere"},
    )
    assert bad_date.status_code == 422
    assert db.session.execute(select(func.count()).select_from(Publication)).scalar_one() == 1


@pytest.mark.parametrize("role", ["member", "observer"])
def test_only_the_secretariat_may_publish(client, app, role):
    scenario = adopted_document()
    sign_in(client, make_user(role))
    response = client.post(
        "/documents/principles/publish",
        data={"version": str(scenario.adopted_version), "label": "1.0", "approved_at": "2024-06-14", "meeting": "GM"},
    )
    assert response.status_code == 403
    assert db.session.execute(select(func.count()).select_from(Publication)).scalar_one() == 0


def test_the_meeting_pack_has_numbered_lines_and_every_amendment(client, app):
    adopted_document()
    sign_in(client, make_user("observer"))
    page = client.get("/documents/principles/versions/1/meeting-pack.html")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'class="line-number"' in body and "Principle title 3" in body
    assert RATIONALE in body and "Voices of the Sahel" in body and "Andes Press Freedom" in body
    assert "<del>" in body or "<ins>" in body
    pdf = client.get("/documents/principles/versions/1/meeting-pack.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Principle title 2" in text


def test_the_meeting_pack_is_for_signed_in_users_only(client, app):
    adopted_document()
    response = client.get("/documents/principles/versions/1/meeting-pack.html")
    assert response.status_code in (302, 401)
    assert client.get("/documents/principles/versions/99/meeting-pack.html").status_code in (302, 401)


def test_the_meeting_pack_shows_the_result_of_a_voted_amendment(client, app):
    from datetime import timedelta

    from principles_app.db import utcnow
    from principles_app.services import amendments as amendments_service
    from principles_app.services import ballots as ballot_service
    from principles_app.services import closing
    from principles_app.services import drafts as drafts_service
    from principles_app.services import motions as motion_service
    from principles_app.services import rounds as rounds_service

    scenario = adopted_document()
    document = scenario.document
    before = document.current_version
    proposals = rounds_service.create_round(
        scenario.secretariat, document, "amendments", "Proposals", utcnow() + timedelta(days=2)
    )
    closing.open_round(scenario.secretariat, proposals)
    principle = drafts_service.live_principles(document)[2]
    amendment = amendments_service.propose(
        scenario.proposer,
        document,
        "modify",
        "Voted on at the meeting",
        principle_id=principle.id,
        title=principle.title,
        text="Principle three, as the meeting voted it.",
    )
    closing.close_round(scenario.secretariat, proposals)
    ballot = rounds_service.create_round(
        scenario.secretariat, document, "voting", "Votes", utcnow() + timedelta(days=2)
    )
    closing.open_round(scenario.secretariat, ballot)
    motion = motion_service.put_motion(scenario.secretariat, ballot, amendment)
    ballot_service.cast_ballot(scenario.proposer, motion.id, "yes")
    ballot_service.cast_ballot(scenario.cosponsor, motion.id, "no")
    closing.close_round(scenario.secretariat, ballot)
    db.session.commit()
    sign_in(client, scenario.cosponsor)
    body = client.get(f"/documents/principles/versions/{before}/meeting-pack.html").get_data(as_text=True)
    assert "Voted on at the meeting" in body
    assert "Result" in body and "passed" in body and "2.0000" in body


def test_the_latest_pages_304_asks_for_its_endorsements_only_after_a_commit(client, published, count_queries):
    first = client.get("/principles/principles/")
    headers = {"If-None-Match": first.headers["ETag"]}
    client.get("/principles/principles/", headers=headers)
    with count_queries() as counted:
        again = client.get("/principles/principles/", headers=headers)
    assert again.status_code == 304
    assert not [s for s in counted.statements if "endorsement" in s.lower()], counted.statements
    # After a commit (an approval, say) the next answer asks anew.
    db.session.commit()
    with count_queries() as counted:
        assert client.get("/principles/principles/", headers=headers).status_code == 304
    assert [s for s in counted.statements if "endorsement" in s.lower()]
