"""Protective anonymity names the author's region and category only when that group is large enough."""

from __future__ import annotations

import pytest

from principles_app.extensions import db
from principles_app.services import comments as service
from tests.factories import auth_header, make_organisation, make_principle, make_user, sign_in, token_for


@pytest.fixture(autouse=True)
def _fast_posting(app, monkeypatch):
    monkeypatch.setitem(app.config, "COMMENT_RATE_LIMIT", "10000 per minute")


def _author_in_group_of(size: int, region: str = "mena", category: str = "member"):
    """An author whose organisation is one of ``size`` active organisations of its region and category."""
    role = "member" if category == "member" else "observer"
    author = make_user(role, organisation=make_organisation(region=region, category=category))
    for _ in range(size - 1):
        make_organisation(region=region, category=category)
    make_organisation(region=region, category=category, active=False)  # the inactive do not count
    return author


def _posted_by(client, author):
    principle = make_principle()
    response = client.post(
        "/api/v1/comments",
        headers=auth_header(token_for(author)),
        json={
            "target_type": "principle",
            "target_id": principle.id,
            "body": "We cannot say this openly.",
            "anonymous": True,
        },
    )
    assert response.status_code == 201, response.get_json()
    reader = make_user(region="americas")
    thread = client.get(f"/api/v1/threads/principle/{principle.id}", headers=auth_header(token_for(reader)))
    return principle, thread.get_json()["comments"][0]["author"]


def test_a_group_below_the_threshold_is_shown_as_a_participant_and_one_at_it_by_its_group(client):
    _principle, small = _posted_by(client, _author_in_group_of(2))
    assert small == {"display": "a participant", "region": None, "category": None}
    _principle, large = _posted_by(client, _author_in_group_of(3, region="asia_pacific"))
    assert large == {
        "display": "a member organisation from Asia-Pacific",
        "region": "asia_pacific",
        "category": "member",
    }


def test_an_observer_alone_in_its_region_is_not_named(client):
    _principle, author = _posted_by(client, _author_in_group_of(1, region="africa", category="ally"))
    assert author["display"] == "a participant" and "Africa" not in str(author)


def test_a_group_that_shrinks_later_widens_the_label(client):
    author = _author_in_group_of(1)
    neighbours = [make_organisation(region="mena") for _ in range(2)]
    principle, before = _posted_by(client, author)
    assert before["region"] == "mena"
    neighbours[0].active = False
    db.session.commit()
    thread = service.load_thread("principle", principle.id, make_user(region="americas"))
    assert str(thread.roots[0].author.display) == "a participant" and thread.roots[0].author.region is None


def test_the_threshold_is_a_setting(app, client, monkeypatch):
    author = _author_in_group_of(2)
    principle, before = _posted_by(client, author)
    assert before["region"] is None
    monkeypatch.setitem(app.config, "ANONYMITY_MIN_GROUP", 2)
    thread = service.load_thread("principle", principle.id, make_user(region="americas"))
    assert thread.roots[0].author.region == "mena"


@pytest.mark.parametrize(
    "size, offered, explained",
    [
        (3, "Show me only as an organisation from my region", False),
        (2, "Show me only as “a participant”", True),
    ],
)
def test_the_form_says_what_the_author_would_be_shown_as(client, size, offered, explained):
    author = _author_in_group_of(size)
    principle = make_principle()
    sign_in(client, author)
    page = client.get(f"/threads/principle/{principle.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert offered in page
    assert ("Fewer than 3 active organisations share your region and category" in page) is explained
    assert ("You would be shown as “a participant”" in page) is explained
    assert (
        "You would be shown as “a member organisation from Middle East &amp; North Africa”" in page
    ) is not explained


@pytest.mark.parametrize("language, wider", [("es", "un participante"), ("fr", "un participant"), ("ar", "مشارك")])
def test_the_wider_label_is_translated(client, language, wider):
    principle, _author = _posted_by(client, _author_in_group_of(1))
    reader = make_user(region="americas")
    sign_in(client, reader)
    page = client.get(f"/threads/principle/{principle.id}", headers={"Accept-Language": language})
    assert wider in page.get_data(as_text=True)
