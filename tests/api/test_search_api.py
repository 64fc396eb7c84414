"""GET /api/v1/search and the /search page (SPEC §15)."""

from __future__ import annotations

import pytest

from principles_app.extensions import db
from principles_app.services import comments as comment_service
from tests.factories import (
    adopted_document,
    auth_header,
    draft_in_round,
    error_of,
    make_user,
    principle,
    publish,
    sign_in,
    token_for,
)


def _comment(author, target, body, anonymous=False):
    posted = comment_service.post_comment(
        author, target_type="principle", target_id=target.id, body=body, anonymous=anonymous
    )
    db.session.commit()
    return posted


def test_a_member_finds_a_comment_with_its_link_and_snippet(client):
    member = make_user("member")
    document = draft_in_round()
    note = _comment(member, principle(document, 1), "Journalists deserve <em>protection</em>")
    response = client.get("/api/v1/search?q=protection", headers=auth_header(token_for(member)))
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 1 and body["page"] == 1 and body["pages"] == 1
    hit = body["results"][0]
    assert (hit["kind"], hit["id"], hit["document"]) == ("comment", note.id, "charter")
    assert hit["url"] == f"/comments/{note.id}"
    assert "<mark>protection</mark>" in hit["snippet"] and "<em>" not in hit["snippet"]
    assert hit["author"] == member.name


def test_anyone_searches_publications_and_nothing_else(client):
    scenario = adopted_document()
    publication = publish(scenario)
    _comment(scenario.proposer, principle(scenario.document, 1), "A principle worth a thread")
    body = client.get("/api/v1/search?q=principle").get_json()
    assert [(hit["kind"], hit["id"]) for hit in body["results"]] == [("publication", publication.id)]
    assert body["results"][0]["url"] == "/principles/principles/1.0/"
    assert client.get("/api/v1/search?q=thread&kind=comment").get_json()["total"] == 0


def test_an_anonymous_author_is_not_in_the_answer(client):
    author = make_user("member")
    document = draft_in_round()
    _comment(author, principle(document, 1), "Keep sources safe", anonymous=True)
    headers = auth_header(token_for(make_user("secretariat")))
    body = client.get("/api/v1/search?q=sources", headers=headers).get_json()
    assert body["results"][0]["author"] is None
    assert author.name not in str(body)
    first_name = author.name.split()[0]
    assert client.get(f"/api/v1/search?q={author.name}", headers=headers).get_json()["total"] == 0, first_name


@pytest.mark.parametrize(
    "query, field",
    [
        ("", "q"),
        ("q=", "q"),
        ("q=" + "a" * 201, "q"),
        ("q=%3F%3F", "q"),
        ("q=care&kind=vote", "kind"),
        ("q=care&document=none", "document"),
        ("q=care&page=-1", "page"),
        ("q=care&per_page=1000", "per_page"),
        ("q=care&page=99999999999999999999", "page"),
    ],
)
def test_bad_input_is_a_422_with_the_field(client, query, field):
    error = error_of(client.get(f"/api/v1/search?{query}"), 422)
    assert field in error["fields"]


def test_the_search_is_documented(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/search" in paths
    names = {p["name"] for p in paths["/api/v1/search"]["get"]["parameters"]}
    assert {"q", "kind", "document", "page", "per_page"} <= names


def test_the_search_page_works_without_javascript(client):
    member = make_user("member")
    document = draft_in_round()
    _comment(member, principle(document, 1), "Solidarity <script>alert(1)</script> across borders")
    sign_in(client, member)
    page = client.get("/search?q=solidarity&kind=comment")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<mark>Solidarity</mark>" in html and "<script>alert" not in html
    assert "Results: 1" in html
    assert 'action="/search"' in html  # the header's search form


def test_the_search_page_explains_bad_input(client):
    page = client.get("/search?q=")
    assert page.status_code == 422
    assert "Type what to search for." in page.get_data(as_text=True)
    assert client.get("/search").status_code == 200


def test_the_search_page_in_arabic(client):
    client.post("/language", data={"language": "ar"})
    page = client.get("/search?q=x")
    assert page.status_code == 200 and 'dir="rtl"' in page.get_data(as_text=True)


def test_odd_characters_never_break_the_search(client):
    member = make_user("member")
    headers = auth_header(token_for(member))
    for query in ("q=%00", "q=care&page=%C2%B2", "q=%F0%9F%98%80", "q=_", "q=%D9%80", "q=a%27b", "q=care&kind=%00"):
        response = client.get(f"/api/v1/search?{query}", headers=headers)
        assert response.status_code in (200, 400, 422), (query, response.status_code)
        if response.status_code != 200:
            error_of(response)


def test_the_public_cannot_learn_a_drafts_address(client):
    scenario = adopted_document()
    publish(scenario)
    draft_in_round()  # "charter", never published
    assert error_of(client.get("/api/v1/search?q=care&document=charter"), 422)["fields"]["document"]
    assert client.get("/api/v1/search?q=principle&document=principles").status_code == 200
    page = client.get("/search").get_data(as_text=True)
    assert 'value="principles"' in page and 'value="charter"' not in page
    member = make_user("member")
    headers = auth_header(token_for(member))
    assert client.get("/api/v1/search?q=care&document=charter", headers=headers).status_code == 200
