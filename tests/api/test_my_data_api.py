"""Your data (SPEC §13): everything a person wrote, anonymous comments included, and never a secret."""

from __future__ import annotations

import json

import pytest

from tests.factories import PASSWORD, auth_header, draft_in_round, make_user, principle, propose, sign_in, token_for

SECRETS = ("password_hash", "token_hash", "secret", "recovery", "passkey", "credential")


@pytest.fixture
def scene(client):
    document = draft_in_round()
    author = make_user("member")
    other = make_user("member")
    target = principle(document, 1)
    headers = auth_header(token_for(author))
    named = client.post(
        "/api/v1/comments",
        json={"target_type": "principle", "target_id": target.id, "body": "A named remark."},
        headers=headers,
    )
    hidden = client.post(
        "/api/v1/comments",
        json={"target_type": "principle", "target_id": target.id, "body": "A quiet remark.", "anonymous": True},
        headers=headers,
    )
    assert named.status_code == hidden.status_code == 201
    foreign = client.post(
        "/api/v1/comments",
        json={"target_type": "principle", "target_id": target.id, "body": "Someone else's."},
        headers=auth_header(token_for(other)),
    ).get_json()
    flagged = client.post(f"/api/v1/comments/{foreign['id']}/flag", json={"reason": "Off topic here."}, headers=headers)
    assert flagged.status_code < 300, flagged.get_json()
    amendment = propose(author, document, 1)
    revised = client.patch(
        f"/api/v1/amendments/{amendment.id}", json={"text": "We listen to each other with patience."}, headers=headers
    )
    assert revised.status_code == 200, revised.get_json()
    return author, other, amendment


def test_the_export_holds_everything_the_person_wrote(client, scene):
    author, other, amendment = scene
    response = client.get("/api/v1/me/export", headers=auth_header(token_for(author)))
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["account"]["email"] == author.email and data["account"]["name"] == author.name
    assert data["account"]["role"] == "member" and data["account"]["two_factor"] is False
    assert data["account"]["organisation"]["name"] == author.organisation.name
    bodies = {c["body"]: c["anonymous"] for c in data["comments"]}
    assert bodies == {"A named remark.": False, "A quiet remark.": True}
    assert [a["id"] for a in data["amendments"]] == [amendment.id]
    assert data["amendments"][0]["text"] == "We listen to each other with patience."
    assert any(r["amendment_id"] == amendment.id for r in data["amendment_revisions"])
    assert [f["reason"] for f in data["flags"]] == ["Off topic here."]
    assert "key_points" in data and "translations" in data


def test_the_export_holds_no_secret_and_nothing_of_others(client, scene):
    author, other, _amendment = scene
    raw = client.get("/api/v1/me/export", headers=auth_header(token_for(author))).get_data(as_text=True)
    keys = json.dumps(list(_keys(json.loads(raw))))
    for secret in SECRETS:
        assert secret not in keys
    assert "$argon2" not in raw and PASSWORD not in raw
    assert "Someone else's." not in raw and other.email not in raw


def _keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def test_the_account_page_offers_the_download_without_javascript(client, scene):
    author, _other, _amendment = scene
    sign_in(client, author)
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/account/export"' in page
    download = client.get("/account/export")
    assert download.status_code == 200 and download.mimetype == "application/json"
    assert "attachment" in download.headers["Content-Disposition"]
    assert "A quiet remark." in download.get_data(as_text=True)


@pytest.mark.parametrize("role", ["anonymous", "observer", "member", "secretariat"])
def test_my_data_matrix(client, role):
    if role == "anonymous":
        assert client.get("/api/v1/me/export").status_code == 401
        page = client.get("/account/export")
        assert page.status_code == 302 and "/sign-in" in page.headers["Location"]
        return
    user = make_user(role)
    response = client.get("/api/v1/me/export", headers=auth_header(token_for(user)))
    assert response.status_code == 200 and response.get_json()["account"]["id"] == user.id
    sign_in(client, user)
    assert client.get("/account/export").status_code == 200
